using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Csp.Portal.Tests;

/// <summary>The funder's finance officer (Tom Fletcher, acting for the Kent PCC) in Chromium, through the real gateway and
/// funding service with the demo data: the view across partnerships, an allocation's schedule, confirmation, releases and
/// returns; and the manager who may not act for the funder. Every page is checked with axe-core and photographed.</summary>
[Collection(PortalPlatform.Collection)]
public sealed class FinanceJourneyTests(PortalPlatform platform)
{
    private const string Overview = "/funders/kent-pcc/overview";
    private const string MedwayGrant = "/api/partnerships/medway/funding/allocations/kent-crg-2024-25";

    [Fact]
    public async Task Finance_officer_filters_the_overview_downloads_it_releases_a_tranche_to_the_penny_and_accepts_a_return()
    {
        // Medway's finance contact signs off the Q3 return, so it waits on the funder's decision.
        using (var contact = await ClientAsync("fiona.grant"))
            (await contact.PostAsJsonAsync($"{MedwayGrant}/returns/2024-Q3/sign-off", new { note = "Checked against the ledger." })).EnsureSuccessStatusCode();

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");
        await page.GetByRole(AriaRole.Link, new() { Name = "Funding", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Funding across partnerships" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("funding-overview");

        // Filters are a GET form: the view is its query string. The largest award of 2024-25 first.
        await page.GetByLabel("Financial year").SelectOptionAsync("2024-25");
        await page.GetByLabel("Sort by").SelectOptionAsync("-awarded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("year=2024-25", StringComparison.Ordinal) && url.Contains("sort=-awarded", StringComparison.Ordinal));
        var rows = page.Locator("table.csp-overview tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(13);
        await Assertions.Expect(rows.First.Locator("th")).ToContainTextAsync("Medway Community Safety Partnership");
        await Assertions.Expect(rows.First).ToContainTextAsync("£73,822.00");
        // The demo's late return, and any other test on this shared platform has submitted late since: "n late".
        await Assertions.Expect(rows.First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\b[1-9][0-9]* late\b"));
        await Assertions.Expect(page.Locator("table.csp-overview th[aria-sort=descending]")).ToHaveTextAsync("Awarded");
        await Assertions.Expect(page.Locator(".govuk-summary-list")).ToContainTextAsync("£558,385.00"); // the 13 CSPs' awards add up to the pot
        await browser.CheckPageAsync("funding-overview-sorted");

        await page.GetByLabel("Flagged projects").SelectOptionAsync("true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("flagged=true", StringComparison.Ordinal));
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("1 flagged project");
        await browser.CheckPageAsync("funding-overview-filtered");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download this view (CSV)" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Select(l => l.TrimStart('\uFEFF')).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("partnership,programme,year,status,awarded,released", lines[0]);
        Assert.Equal(2, lines.Count); // the filtered view, not the whole programme
        Assert.StartsWith("medway,kent-crg-2024-25,2024-25,confirmed,73822.00,", lines[1]);

        await rows.First.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await browser.CheckPageAsync("funding-allocation");

        // Tranche 2 (one-third once the Q2 return is accepted, which it is): £73,822 less two-thirds rounded to the penny.
        var second = page.Locator("tr", new() { HasText = "One-third on acceptance of the Q2 return" });
        await Assertions.Expect(second).ToContainTextAsync("Scheduled");
        await second.GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Released £24,607.33");
        await Assertions.Expect(second).ToContainTextAsync("Released");
        await Assertions.Expect(second).ToContainTextAsync("£24,607.33");
        await browser.CheckPageAsync("funding-tranche-released");

        await page.GetByRole(AriaRole.Button, new() { Name = "Accept the 2024-Q3 return" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Return 2024-Q3 accepted");
        await browser.CheckPageAsync("funding-return-accepted");

        using var finance = await ClientAsync("tom.fletcher");
        var grant = (await finance.GetFromJsonAsync<JsonObject>(MedwayGrant))!;
        var tranche = grant["tranches"]!.AsArray().Single(t => (int)t!["id"]! == 2)!;
        Assert.Equal("released", (string)tranche["status"]!);
        Assert.Equal(2_460_733, (long)tranche["amount"]!["pence"]!);
        Assert.Equal("tom.fletcher", (string?)tranche["releasedBy"]);
        Assert.Equal("accepted", (string)grant["returns"]!.AsArray().Single(r => (string)r!["quarter"]! == "2024-Q3")!["status"]!);
    }

    [Fact]
    public async Task Finance_officer_enters_a_schedule_in_pounds_and_pence_meets_a_concurrent_change_and_confirms_with_the_panel()
    {
        const string grant = "/api/partnerships/medway/funding/allocations/kent-csp-grant-2020-21";
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");
        await page.GotoAsync("/funders/kent-pcc/allocations/medway/kent-csp-grant-2020-21");
        await Assertions.Expect(page.Locator("h1 + p .govuk-tag")).ToHaveTextAsync("Provisional");

        // A third decimal place reaches the service, which names the field; what was typed is kept.
        await page.GetByLabel("Enter the tranches").CheckAsync();
        await page.GetByLabel("Tranche 1 label").FillAsync("On confirmation");
        await page.GetByLabel("Tranche 1 amount").FillAsync("53230.005");
        await page.GetByLabel("Tranche 2 label").FillAsync("After the Q2 return");
        await page.GetByLabel("Tranche 2 amount").FillAsync("£53,229.995");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the schedule" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary.Locator("a[href='#trancheAmount0']")).ToContainTextAsync("Tranche 1 amount has more than two decimal places");
        await Assertions.Expect(summary.Locator("a[href='#trancheAmount1']")).ToContainTextAsync("Tranche 2 amount");
        await Assertions.Expect(page.GetByLabel("Tranche 1 amount")).ToHaveValueAsync("53230.005");
        Assert.StartsWith("Error: ", await page.TitleAsync());
        await browser.CheckPageAsync("funding-schedule-errors");

        // Meanwhile someone else sets a schedule: the page's If-Match is stale, so nothing is saved and the input is kept.
        using var finance = await ClientAsync("tom.fletcher");
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{grant}/schedule") { Content = JsonContent.Create(new { template = "single" }) })
            (await finance.SendAsync(put)).EnsureSuccessStatusCode();
        await page.GetByLabel("Tranche 1 amount").FillAsync("53,230.00");
        await page.GetByLabel("Tranche 2 amount").FillAsync("£53230");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the schedule" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Someone else changed this allocation");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "Full award on confirmation" })).ToContainTextAsync("£106,460.00");
        await Assertions.Expect(page.GetByLabel("Tranche 2 amount")).ToHaveValueAsync("£53230");
        await browser.CheckPageAsync("funding-schedule-conflict");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save the schedule" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Schedule set: 2 tranches adding up to £106,460.00");
        await Assertions.Expect(page.Locator("#tranche-1 th")).ToHaveTextAsync("On confirmation");
        await Assertions.Expect(page.Locator("#tranche-1")).ToContainTextAsync("£53,230.00");

        // Confirming needs the Panel's date and reference: the service names both.
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm the allocation" }).ClickAsync();
        await Assertions.Expect(summary.Locator("a[href='#panelDateDay']")).ToContainTextAsync("Panel date is required");
        await Assertions.Expect(summary.Locator("a[href='#panelReference']")).ToContainTextAsync("Panel reference is required");
        await browser.CheckPageAsync("funding-confirm-errors");
        await page.GetByLabel("Day").FillAsync("6");
        await page.GetByLabel("Month").FillAsync("2");
        await page.GetByLabel("Year", new() { Exact = true }).FillAsync("2020");
        await page.GetByLabel("Panel reference").FillAsync("Kent and Medway Police and Crime Panel, 6 February 2020, item 5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm the allocation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Allocation confirmed by the Panel of 6 February 2020");
        await browser.CheckPageAsync("funding-confirmed");

        var after = (await finance.GetFromJsonAsync<JsonObject>(grant))!;
        Assert.Equal("confirmed", (string)after["status"]!);
        Assert.Equal("2020-02-06", (string)after["confirmation"]!["panelDate"]!);
        Assert.Equal([5_323_000L, 5_323_000L], after["tranches"]!.AsArray().Where(t => (string)t!["status"]! != "cancelled").Select(t => (long)t!["amount"]!["pence"]!).ToArray());
    }

    [Fact]
    public async Task Manager_cannot_open_the_funders_overview_and_a_crafted_release_is_refused_by_the_service()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Funding", Exact = true })).ToHaveCountAsync(0);
        var response = await page.GotoAsync(Overview + "?year=2024-25");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("funding-overview-refused");
        Assert.Equal(403, (await page.GotoAsync(Overview.Replace("overview", "overview.csv", StringComparison.Ordinal) + "?year=2024-25"))!.Status);

        // The manager reads Medway's allocation, without the funder's forms; a crafted release is refused by the service.
        using var manager = await ClientAsync("sam.patel");
        var before = await manager.GetAsync(MedwayGrant);
        var version = before.Headers.ETag!.Tag;
        await page.GotoAsync("/funders/kent-pcc/allocations/medway/kent-crg-2024-25");
        await Assertions.Expect(page.Locator(".govuk-inset-text")).ToContainTextAsync("Only a finance officer acting for kent-pcc");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Release" })).ToHaveCountAsync(0);
        await page.EvaluateAsync(@"version => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/funders/kent-pcc/allocations/medway/kent-crg-2024-25?handler=Release';
            for (const [name, value] of [['__csrf', token], ['TrancheId', '2'], ['Version', version]]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }", version);
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("You do not have permission");
        await browser.CheckPageAsync("funding-release-refused");
        var after = await manager.GetAsync(MedwayGrant);
        Assert.Equal(version, after.Headers.ETag!.Tag); // nothing was written
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
