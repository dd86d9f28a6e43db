using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Csp.Portal.Tests;

/// <summary>The funder's finance officer (Tom Fletcher, acting for the Kent PCC) setting up programmes and awarding
/// allocations in Chromium, through the real gateway and funding service: a programme with a formula, its proposal to
/// the penny, an award from it and its confirmation; an award by hand and its withdrawal; project decisions, cancelling
/// tranches and the year end; and a manager who is offered none of it and whose crafted POSTs the service refuses. Each
/// journey works on a programme of its own (a year no other test reads), never on the shared demo records.</summary>
[Collection(PortalPlatform.Collection)]
public sealed class FinanceProgrammeJourneyTests(PortalPlatform platform)
{
    private const string Funder = "/funders/kent-pcc";

    [Fact]
    public async Task Finance_officer_sets_up_a_programme_runs_the_formula_to_the_penny_awards_from_the_proposal_and_confirms()
    {
        var id = "pfin-formula-" + Guid.NewGuid().ToString("N")[..8];
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");
        await page.GetByRole(AriaRole.Link, new() { Name = "Programmes", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Funding programmes", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.csp-programmes")).ToContainTextAsync("£558,385.00"); // the demo's Crime Reduction Grant pot

        // A third decimal place and weights that do not add up: the service names both fields; what was typed is kept.
        await page.GetByLabel("Title").FillAsync("Safer Streets pilot " + id);
        await page.GetByLabel("Programme id").FillAsync(id);
        await page.GetByLabel("Financial year").FillAsync("2022-23");
        await page.GetByLabel("Pot").FillAsync("£100,000.015");
        await page.GetByLabel("Population weight").FillAsync("50");
        await page.GetByLabel("Recorded crime weight").FillAsync("25");
        await page.GetByLabel("Non-crime demand weight").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up the programme" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary.Locator("a[href='#pot']")).ToContainTextAsync("Pot has more than two decimal places");
        await Assertions.Expect(page.GetByLabel("Pot")).ToHaveValueAsync("£100,000.015");
        await browser.CheckPageAsync("funding-programme-errors");

        await page.GetByLabel("Pot").FillAsync("£100,000.01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up the programme" }).ClickAsync();
        await Assertions.Expect(summary.Locator("a[href='#weightPopulation']")).ToContainTextAsync("the weights add up to 95%, not 100%");
        await page.GetByLabel("Non-crime demand weight").FillAsync("25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up the programme" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Programme set up: Safer Streets pilot " + id + ", 2022-23, a pot of £100,000.01.");
        await Assertions.Expect(page.Locator(".govuk-summary-list")).ToContainTextAsync("Population 50%, recorded crime 25%, non-crime demand 25%");
        await browser.CheckPageAsync("funding-programme");

        // The formula's inputs: Medway (a partnership the portal knows) and the county CSP typed by its id.
        await page.GetByLabel("Population of Medway Community Safety Partnership").FillAsync("280,000");
        await page.GetByLabel("Recorded crime of Medway Community Safety Partnership").FillAsync("25000");
        await page.GetByLabel("Non-crime demand of Medway Community Safety Partnership").FillAsync("40000");
        var row = await page.Locator("table.csp-inputs tbody tr").CountAsync() - ProgrammeRows;
        await page.GetByLabel($"Another partnership's id, row {row + 1}").FillAsync("kent-county");
        await page.GetByLabel($"Population of row {row + 1}").FillAsync("160000");
        await page.GetByLabel($"Recorded crime of row {row + 1}").FillAsync("9000");
        await page.GetByLabel($"Non-crime demand of row {row + 1}").FillAsync("15,000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the formula" }).ClickAsync();

        // 50/25/25 of £100,000.01: Medway's exact share is £68,382.359779..., the county's £31,617.650220...; both are
        // rounded down and the penny left goes to the larger remainder (Medway's), so the shares add up to the pot exactly.
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("The formula proposed 2 allocations adding up to £100,000.01.");
        var medway = page.Locator("#proposal-medway");
        await Assertions.Expect(medway).ToContainTextAsync("£68,382.36");
        await Assertions.Expect(page.Locator("#proposal-kent-county")).ToContainTextAsync("£31,617.65");
        await Assertions.Expect(page.Locator("table.csp-proposal tfoot")).ToContainTextAsync("£100,000.01");
        await Assertions.Expect(medway.GetByLabel("Amount to award to Medway Community Safety Partnership")).ToHaveValueAsync("68,382.36");
        await browser.CheckPageAsync("funding-proposal");

        // An amount other than the proposal needs the reason: the service says so against the field, the amount is kept.
        await medway.GetByLabel("Amount to award to Medway Community Safety Partnership").FillAsync("70,000.00");
        await medway.GetByRole(AriaRole.Button, new() { Name = "Award an allocation to Medway Community Safety Partnership" }).ClickAsync();
        await Assertions.Expect(summary.Locator("a[href='#awardReason']")).ToContainTextAsync("Reason for Medway Community Safety Partnership is required: the formula proposed £68,382.36, and £70,000.00 differs from it");
        await Assertions.Expect(page.GetByLabel("Amount to award to Medway Community Safety Partnership")).ToHaveValueAsync("70,000.00");
        await browser.CheckPageAsync("funding-award-errors");

