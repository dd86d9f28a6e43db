using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Api;

/// <summary>Programme to closure over real HTTP and real Redis, with the events each step publishes.</summary>
public class LifecycleTests(FundingHost host) : IClassFixture<FundingHost>
{
    [Fact]
    public async Task From_programme_to_closure_with_the_underspend_returned()
    {
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        using var manager = host.App.Client(TestUser.Manager());
        using var contact = host.App.Client(FundingHost.FinanceContact);
        const string programme = "crg-lifecycle";
        await host.NewProgrammeAsync(programme);
        var path = $"{FundingHost.Allocations}/{programme}";

        // Awarded provisional, then confirmed once the Panel has approved the budget.
        var created = await finance.PostAsJsonAsync(FundingHost.Allocations, new { programmeId = programme, amount = "39661.00" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/partnerships/medway/funding/allocations/{programme}", created.Headers.Location?.OriginalString);
        Assert.Equal("provisional", (await created.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await finance.PutAsJsonAsync($"{path}/schedule", new { template = "two-thirds-then-one-third" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsJsonAsync($"{path}/confirm", new { panelDate = "2024-02-06", panelReference = "PCP 6 Feb 2024" })).StatusCode);

        // Business cases: nine projects totalling £39,505 would be the real thing; two here.
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{path}/projects", host.ProjectBody("30000.00"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{path}/projects", host.ProjectBody("9505.00"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsJsonAsync($"{path}/projects/1/decision", new { approve = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsJsonAsync($"{path}/projects/2/decision", new { approve = true })).StatusCode);

        // Two-thirds released on the business cases: £26,440.67 (the first tranche carries the odd penny).
        var released = await finance.PostAsJsonAsync($"{path}/tranches/1/release", new { releasedOn = "2024-05-01" });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        var afterRelease = (await released.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(2_644_067, afterRelease["totals"]!["released"]!["pence"]!.GetValue<long>());
        Assert.Equal("26440.67", afterRelease["totals"]!["released"]!["pounds"]!.GetValue<string>());

        // Spend by the manager and the finance contact; a correction.
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{path}/spend", new { projectId = 1, date = "2024-06-01", amount = "30100.00", description = "Overtime", evidenceReference = "INV-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await contact.PostAsJsonAsync($"{path}/spend", new { projectId = 1, date = "2024-06-02", amount = "-100.00", description = "Overcharged", correctsEntryId = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await contact.PostAsJsonAsync($"{path}/spend", new { projectId = 2, date = "2024-09-01", amount = 9405, description = "Diversion sessions" })).StatusCode);

        // The Q2 return: submitted by the manager, signed off by the finance contact, accepted by the funder.
        var submitted = await manager.PostAsJsonAsync($"{path}/returns", new
        {
            quarter = "2024-Q2", narrative = "Both projects on track.", forecastOutturn = "39505.00",
            spendToDate = new object[] { new { projectId = 1, spent = "30000.00" }, new { projectId = 2, spent = "9405.00" } },
            measures = new object[] { new { projectId = 1, measure = "Lines disrupted", value = "6" } },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await contact.PostAsync($"{path}/returns/2024-Q2/sign-off", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsJsonAsync($"{path}/returns/2024-Q2/decision", new { approve = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsJsonAsync($"{path}/tranches/2/release", new { releasedOn = "2024-11-01" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{path}/spend", new { projectId = 2, date = "2024-12-01", amount = "100.00", description = "Venue" })).StatusCode);

        // Year end: outturn £39,505, £156 returned, closed.
        var closed = await finance.PostAsJsonAsync($"{path}/year-end", new { outturn = "39505.00", returnedOn = "2025-04-30", returnReference = "RF-2025-01" });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var final = (await closed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("closed", final["status"]!.GetValue<string>());
        Assert.Equal(15_600, final["yearEnd"]!["fundsReturned"]!["pence"]!.GetValue<long>());
        Assert.Equal(3_950_500, final["totals"]!["spent"]!["pence"]!.GetValue<long>());
        Assert.Equal(15_600, final["totals"]!["remaining"]!["pence"]!.GetValue<long>());

        // The spend list is append-only, oldest first; every write left an audit entry.
        var spend = await host.GetAsync($"{path}/spend");
        Assert.Equal(4, spend["total"]!.GetValue<int>());
        Assert.Equal(-10_000, spend["items"]![1]!["amount"]!["pence"]!.GetValue<long>());
        var audit = await manager.GetFromJsonAsync<JsonArray>($"{path}/audit");
        Assert.True(audit!.Count >= 14, $"{audit.Count} audit entries");

        // The events, through the outbox.
        Assert.Single(await host.PublishedAsync("funding.allocation-confirmed", programme));
        Assert.Equal(2, (await host.PublishedAsync("funding.tranche-released", programme)).Count);
        Assert.Equal(4, (await host.PublishedAsync("funding.spend-recorded", programme)).Count);
        Assert.Single(await host.PublishedAsync("funding.return-submitted", programme));
        Assert.Single(await host.PublishedAsync("funding.return-accepted", programme));
        var warning = Assert.Single(await host.PublishedAsync("funding.underspend-forecast", programme));
        Assert.Equal(15_600, warning.Data.GetProperty("forecastUnderspendPence").GetInt64());
    }

    [Fact]
    public async Task A_stale_ETag_is_refused_with_412_and_nothing_changes()
    {
        const string programme = "crg-etag";
        await host.NewProgrammeAsync(programme);
        var etag = await host.AwardAsync(programme: programme);
        var path = $"{FundingHost.Allocations}/{programme}";
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        var first = new HttpRequestMessage(HttpMethod.Put, $"{path}/schedule") { Content = JsonContent.Create(new { template = "single" }) };
        first.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        Assert.Equal(HttpStatusCode.OK, (await finance.SendAsync(first)).StatusCode);
        var before = await host.StoredAllocationAsync(FundingHost.Partnership, programme);

        var stale = new HttpRequestMessage(HttpMethod.Post, $"{path}/confirm") { Content = JsonContent.Create(new { panelDate = "2024-02-06", panelReference = "PCP" }) };
        stale.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        var response = await finance.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(before, await host.StoredAllocationAsync(FundingHost.Partnership, programme));
    }

    [Fact]
    public async Task Creating_an_allocation_is_idempotent_by_key()
    {
        const string programme = "crg-idem";
        await host.NewProgrammeAsync(programme);
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        HttpRequestMessage Request()
        {
            var r = new HttpRequestMessage(HttpMethod.Post, FundingHost.Allocations) { Content = JsonContent.Create(new { programmeId = programme, amount = "1000.00" }) };
            r.Headers.Add("Idempotency-Key", "award-1");
            return r;
        }
        var first = await finance.SendAsync(Request());
        var again = await finance.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        var audit = await finance.GetFromJsonAsync<JsonArray>($"{FundingHost.Allocations}/{programme}/audit");
        Assert.Single(audit!);
    }

    [Fact]
    public async Task The_formula_proposal_is_recorded_beside_the_award_and_an_adjustment_needs_a_reason()
    {
        const string programme = "crg-formula";
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        (await finance.PostAsJsonAsync($"/api/funders/{FundingHost.Funder}/programmes", new
        {
            id = programme, title = "Formula", year = "2024-25", pot = "100000.00",
            formula = new object[] { new { factor = "population", percent = 50 }, new { factor = "crime", percent = 25 }, new { factor = "non-crime-demand", percent = 25 } },
        })).EnsureSuccessStatusCode();
        var proposed = await finance.PostAsJsonAsync($"/api/funders/{FundingHost.Funder}/programmes/{programme}/proposal", new
        {
            inputs = new object[] { new { partnershipId = "medway", population = 280000, crime = 31000, nonCrimeDemand = 12000 }, new { partnershipId = "other", population = 150000, crime = 14000, nonCrimeDemand = 7000 } },
        });
        Assert.Equal(HttpStatusCode.OK, proposed.StatusCode);
        var proposal = (await proposed.Content.ReadFromJsonAsync<JsonObject>())!["proposal"]!.AsArray();
        Assert.Equal(10_000_000, proposal.Sum(p => p!["amount"]!["pence"]!.GetValue<long>()));
        var medway = proposal.Single(p => p!["partnershipId"]!.GetValue<string>() == "medway")!["amount"]!["pence"]!.GetValue<long>();

        var unexplained = await finance.PostAsJsonAsync(FundingHost.Allocations, new { programmeId = programme, amount = "60000.00" });
        Assert.Equal(HttpStatusCode.BadRequest, unexplained.StatusCode);
        Assert.Contains("adjustmentReason", await unexplained.Content.ReadAsStringAsync());
        var adjusted = await finance.PostAsJsonAsync(FundingHost.Allocations, new { programmeId = programme, amount = "60000.00", adjustmentReason = "Task Force uplift agreed by the PCC" });
        Assert.Equal(HttpStatusCode.Created, adjusted.StatusCode);
        var body = (await adjusted.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(medway, body["proposed"]!["pence"]!.GetValue<long>());
        Assert.Equal(6_000_000, body["awarded"]!["pence"]!.GetValue<long>());
    }
}
