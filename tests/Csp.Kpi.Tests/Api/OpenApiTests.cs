using System.Text.Json;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

/// <summary>The OpenAPI document of the running service says, for every operation, what it takes and what it answers.</summary>
public class OpenApiTests(KpiHost host) : IClassFixture<KpiHost>
{
    [Fact]
    public async Task Every_operation_has_its_request_and_success_schemas_and_its_problem_responses()
    {
        var doc = await OpenApiChecks.DocumentAsync(host.App);
        Assert.Empty(OpenApiChecks.Shortcomings(doc));
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/partnerships/{partnershipId}/kpis/scorecard", paths);
        Assert.Contains("/public/partnerships/{partnershipId}/scorecard", paths);
    }

    [Fact]
    public async Task Recording_a_measurement_documents_its_body_its_201_and_its_problems()
    {
        var doc = await OpenApiChecks.DocumentAsync(host.App);
        var post = doc.GetProperty("paths").GetProperty("/api/partnerships/{partnershipId}/kpis/{code}/measurements").GetProperty("post");
        var body = OpenApiChecks.Resolve(doc, post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Superset(new HashSet<string> { "period", "value", "numerator", "denominator", "note" }, body.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet());
        var responses = post.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.All(new[] { "201", "400", "401", "403", "404" }, status => Assert.Contains(status, responses));
    }
}