        // The county CSP is not set up locally: the service does not know it, and the page says so.
        await page.Locator("#proposal-kent-county").GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(summary).ToContainTextAsync("The funding service does not know the partnership kent-county");

        await medway.GetByRole(AriaRole.Button, new() { Name = "Award an allocation to Medway Community Safety Partnership" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Awarded £68,382.36 to Medway Community Safety Partnership: provisional until it is confirmed.");
        await Assertions.Expect(medway).ToContainTextAsync("Provisional");
        await browser.CheckPageAsync("funding-proposal-awarded");

        await page.GetByRole(AriaRole.Link, new() { Name = "Open the allocation to confirm it" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1 + p .govuk-tag")).ToHaveTextAsync("Provisional");
        await page.GetByLabel("Day").FillAsync("3");
        await page.GetByLabel("Month").FillAsync("2");
        await page.GetByLabel("Year", new() { Exact = true }).FillAsync("2022");
        await page.GetByLabel("Panel reference").FillAsync("Kent and Medway Police and Crime Panel, 3 February 2022, item 7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm the allocation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Allocation confirmed by the Panel of 3 February 2022");
        await browser.CheckPageAsync("funding-proposal-confirmed");

        using var finance = await ClientAsync("tom.fletcher");
        var allocation = (await finance.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/funding/allocations/{id}"))!;
        Assert.Equal("confirmed", (string)allocation["status"]!);
        Assert.Equal(6_838_236, (long)allocation["awarded"]!["pence"]!);
        Assert.Equal(6_838_236, (long)allocation["proposed"]!["pence"]!);
        var programme = (await finance.GetFromJsonAsync<JsonObject>($"/api/funders/kent-pcc/programmes/{id}"))!;
        Assert.Equal([6_838_236L, 3_161_765L], programme["proposal"]!.AsArray().Select(p => (long)p!["amount"]!["pence"]!).ToArray());
    }

    /// <summary>Typed-id rows the programme page offers for partnerships it cannot list.</summary>
    private const int ProgrammeRows = 3;

    [Fact]
    public async Task Finance_officer_awards_an_allocation_by_hand_and_withdraws_it()
    {
        var id = "pfin-hand-" + Guid.NewGuid().ToString("N")[..8];
        using var finance = await ClientAsync("tom.fletcher");
        (await finance.PostAsJsonAsync("/api/funders/kent-pcc/programmes", new { id, title = "Prevent pilot " + id, year = "2021-22", pot = "50000.00" })).EnsureSuccessStatusCode();

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");
        await page.GotoAsync(Funder + "/overview");
        await page.GetByRole(AriaRole.Link, new() { Name = "Award an allocation by hand" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Award an allocation", Level = 1 })).ToBeVisibleAsync();

        await page.GetByLabel("Partnership").SelectOptionAsync("medway");
        await page.GetByLabel("Programme and financial year").SelectOptionAsync(id);
        await page.GetByLabel("Amount").FillAsync("£60,000.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Award the allocation" }).ClickAsync();
        // More than the pot: the service's rule, in the summary; what was typed is kept.
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("more than its £50,000.00 pot");
        await Assertions.Expect(page.GetByLabel("Amount")).ToHaveValueAsync("£60,000.00");
        await browser.CheckPageAsync("funding-award-by-hand-errors");

        await page.GetByLabel("Amount").FillAsync("£12,345.67");
        await page.GetByLabel("Purpose (optional)").FillAsync("Prevent awareness sessions in secondary schools");
        await page.GetByRole(AriaRole.Button, new() { Name = "Award the allocation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Awarded £12,345.67 to Medway Community Safety Partnership from Prevent pilot " + id + " (2021-22)");
        await Assertions.Expect(page.Locator("h1 + p .govuk-tag")).ToHaveTextAsync("Provisional");
        await browser.CheckPageAsync("funding-award-by-hand");

        // Withdrawing needs a reason (the service's rule, against the field).
        await page.GetByText("Withdraw the allocation", new() { Exact = true }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw the allocation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#withdrawReason']")).ToContainTextAsync("Reason for withdrawing is required");
        await browser.CheckPageAsync("funding-withdraw-errors");
        await page.GetByLabel("Why it is withdrawn").FillAsync("The CSP's Prevent duty is funded by the Home Office this year.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw the allocation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Allocation withdrawn: The CSP's Prevent duty is funded by the Home Office this year.");
        await Assertions.Expect(page.Locator("h1 + p .govuk-tag")).ToHaveTextAsync("Withdrawn");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Withdraw the allocation" })).ToHaveCountAsync(0);
        await browser.CheckPageAsync("funding-withdrawn");

        var allocation = (await finance.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/funding/allocations/{id}"))!;
        Assert.Equal("withdrawn", (string)allocation["status"]!);
        Assert.Equal(1_234_567, (long)allocation["awarded"]!["pence"]!);
        Assert.Equal("Prevent awareness sessions in secondary schools", (string?)allocation["purpose"]);
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
