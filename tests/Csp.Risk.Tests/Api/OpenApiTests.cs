using System.Text.Json;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Api;

/// <summary>The OpenAPI document of the running service says, for every operation, what it takes and what it answers.</summary>
public class OpenApiTests(RiskHost host) : IClassFixture<RiskHost>
{
    private Task<JsonElement> DocumentAsync() => OpenApiChecks.DocumentAsync(host.App);

    [Fact]
    public async Task Every_operation_has_its_request_and_success_schemas_and_its_problem_responses()
    {
        var doc = await DocumentAsync();
        Assert.Empty(OpenApiChecks.Shortcomings(doc));
        Assert.True(doc.GetProperty("paths").EnumerateObject().Count() >= 5);
    }

    [Fact]
    public async Task Adding_a_risk_documents_its_body_its_201_and_its_problems()
    {
        var doc = await DocumentAsync();
        var post = doc.GetProperty("paths").GetProperty("/api/partnerships/{partnershipId}/risks").GetProperty("post");
        var body = OpenApiChecks.Resolve(doc, post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var fields = body.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("current", fields);
        Assert.Contains("owningAgencyId", fields);
        Assert.Contains("treatment", fields);

        var responses = post.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Contains("201", responses);
        Assert.All(new[] { "400", "401", "403", "404" }, status => Assert.Contains(status, responses));
        var created = OpenApiChecks.Resolve(doc, post.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Contains("aboveTolerance", created.GetProperty("properties").EnumerateObject().Select(p => p.Name));

        var revise = doc.GetProperty("paths").GetProperty("/api/partnerships/{partnershipId}/risks/{riskId}").GetProperty("put");
        Assert.All(new[] { "412", "428" }, status => Assert.Contains(status, revise.GetProperty("responses").EnumerateObject().Select(r => r.Name)));
    }

    /// <summary>Follows a <c>$ref</c> to <c>#/components/schemas/...</c>.</summary>
}
