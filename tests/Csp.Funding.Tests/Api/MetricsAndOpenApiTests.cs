using System.Net.Http.Json;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Api;

/// <summary>The business gauges (pence, bounded labels) on the management port, and the OpenAPI document.</summary>
[Collection(AloneForGauges.Name)]
public class MetricsAndOpenApiTests(FundingHost host) : IClassFixture<FundingHost>
{
    [Fact]
    public async Task The_gauges_show_awarded_released_and_spent_pence_by_partnership_programme_and_year()
    {
        var path = await host.ConfirmedWithProjectAsync("crg-gauges");
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        (await finance.PutAsJsonAsync($"{path}/schedule", new { template = "single" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"{path}/tranches/1/release", new { })).EnsureSuccessStatusCode();
        using var management = host.App.Management();
        var metrics = await management.GetStringAsync("/metrics");
        Assert.Contains("csp_funding_awarded_pence{partnership=\"medway\",programme=\"crg-gauges\",year=\"2024-25\"} 3966100", metrics);
        Assert.Contains("csp_funding_released_pence{partnership=\"medway\",programme=\"crg-gauges\",year=\"2024-25\"} 3966100", metrics);
        Assert.Contains("csp_funding_spent_pence{partnership=\"medway\",programme=\"crg-gauges\",year=\"2024-25\"} 0", metrics);
        Assert.Contains("csp_funding_returns_overdue{partnership=\"medway\"}", metrics);
    }

    [Fact]
    public async Task Every_operation_says_what_it_takes_and_what_it_answers()
    {
        var doc = await OpenApiChecks.DocumentAsync(host.App);
        // The CSV exports answer text/csv (declared so), not JSON: the shared check asks every success for a JSON schema.
        var shortcomings = OpenApiChecks.Shortcomings(doc).Where(s => !s.Contains(".csv has no success schema")).ToList();
        Assert.True(shortcomings.Count == 0, string.Join("\n", shortcomings));
        var post = doc.GetProperty("paths").GetProperty("/api/partnerships/{partnershipId}/funding/allocations/{allocationId}/spend").GetProperty("post");
        var body = OpenApiChecks.Resolve(doc, post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Contains("correctsEntryId", body.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.All(new[] { "201", "400", "401", "403", "404" }, status => Assert.Contains(status, post.GetProperty("responses").EnumerateObject().Select(r => r.Name)));
    }
}

/// <summary>The business gauges are process-wide and every live FundingHost refreshes "medway" from its own Redis database
/// before a scrape: a gauge test runs after the parallel tests, when the other hosts have stopped (a stopped host's refresh
/// reports nothing), so the figures it reads are its own host's.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneForGauges
{
    public const string Name = "business gauges, alone";
}
