using System.Net.Http.Json;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk.Events;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.Risk.Tests.Events;

/// <summary>The events the register publishes leave through the outbox onto the real Redis Streams bus. Each test reads
/// the streams once the outbox has drained, so an event that is absent was never published.</summary>
public class RiskEventsTests(RiskHost host) : IClassFixture<RiskHost>
{
    private const string Risks = RiskHost.Risks;

    private async Task ReassessAsync(long id, string current)
    {
        using var council = host.App.Client(TestUser.Partner("medway-council"));
        (await council.PostAsJsonAsync($"{Risks}/{id}/assessments", new { current, rationale = $"Now {current}." })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Every_assessment_publishes_risk_assessed()
    {
        var id = await host.CreateRiskAsync();
        await ReassessAsync(id, "E3");
        var assessed = await host.PublishedAsync(RiskAssessed.Topic, id);
        Assert.Equal(2, assessed.Count);
        Assert.Equal("/csp/risk", assessed[0].Source);
        Assert.Equal("D3", assessed[1].Data.GetProperty("previousRating").GetString());
        Assert.Equal("E3", assessed[1].Data.GetProperty("rating").GetString());
        Assert.Equal("improving", assessed[1].Data.GetProperty("directionOfTravel").GetString());
    }

    [Fact]
    public async Task Crossing_the_tolerance_line_publishes_exactly_one_risk_escalated()
    {
        var id = await host.CreateRiskAsync(); // D3, green
        await ReassessAsync(id, "B2");          // into red: above tolerance
        await ReassessAsync(id, "A1");          // still red: not a new crossing
        await ReassessAsync(id, "C1");          // still red
        Assert.Equal(4, (await host.PublishedAsync(RiskAssessed.Topic, id)).Count);

        var only = Assert.Single(await host.PublishedAsync(RiskEscalated.Topic, id));
        Assert.Equal("above-tolerance", only.Data.GetProperty("reason").GetString());
        Assert.Equal("D3", only.Data.GetProperty("previousRating").GetString());
        Assert.Equal("B2", only.Data.GetProperty("rating").GetString());
        Assert.Equal("red", only.Data.GetProperty("band").GetString());

        await ReassessAsync(id, "D3");          // back under the line
        await ReassessAsync(id, "B1");          // a second crossing: a second escalation
        Assert.Equal(6, (await host.PublishedAsync(RiskAssessed.Topic, id)).Count);
        Assert.Equal(2, (await host.PublishedAsync(RiskEscalated.Topic, id)).Count);
    }

    [Fact]
    public async Task An_overdue_review_raises_risk_review_overdue_once_per_review_date()
    {
        var id = await host.CreateRiskAsync(b => b["nextReviewDate"] = "2025-03-31");
        var monitor = host.App.Services.GetRequiredService<ReviewMonitor>();
        Assert.True(await monitor.ScanAsync() >= 1);
        await monitor.ScanAsync();
        var raised = Assert.Single(await host.PublishedAsync(RiskReviewOverdue.Topic, id));
        Assert.Equal("2025-03-31", raised.Data.GetProperty("nextReviewDate").GetString());
    }
}
