using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Csp.Portal.Tests;

/// <summary>A resident reads the partnership's public scorecard in Chromium, without signing in, through the gateway's
/// public route: published KPIs only, in plain words, with the data's lag.</summary>
[Collection(PortalPlatform.Collection)]
public sealed class PublicPageTests(PortalPlatform platform)
{
    [Fact]
    public async Task Resident_reads_the_published_KPIs_in_plain_words_with_their_lag_and_an_unpublished_KPI_never_appears()
    {
        // An unpublished KPI with a figure, made through the KPI API: the members' scorecard has it.
        const string code = "hidden-from-residents";
        const string title = "Internal measure the public must not see";
        using (var manager = await ManagerClientAsync())
        {
            var defined = await manager.PostAsJsonAsync("/api/partnerships/medway/kpis", new JsonObject
            {
                ["code"] = code, ["title"] = title, ["counting"] = "Cases counted for internal review only.",
                ["priorityId"] = "reducing-reoffending", ["owningAgencyId"] = "probation-kss", ["dataSource"] = "Internal case list",
                ["publicationLagDays"] = 30, ["unit"] = "count", ["polarity"] = "lower-is-better", ["frequency"] = "quarterly",
                ["target"] = new JsonObject { ["value"] = 10 }, ["published"] = false,
            });
            Assert.True(defined.IsSuccessStatusCode, await defined.Content.ReadAsStringAsync());
            var recorded = await manager.PostAsJsonAsync($"/api/partnerships/medway/kpis/{code}/measurements", new { period = "2023-Q1", value = 7, note = "internal note for officers" });
            Assert.True(recorded.IsSuccessStatusCode, await recorded.Content.ReadAsStringAsync());
            var members = await manager.GetStringAsync("/api/partnerships/medway/kpis/scorecard");
            Assert.Contains(title, members, StringComparison.Ordinal);
        }

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        var response = await page.GotoAsync("/public/partnerships/medway");
        Assert.Equal(200, response!.Status);
        Assert.DoesNotContain(await browser.Context.CookiesAsync(), c => c.Name == "csp-session");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How we are doing" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("public-scorecard");

        // A published KPI: what is counted, the latest figure and its period in words, the target, the RAG as words, the lag.
        var referrals = page.Locator(".govuk-summary-card[data-kpi='cfo-hub-referrals']");
        await Assertions.Expect(referrals).ToContainTextAsync("Referrals into the CFO activity hub");
        await Assertions.Expect(referrals).ToContainTextAsync("People referred into the Co-financing Organisation");
        await Assertions.Expect(referrals.Locator(".govuk-summary-list__row").Filter(new() { Has = page.Locator("dt", new() { HasText = "Latest figure" }) })).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d+ for [A-Z][a-z]+ to [A-Z][a-z]+ \d{4}"));
        await Assertions.Expect(referrals.Locator(".govuk-tag")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(On target|Close to target|Not on target|No target set)$"));
        await Assertions.Expect(referrals.Locator(".csp-lag")).ToContainTextAsync("The latest figures cover");
        await Assertions.Expect(referrals.Locator(".csp-lag")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("(expected by|were expected by) \\d{1,2} [A-Z][a-z]+ \\d{4}"));
        await Assertions.Expect(referrals.Locator("svg[role=img]")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("Referrals into the CFO activity hub, last 8 periods"));
        await referrals.GetByText("Show the figures").ClickAsync();
        await Assertions.Expect(referrals.Locator("details table")).ToContainTextAsync("April to June 2022");

        // Never the unpublished: neither the one made above nor the demo's unpublished KPI, nor any officer's note.
        var text = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain(title, text, StringComparison.Ordinal);
        Assert.DoesNotContain("internal note", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await page.Locator($"[data-kpi='{code}']").CountAsync());
        Assert.Equal(0, await page.Locator("[data-kpi='cfo-engaging-participants']").CountAsync());
        Assert.DoesNotContain("Participants engaging with the CFO activity hub", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partnership_that_does_not_exist_has_no_public_page()
    {
        await using var browser = await platform.NewSessionAsync();
        var response = await browser.Page.GotoAsync("/public/partnerships/nowhere");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(browser.Page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("public-not-found");
    }

    private async Task<HttpClient> ManagerClientAsync()
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user = "sam.patel" })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
