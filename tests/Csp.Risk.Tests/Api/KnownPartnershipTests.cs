using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Api;

/// <summary>The risk service checks owning agencies against its copy of the partnership, kept from partnership.changed.</summary>
public class KnownPartnershipTests(RiskHost host) : IClassFixture<RiskHost>
{
    [Fact]
    public async Task A_risk_owned_by_an_agency_outside_the_partnership_is_400_naming_owningAgencyId_and_stores_nothing()
    {
        var before = await host.Redis.SortedSetLengthAsync("risk:{medway}:risks");
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync(RiskHost.Risks, RiskHost.RiskBody(b => b["owningAgencyId"] = "surrey-police"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["owningAgencyId"]);
        Assert.Equal(before, await host.Redis.SortedSetLengthAsync("risk:{medway}:risks"));
    }

    [Fact]
    public async Task A_risk_in_a_partnership_the_service_has_not_heard_of_is_404()
    {
        using var manager = host.App.Client(TestUser.Manager("atlantis"));
        var response = await manager.PostAsJsonAsync("/api/partnerships/atlantis/risks", RiskHost.RiskBody());
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(await host.Redis.KeyExistsAsync("risk:{atlantis}:risk:1"));
    }

    [Fact]
    public async Task A_newer_partnership_change_applies_and_an_older_or_repeated_one_is_ignored()
    {
        const string p = "swale";
        await host.AnnouncePartnershipAsync(p, 1, "swale-council");
        using var manager = host.App.Client(TestUser.Manager(p));
        var ownedByPolice = RiskHost.RiskBody(b => b["owningAgencyId"] = "kent-police");
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", ownedByPolice)).StatusCode);

        await host.AnnouncePartnershipAsync(p, 2, "swale-council", "kent-police");
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", RiskHost.RiskBody(b => b["owningAgencyId"] = "kent-police"))).StatusCode);

        // The old change arrives late (and then again), and is handled: the copy stays at version 2.
        await host.AnnouncePartnershipAsync(p, 1, "swale-council");
        await host.AnnouncePartnershipAsync(p, 1, "swale-council");
        Assert.Equal(2, await RiskHost.KnownPartnershipVersionAsync(host.Redis, p));
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", RiskHost.RiskBody(b => b["owningAgencyId"] = "kent-police"))).StatusCode);
    }

    [Fact]
    public async Task Reading_the_register_of_a_partnership_the_service_has_not_heard_of_is_404()
    {
        using var admin = host.App.Client(TestUser.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/partnerships/atlantis/risks")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/partnerships/atlantis/risk-matrix")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{RiskHost.Risks}")).StatusCode);
    }
}
