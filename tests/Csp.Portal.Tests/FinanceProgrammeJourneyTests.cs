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

        // Meanwhile a colleague runs the formula for Medway alone: the page's If-Match is stale, so nothing is saved, the
        // proposal recorded now is shown and the inputs typed are kept for the next run.
        using var finance = await ClientAsync("tom.fletcher");
        using (var propose = new HttpRequestMessage(HttpMethod.Post, $"/api/funders/kent-pcc/programmes/{id}/proposal")
               { Content = JsonContent.Create(new { inputs = new[] { new { partnershipId = "medway", population = 1L, crime = 1L, nonCrimeDemand = 1L } } }) })
            (await finance.SendAsync(propose)).EnsureSuccessStatusCode();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the formula" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Someone else ran the formula or changed this programme");
        await Assertions.Expect(page.Locator("#proposal-medway")).ToContainTextAsync("£100,000.01");
        await Assertions.Expect(page.GetByLabel("Population of Medway Community Safety Partnership")).ToHaveValueAsync("280,000");
        await Assertions.Expect(page.GetByLabel($"Another partnership's id, row {row + 1}")).ToHaveValueAsync("kent-county");
        await browser.CheckPageAsync("funding-proposal-conflict");
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

        var allocation = (await finance.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/funding/allocations/{id}"))!;
        Assert.Equal("confirmed", (string)allocation["status"]!);
        Assert.Equal(6_838_236, (long)allocation["awarded"]!["pence"]!);
        Assert.Equal(6_838_236, (long)allocation["proposed"]!["pence"]!);
        var programme = (await finance.GetFromJsonAsync<JsonObject>($"/api/funders/kent-pcc/programmes/{id}"))!;
        Assert.Equal([6_838_236L, 3_161_765L], programme["proposal"]!.AsArray().Select(p => (long)p!["amount"]!["pence"]!).ToArray());
    }

    [Fact]
    public async Task Finance_officer_awards_every_proposed_allocation_at_once_and_sees_which_the_service_refused()
    {
        var id = "pfin-all-" + Guid.NewGuid().ToString("N")[..8];
        using var finance = await ClientAsync("tom.fletcher");
        (await finance.PostAsJsonAsync("/api/funders/kent-pcc/programmes", new
        {
            id, title = "Domestic abuse fund " + id, year = "2019-20", pot = "1000.00",
            formula = new[] { new { factor = "population", percent = 100 } },
        })).EnsureSuccessStatusCode();
        using (var propose = new HttpRequestMessage(HttpMethod.Post, $"/api/funders/kent-pcc/programmes/{id}/proposal")
               {
                   Content = JsonContent.Create(new { inputs = new[] { new { partnershipId = "medway", population = 1L, crime = 0L, nonCrimeDemand = 0L }, new { partnershipId = "kent-county", population = 2L, crime = 0L, nonCrimeDemand = 0L } } }),
               })
            (await finance.SendAsync(propose)).EnsureSuccessStatusCode();

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");
        await page.GotoAsync($"{Funder}/programmes/{id}");
        // A third and two-thirds of £1,000.00: £333.33 and £666.66 rounded down, and the penny left goes to the larger remainder (the county's 2/3 of a penny).
        await Assertions.Expect(page.Locator("#proposal-medway")).ToContainTextAsync("£333.33");
        await Assertions.Expect(page.Locator("#proposal-kent-county")).ToContainTextAsync("£666.67");
        await page.GetByRole(AriaRole.Button, new() { Name = "Award every proposed allocation not yet awarded (2, £1,000.00)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#awarded")).ToContainTextAsync("£333.33 to Medway Community Safety Partnership");
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("kent-county: the funding service does not know the partnership kent-county");
        await Assertions.Expect(page.Locator("#proposal-medway")).ToContainTextAsync("Provisional");
        await browser.CheckPageAsync("funding-award-all");

        var allocation = (await finance.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/funding/allocations/{id}"))!;
        Assert.Equal(33_333, (long)allocation["awarded"]!["pence"]!);
        Assert.Equal("provisional", (string)allocation["status"]!);
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

    [Fact]
    public async Task Finance_officer_decides_projects_with_reasons_cancels_a_tranche_is_refused_a_released_one_and_closes_the_year()
    {
        var id = "pfin-year-" + Guid.NewGuid().ToString("N")[..8];
        var api = $"/api/partnerships/medway/funding/allocations/{id}";
        var allocationPage = $"{Funder}/allocations/medway/{id}";
        using var finance = await ClientAsync("tom.fletcher");
        using var manager = await ClientAsync("sam.patel");
        (await finance.PostAsJsonAsync("/api/funders/kent-pcc/programmes", new { id, title = "Youth diversion fund " + id, year = "2023-24", pot = "20000.00" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync("/api/partnerships/medway/funding/allocations", new { programmeId = id, amount = "20000.00" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"{api}/confirm", new { panelDate = "2023-02-02", panelReference = "Panel of 2 February 2023, item 4" })).EnsureSuccessStatusCode();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{api}/schedule")
               { Content = JsonContent.Create(new { tranches = new[] { new { label = "First half", amount = "10000.00" }, new { label = "Second half", amount = "10000.00" } } }) })
            (await finance.SendAsync(put)).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"{api}/projects", new { title = "Boxing club diversion sessions", leadAgencyId = "medway-council", amount = "8000.00", measures = new[] { "Young people engaged" } })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"{api}/projects", new { title = "Town centre CCTV upgrade", leadAgencyId = "kent-police", amount = "5000.00" })).EnsureSuccessStatusCode();

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");
        await page.GotoAsync(allocationPage);
        var summary = page.Locator(".govuk-error-summary");

        // 3. Project decisions: approve one with reasons; a rejection without a reason is the service's 400 on the field.
        await page.GetByRole(AriaRole.Link, new() { Name = "Decide on project 1, Boxing club diversion sessions" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Project 1: Boxing club diversion sessions", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".govuk-summary-list")).ToContainTextAsync("Approving this project would commit £8,000.00");
        await Assertions.Expect(page.Locator(".govuk-summary-list")).ToContainTextAsync("Young people engaged");
        await browser.CheckPageAsync("funding-project-decision");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).ClickAsync();
        await Assertions.Expect(summary.Locator("a[href='#decision']")).ToContainTextAsync("Select whether to approve or reject the project");
        await page.GetByLabel("Approve the project").CheckAsync();
        await page.GetByLabel("Reasons").FillAsync("Meets the youth violence priority; measures agreed.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Project 1 approved.");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "Boxing club diversion sessions" })).ToContainTextAsync("Approved");

        await page.GetByRole(AriaRole.Link, new() { Name = "Decide on project 2, Town centre CCTV upgrade" }).ClickAsync();
        await page.GetByLabel("Reject the project").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).ClickAsync();
        await Assertions.Expect(summary.Locator("a[href='#reason']")).ToContainTextAsync("Reason is required");
        await Assertions.Expect(page.GetByLabel("Reject the project")).ToBeCheckedAsync();
        await browser.CheckPageAsync("funding-project-decision-errors");
        await page.GetByLabel("Reasons").FillAsync("Capital spend is outside this fund's conditions.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Project 2 rejected, with your reason.");
        var cctv = page.Locator("tr", new() { HasText = "Town centre CCTV upgrade" });
        await Assertions.Expect(cctv).ToContainTextAsync("Rejected");
        await Assertions.Expect(cctv).ToContainTextAsync("Capital spend is outside this fund's conditions.");

        // 4. Cancelling tranches: the first half is released, so the service refuses to cancel it; the second half is cancelled.
        await page.Locator("#tranche-1").GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Released £10,000.00: First half.");
        await page.GotoAsync(allocationPage + "/tranches/1/cancel");
        await page.GetByLabel("Why it is cancelled").FillAsync("Paid in error");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the tranche" }).ClickAsync();
        await Assertions.Expect(summary).ToContainTextAsync("only a scheduled tranche is cancelled");
        await Assertions.Expect(page.GetByLabel("Why it is cancelled")).ToHaveValueAsync("Paid in error");
        await browser.CheckPageAsync("funding-cancel-released-refused");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the allocation" }).ClickAsync();
        await page.Locator("#tranche-2").GetByRole(AriaRole.Link, new() { Name = "Cancel Second half" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cancel tranche 2: Second half", Level = 1 })).ToBeVisibleAsync();
        await browser.CheckPageAsync("funding-cancel-tranche");
        await page.GetByLabel("Why it is cancelled").FillAsync("Project 2 was rejected: the second half is not needed.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the tranche" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Cancelled tranche 2: Second half (£10,000.00).");
        await Assertions.Expect(page.Locator("#tranche-2")).ToContainTextAsync("Cancelled");

        // 5. Year end: the outturn must be the spend recorded; spend recorded meanwhile is a 412 that keeps what was typed.
        (await manager.PostAsJsonAsync($"{api}/spend", new { projectId = 1, date = "2023-06-01", amount = "7500.00", description = "Sessions April to June" })).EnsureSuccessStatusCode();
        await page.GotoAsync(allocationPage);
        await page.GetByRole(AriaRole.Link, new() { Name = "Record the year end" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-summary-list")).ToContainTextAsync("£2,500.00");
        await Assertions.Expect(page.GetByLabel("Outturn")).ToHaveValueAsync("7,500.00");
        await browser.CheckPageAsync("funding-year-end");
        await page.GetByLabel("Outturn").FillAsync("7,000.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close the allocation" }).ClickAsync();
        await Assertions.Expect(summary.Locator("a[href='#outturn']")).ToContainTextAsync("Outturn the outturn must equal the £7,500.00 of spend recorded");
        await browser.CheckPageAsync("funding-year-end-errors");

        (await manager.PostAsJsonAsync($"{api}/spend", new { projectId = 1, date = "2023-07-01", amount = "500.00", description = "Sessions in July" })).EnsureSuccessStatusCode();
        await page.GetByLabel("Outturn").FillAsync("7,500.00");
        await page.GetByLabel("Day").FillAsync("31");
        await page.GetByLabel("Month").FillAsync("3");
        await page.GetByLabel("Year", new() { Exact = true }).FillAsync("2024");
        await page.GetByLabel("Reference for the returned funds (optional)").FillAsync("PCC-RET-2024-017");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close the allocation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("Someone else changed this allocation");
        await Assertions.Expect(page.Locator(".govuk-notification-banner")).ToContainTextAsync("£8,000.00 spent");
        await Assertions.Expect(page.GetByLabel("Reference for the returned funds (optional)")).ToHaveValueAsync("PCC-RET-2024-017");
        await browser.CheckPageAsync("funding-year-end-conflict");
        await page.GetByLabel("Outturn").FillAsync("8,000.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close the allocation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Year end recorded: outturn £8,000.00, £2,000.00 returned; the allocation is closed.");
        await Assertions.Expect(page.Locator("h1 + p .govuk-tag")).ToHaveTextAsync("Closed");
        await Assertions.Expect(page.Locator(".govuk-summary-list").First).ToContainTextAsync("£2,000.00 returned on 31 March 2024 (PCC-RET-2024-017)");
        await browser.CheckPageAsync("funding-year-closed");

        var after = (await finance.GetFromJsonAsync<JsonObject>(api))!;
        Assert.Equal("closed", (string)after["status"]!);
        Assert.Equal(800_000, (long)after["yearEnd"]!["outturn"]!["pence"]!);
        Assert.Equal(200_000, (long)after["yearEnd"]!["fundsReturned"]!["pence"]!);
        Assert.Equal(["approved", "rejected"], after["projects"]!.AsArray().Select(p => (string)p!["status"]!).ToArray());
        Assert.Equal("Capital spend is outside this fund's conditions.", (string?)after["projects"]![1]!["decisionReason"]);
        Assert.Equal(["released", "cancelled"], after["tranches"]!.AsArray().Select(t => (string)t!["status"]!).ToArray());
    }

    [Fact]
    public async Task Manager_is_offered_none_of_the_funders_screens_and_crafted_decisions_are_refused_by_the_service()
    {
        var id = "pfin-denied-" + Guid.NewGuid().ToString("N")[..8];
        var api = $"/api/partnerships/medway/funding/allocations/{id}";
        using var finance = await ClientAsync("tom.fletcher");
        using var manager = await ClientAsync("sam.patel");
        (await finance.PostAsJsonAsync("/api/funders/kent-pcc/programmes", new { id, title = "Night-time economy fund " + id, year = "2020-21", pot = "9000.00" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync("/api/partnerships/medway/funding/allocations", new { programmeId = id, amount = "9000.00" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"{api}/confirm", new { panelDate = "2020-02-06", panelReference = "Panel of 6 February 2020" })).EnsureSuccessStatusCode();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{api}/schedule") { Content = JsonContent.Create(new { template = "single" }) })
            (await finance.SendAsync(put)).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"{api}/projects", new { title = "Street pastors", leadAgencyId = "medway-council", amount = "3000.00" })).EnsureSuccessStatusCode();

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Programmes", Exact = true })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/programmes", $"/programmes/{id}", "/allocations/new" })
        {
            var refused = await page.GotoAsync(Funder + path);
            Assert.Equal(403, refused!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        }
        await browser.CheckPageAsync("funding-programmes-refused");

        // The manager may read the allocation and the project, without the funder's links and forms.
        var allocationPage = $"{Funder}/allocations/medway/{id}";
        await page.GotoAsync(allocationPage);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Record the year end" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#tranche-1").GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Decide on project 1, Street pastors" })).ToHaveCountAsync(0);
        // The funder's decision pages are not for the manager: the permission page.
        foreach (var path in new[] { "/projects/1", "/tranches/1/cancel", "/year-end" })
        {
            var refused = await page.GotoAsync(allocationPage + path);
            Assert.Equal(403, refused!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        }
        await browser.CheckPageAsync("funding-project-refused");

        // Crafted POSTs with the manager's own antiforgery token: each is refused by the funding service, nothing is written.
        var version = (await manager.GetAsync(api)).Headers.ETag!.Tag;
        foreach (var (action, fields) in new[]
                 {
                     (allocationPage + "/projects/1", new[] { ("Decision", "approve"), ("Reason", "Approved by me") }),
                     (allocationPage + "/tranches/1/cancel", new[] { ("Reason", "Not needed") }),
                     (allocationPage + "/year-end", new[] { ("Outturn", "0.00") }),
                     (allocationPage + "?handler=Withdraw", new[] { ("WithdrawReason", "No longer needed") }),
                 })
        {
            await page.GotoAsync(allocationPage);
            await page.EvaluateAsync(@"([action, fields, version]) => {
                const token = document.querySelector('input[name=__csrf]').value;
                const form = document.createElement('form');
                form.method = 'post';
                form.action = action;
                for (const [name, value] of [['__csrf', token], ['Version', version], ...fields]) {
                    const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }", new object[] { action, fields.Select(f => new[] { f.Item1, f.Item2 }).ToArray(), version });
            await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("You do not have permission");
        }
        await browser.CheckPageAsync("funding-decision-refused");

        // An award by a crafted POST to the programme page: the service refuses it (and the page, the programme).
        await page.GotoAsync(allocationPage);
        var award = await page.RunAndWaitForResponseAsync(() => page.EvaluateAsync(@"action => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            for (const [name, value] of [['__csrf', token], ['AwardPartnership', 'medway'], ['AwardAmount', '9000.00']]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }", $"{Funder}/programmes/{id}?handler=Award"), r => r.Request.Method == "POST" && r.Url.Contains("handler=Award", StringComparison.Ordinal));
        Assert.Equal(403, award.Status);

        Assert.Equal(version, (await manager.GetAsync(api)).Headers.ETag!.Tag); // nothing was written
        var after = (await finance.GetFromJsonAsync<JsonObject>(api))!;
        Assert.Equal("submitted", (string)after["projects"]![0]!["status"]!);
        Assert.Equal("scheduled", (string)after["tranches"]![0]!["status"]!);
        Assert.Equal("confirmed", (string)after["status"]!);
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
