using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Csp.Portal.Tests;

/// <summary>The CSP manager's journeys in Chromium through the real gateway and services: the risk register (filters,
/// a risk's history chart and its table, reassessing, linking a mitigation, two people reassessing at once), the plan
/// overview and the partnership's funding pages. Every page is checked with axe-core and photographed.</summary>
[Collection(PortalPlatform.Collection)]
public sealed class ManagerJourneyTests(PortalPlatform platform)
{
    private const string Medway = "/partnerships/medway";

    [Fact]
    public async Task Manager_filters_the_register_reassesses_a_risk_after_a_validation_error_and_the_chart_table_shows_the_new_assessment()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync(Medway + "/my-actions");
        await page.GetByRole(AriaRole.Link, new() { Name = "Risks", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Risk register" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("risks");

        // The register's filter, as the risk service offers it: only the Task Force's two risks.
        await page.GetByLabel("Register", new() { Exact = true }).SelectOptionAsync("medway-task-force");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        var rows = page.Locator("table.govuk-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table.govuk-table caption")).ToHaveTextAsync("Showing 1 to 2 of 2 risks");
        Assert.Contains("register=medway-task-force", page.Url, StringComparison.Ordinal);
        await browser.CheckPageAsync("risks-filtered");

        const string title = "Competing demands on agency staff within the Task Force";
        await page.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        var history = page.Locator("#assessments tbody tr");
        var before = await history.CountAsync();
        Assert.True(before >= 2, "the demo risk has earlier assessments");
        // The chart has an accessible name and one point per assessment in the table.
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Current rating score at each assessment of “" + title + "”" });
        await Assertions.Expect(chart).ToBeVisibleAsync();
        await Assertions.Expect(chart.Locator("circle")).ToHaveCountAsync(before);
        await browser.CheckPageAsync("risk");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reassess this risk" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Reassess “{title}”" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("reassess");

        // No rationale: the risk service refuses it and the page names the field, keeping the rating chosen.
        await page.GetByLabel("Current rating", new() { Exact = true }).SelectOptionAsync("C2");
        await page.GetByLabel("Rationale").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the assessment" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary.Locator("a[href='#rationale']")).ToContainTextAsync("Rationale is required");
        await Assertions.Expect(page.Locator("#rationale-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Current rating", new() { Exact = true })).ToHaveValueAsync("C2");
        Assert.StartsWith("Error: ", await page.TitleAsync());
        await browser.CheckPageAsync("reassess-errors");

        const string rationale = "Two Task Force officers moved to the county lines operation; cover not yet agreed.";
        await page.GetByLabel("Rationale").FillAsync(rationale);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the assessment" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync($"Assessment {before + 1} saved. The current rating is now C2.");
        var newest = history.First;
        await Assertions.Expect(newest.Locator("th")).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(newest).ToContainTextAsync("Sam Patel");
        await Assertions.Expect(newest).ToContainTextAsync("C2");
        await Assertions.Expect(newest).ToContainTextAsync(rationale);
        await Assertions.Expect(history).ToHaveCountAsync(before + 1);
        await Assertions.Expect(page.Locator("svg.csp-chart circle")).ToHaveCountAsync(before + 1);
        await browser.CheckPageAsync("risk-after-reassess");

        // And the service holds it: the API's latest assessment is the one typed.
        using var manager = await ManagerClientAsync();
        var id = page.Url.Split('/')[^1].Split('?')[0];
        var stored = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/risks/{id}"))!;
        Assert.Equal("C2", (string)stored["current"]!["rating"]!);
        Assert.Equal(before + 1, (int)stored["assessmentCount"]!);
    }

    [Fact]
    public async Task A_register_filter_the_risk_service_refuses_is_shown_against_the_filter_not_as_a_fault()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        var response = await page.GotoAsync(Medway + "/risks?band=purple");
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#band']")).ToContainTextAsync("Band must be one of: green, amber, red");
        await Assertions.Expect(page.Locator("#band-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("No risks match these filters.")).ToBeVisibleAsync();
        await browser.CheckPageAsync("risks-bad-filter");
    }

    [Fact]
    public async Task Manager_links_an_action_as_a_mitigation_of_a_risk()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        var id = await RiskIdAsync("Too many objectives across a wide geographical area");
        await page.GotoAsync($"{Medway}/risks/{id}");
        var linkedBefore = await page.Locator("table:not(#assessments) tbody tr").CountAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Link an action as a mitigation" }).ClickAsync();
        await browser.CheckPageAsync("link-mitigation");

        await page.GetByRole(AriaRole.Button, new() { Name = "Link the action" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#actionId']")).ToContainTextAsync("Choose the action");
        await browser.CheckPageAsync("link-mitigation-errors");

        var select = page.GetByLabel("Action", new() { Exact = true });
        var option = select.Locator("option:not([value=''])").First;
        var actionId = await option.GetAttributeAsync("value");
        // The title from the action plan, not cut out of the option's text: a title may have brackets of its own ("... (SEN)"),
        // and which action comes first depends on what other journeys on this platform have completed.
        using var manager = await ManagerClientAsync();
        var actionTitle = (string)(await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/actions/{actionId}"))!["title"]!;
        await select.SelectOptionAsync(actionId!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Link the action" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync($"“{actionTitle}” is linked as a mitigation");
        var mitigations = page.Locator("table:not(#assessments) tbody tr");
        await Assertions.Expect(mitigations).ToHaveCountAsync(linkedBefore + 1);
        await Assertions.Expect(mitigations.Filter(new() { HasText = actionTitle })).ToContainTextAsync("Not done");
        await browser.CheckPageAsync("risk-after-link");
    }

    [Fact]
    public async Task Two_people_reassess_the_same_risk_and_the_second_sees_what_changed_and_sends_again_without_retyping()
    {
        var id = await RiskIdAsync("Legislation");
        await using var first = await platform.NewSessionAsync();
        await using var second = await platform.NewSessionAsync();
        await first.SignInAsync("chloe.bennett");
        await second.SignInAsync("sam.patel");
        await first.Page.GotoAsync($"{Medway}/risks/{id}/reassess");
        await second.Page.GotoAsync($"{Medway}/risks/{id}/reassess");

        // Both forms are open on the same version. The partner saves first.
        const string chloes = "New duties from the Serious Violence Duty guidance are now in the plan.";
        await first.Page.GetByLabel("Current rating", new() { Exact = true }).SelectOptionAsync("D2");
        await first.Page.GetByLabel("Rationale").FillAsync(chloes);
        await first.Page.GetByRole(AriaRole.Button, new() { Name = "Save the assessment" }).ClickAsync();
        await Assertions.Expect(first.Page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("The current rating is now D2.");

        // The manager, on the old version, is told what changed; nothing of theirs was saved and their input is kept.
        var page = second.Page;
        const string sams = "The Victims and Prisoners Act commencement dates are later than expected.";
        await page.GetByLabel("Current rating", new() { Exact = true }).SelectOptionAsync("C3");
        await page.GetByLabel("Target rating (optional)").SelectOptionAsync("D3");
        await page.GetByLabel("Rationale").FillAsync(sams);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the assessment" }).ClickAsync();
        var banner = page.Locator(".govuk-notification-banner").Filter(new() { HasText = "Someone else changed this risk" });
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(banner.Locator("#changes li")).ToHaveCountAsync(1);
        await Assertions.Expect(banner.Locator("#changes li")).ToContainTextAsync($"Chloe Bennett reassessed it on");
        await Assertions.Expect(banner.Locator("#changes li")).ToContainTextAsync($"current D2, target E3. “{chloes}”");
        await Assertions.Expect(page.GetByLabel("Current rating", new() { Exact = true })).ToHaveValueAsync("C3");
        await Assertions.Expect(page.GetByLabel("Target rating (optional)")).ToHaveValueAsync("D3");
        await Assertions.Expect(page.GetByLabel("Rationale")).ToHaveValueAsync(sams);
        await second.CheckPageAsync("reassess-conflict");

        using var manager = await ManagerClientAsync();
        var between = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/risks/{id}"))!;
        Assert.Equal("D2", (string)between["current"]!["rating"]!);

        // Sending again, untouched, goes against the new version and is saved after the partner's.
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my assessment again" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("The current rating is now C3.");
        var history = page.Locator("#assessments tbody tr");
        await Assertions.Expect(history.Nth(0)).ToContainTextAsync(sams);
        await Assertions.Expect(history.Nth(0)).ToContainTextAsync("Sam Patel");
        await Assertions.Expect(history.Nth(1)).ToContainTextAsync(chloes);
        await Assertions.Expect(history.Nth(1)).ToContainTextAsync("Chloe Bennett");
        var after = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/risks/{id}"))!;
        Assert.Equal((int)between["assessmentCount"]! + 1, (int)after["assessmentCount"]!);
        Assert.Equal("D3", (string)after["target"]!["rating"]!);
    }

    [Fact]
    public async Task Partner_of_another_agency_reads_a_risk_is_not_offered_the_reassessment_and_a_crafted_post_is_refused()
    {
        var id = await RiskIdAsync("Police and Crime Commissioner plans");
        using var manager = await ManagerClientAsync();
        var countBefore = (int)(await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/risks/{id}"))!["assessmentCount"]!;

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("daniel.okafor"); // Kent Police; the risk is Medway Council's
        await page.GotoAsync($"{Medway}/risks/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Police and Crime Commissioner plans", Level = 1 })).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Reassess this risk" }).CountAsync());
        await page.GotoAsync($"{Medway}/risks/{id}/reassess");
        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToContainTextAsync("Only Medway Council");
        await browser.CheckPageAsync("reassess-not-offered");

        await page.EvaluateAsync(@"id => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/partnerships/medway/risks/' + id + '/reassess';
            for (const [name, value] of [['__csrf', token], ['Current', 'F4'], ['Rationale', 'Rated down by another agency']]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }", id);
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("You do not have permission");
        var after = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/risks/{id}"))!;
        Assert.Equal(countBefore, (int)after["assessmentCount"]!);
    }

    [Fact]
    public async Task Manager_reads_the_plan_overview_with_its_priorities_and_actions_counted_by_strand_and_RAG()
    {
        using var manager = await ManagerClientAsync();
        var actions = new List<JsonObject>();
        for (var n = 1; ; n++)
        {
            var onePage = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/actions?pageSize=200&page={n}"))!;
            actions.AddRange(onePage["items"]!.AsArray().Select(a => a!.AsObject()));
            if (actions.Count >= (int)onePage["total"]! || onePage["items"]!.AsArray().Count == 0) break;
        }

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync(Medway + "/my-actions");
        await page.GetByRole(AriaRole.Link, new() { Name = "Plan", Exact = true }).ClickAsync();
        var heading = await page.Locator("h1").InnerTextAsync();
        var plans = (await manager.GetFromJsonAsync<JsonArray>("/api/partnerships/medway/plans"))!;
        var plan = plans.Select(p => p!.AsObject()).Single(p => (string)p["title"]! == heading);
        var planActions = actions.Where(a => (string)a["planId"]! == (string)plan["id"]!).ToList();
        await browser.CheckPageAsync("plan");

        // Each priority's row counts its actions by RAG; the totals are the plan's actions.
        var priorities = plan["priorities"]!.AsArray();
        var rows = page.Locator("#by-priority tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(priorities.Count);
        foreach (var priority in priorities)
        {
            var mine = planActions.Where(a => (string)a["priorityId"]! == (string)priority!["id"]!).ToList();
            var row = rows.Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = (string)priority!["title"]!, Exact = true }) });
            var cells = await row.Locator("td").AllInnerTextsAsync();
            Assert.Equal(mine.Count(a => (string)a["rag"]! == "red").ToString(System.Globalization.CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(mine.Count(a => (string)a["rag"]! == "green").ToString(System.Globalization.CultureInfo.InvariantCulture), cells[2]);
            Assert.Equal(mine.Count(a => (bool)a["overdue"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), cells[5]);
            Assert.Equal(mine.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[6]);
        }
        // And by strand within a priority, with its areas of focus.
        var first = priorities[0]!;
        var section = page.Locator($"table:has(caption:text-is('{(string)first["title"]!}: actions by 4P strand and RAG'))");
        var prevent = planActions.Count(a => (string)a["priorityId"]! == (string)first["id"]! && (string)a["strand"]! == "prevent");
        await Assertions.Expect(section.Locator("tr", new() { Has = page.Locator("th", new() { HasText = "Prevent" }) }).Locator("td").Last).ToHaveTextAsync(prevent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var area in first["areasOfFocus"]!.AsArray())
            await Assertions.Expect(page.Locator("li", new() { HasText = (string)area!["title"]! }).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Manager_submits_a_project_records_spend_and_a_correction_and_submits_a_return_with_money_shown_exactly()
    {
        const string allocation = "/api/partnerships/medway/funding/allocations/kent-crg-2024-25";
        using var manager = await ManagerClientAsync();
        var before = (await manager.GetFromJsonAsync<JsonObject>(allocation))!;
        var spentBefore = (long)before["totals"]!["spent"]!["pence"]!;

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync(Medway + "/my-actions");
        await page.GetByRole(AriaRole.Link, new() { Name = "Funding", Exact = true }).ClickAsync();
        var row = page.Locator("#allocations tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Kent Crime Reduction Grant 2024-25" }) });
        await Assertions.Expect(row).ToContainTextAsync("£73,822.00");
        await browser.CheckPageAsync("funding");
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator("#totals")).ToContainTextAsync("£73,822.00");
        await browser.CheckPageAsync("funding-allocation");

        // A project: a third decimal place is the service's 400 naming the amount; what was typed stays.
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit a project" }).ClickAsync();
        await browser.CheckPageAsync("funding-project");
        const string project = "Street pastors for the Chatham night-time economy";
        await page.GetByLabel("Project title").FillAsync(project);
        await page.GetByLabel("Lead agency").SelectOptionAsync("medway-council");
        await page.GetByLabel("Amount").FillAsync("£1,500.005");
        var action = page.Locator("input[name=ActionIds]").First;
        await action.CheckAsync();
        await page.GetByLabel("Measure 1").FillAsync("Nights patrolled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit the project" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#amount']")).ToContainTextAsync("Amount");
        await Assertions.Expect(page.GetByLabel("Amount")).ToHaveValueAsync("£1,500.005");
        await Assertions.Expect(action).ToBeCheckedAsync();
        await browser.CheckPageAsync("funding-project-errors");
        await page.GetByLabel("Amount").FillAsync("£1,500.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit the project" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Project submitted");
        var projectRow = page.Locator("#projects tr").Filter(new() { HasText = project });
        await Assertions.Expect(projectRow).ToContainTextAsync("Submitted");
        await Assertions.Expect(projectRow).ToContainTextAsync("£1,500.00");

        // Spend on an approved project, then a correction: a negative entry naming it.
        await page.GetByRole(AriaRole.Link, new() { Name = "See the spend entries or record spend" }).ClickAsync();
        await browser.CheckPageAsync("funding-spend");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record spend" }).ClickAsync();
        await page.GetByLabel("Project").SelectOptionAsync(new SelectOptionValue { Label = (await page.Locator("#projectId option").Filter(new() { HasText = "County lines intensification weeks" }).InnerTextAsync()).Trim() });
        await page.GetByLabel("Day").FillAsync("10");
        await page.GetByLabel("Month").FillAsync("2");
        await page.GetByLabel("Year").FillAsync("2025");
        await page.GetByLabel("Amount").FillAsync("2,345.67");
        await page.GetByLabel("Description", new() { Exact = true }).FillAsync("Overtime, intensification week 4");
        await page.GetByLabel("Evidence reference (optional)").FillAsync("KP-OT-2502");
        await browser.CheckPageAsync("funding-record-spend");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the spend" }).ClickAsync();
        var entry = page.Locator("#spend tbody tr").Filter(new() { HasText = "Overtime, intensification week 4" });
        await Assertions.Expect(entry).ToContainTextAsync("£2,345.67");
        await Assertions.Expect(entry).ToContainTextAsync("10 February 2025");
        var entryId = (await entry.Locator("th").InnerTextAsync()).Trim();

        await entry.GetByRole(AriaRole.Link, new() { Name = $"Correct entry {entryId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Correct a spend entry" })).ToBeVisibleAsync();
        await page.GetByLabel("Day").FillAsync("14");
        await page.GetByLabel("Month").FillAsync("2");
        await page.GetByLabel("Year").FillAsync("2025");
        await page.GetByLabel("Amount to take back").FillAsync("345.67");
        await page.GetByLabel("Description", new() { Exact = true }).FillAsync($"Correction of entry {entryId}: one shift claimed twice");
        await browser.CheckPageAsync("funding-correct-spend");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the correction" }).ClickAsync();
        var correction = page.Locator("#spend tbody tr").Filter(new() { HasText = "one shift claimed twice" });
        await Assertions.Expect(correction).ToContainTextAsync("−£345.67");
        await Assertions.Expect(correction).ToContainTextAsync($"Correction of entry {entryId}");

        var afterSpend = (await manager.GetFromJsonAsync<JsonObject>(allocation))!;
        Assert.Equal(spentBefore + 200_000, (long)afterSpend["totals"]!["spent"]!["pence"]!);

        // A monitoring return: the narrative is required by the service; the next quarter without a return is offered.
        await page.GotoAsync(Medway + "/funding/kent-crg-2024-25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit a monitoring return" }).ClickAsync();
        var quarter = await page.GetByLabel("Quarter", new() { Exact = true }).InputValueAsync();
        await page.GetByLabel("Forecast outturn for the year").FillAsync("38,000.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit the return" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#narrative']")).ToContainTextAsync("Narrative");
        await Assertions.Expect(page.GetByLabel("Forecast outturn for the year")).ToHaveValueAsync("38,000.00");
        await browser.CheckPageAsync("funding-return-errors");
        await page.GetByLabel("Progress this quarter").FillAsync("Intensification week 4 delivered; street pastors business case submitted.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit the return" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Monitoring return submitted");
        var returned = page.Locator("#returns tr").Filter(new() { HasText = quarter });
        await Assertions.Expect(returned).ToContainTextAsync("Submitted");
        await Assertions.Expect(returned).ToContainTextAsync("£38,000.00");
        await browser.CheckPageAsync("funding-after-return");
    }

    [Fact]
    public async Task Manager_requests_a_variation_in_pounds_sees_the_funders_decision_and_completes_a_project_after_a_concurrent_change()
    {
        // The journey's own project on the confirmed 2024-25 grant, approved by the funder: no other journey touches it.
        const string allocation = "/api/partnerships/medway/funding/allocations/kent-crg-2024-25";
        var project = $"Safe haven pilot {Guid.NewGuid().ToString("n")[..8]}";
        using var manager = await ManagerClientAsync();
        using var finance = await ClientAsync("tom.fletcher");
        var submitted = await manager.PostAsJsonAsync($"{allocation}/projects", new { title = project, leadAgencyId = "kent-fire-rescue", amount = "1234.56", actionIds = Array.Empty<long>(), measures = new[] { "Nights open" } });
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
        var projectId = (int)(await submitted.Content.ReadFromJsonAsync<JsonObject>())!["projects"]!.AsArray().Single(p => (string)p!["title"]! == project)!["id"]!;
        Assert.True((await SendAsync(finance, HttpMethod.Post, $"{allocation}/projects/{projectId}/decision", new { approve = true }, allocation)).IsSuccessStatusCode);
        var reason = $"Match funding from the BID for {project} ended early.";

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync(Medway + "/funding/kent-crg-2024-25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a variation" }).ClickAsync();
        await browser.CheckPageAsync("funding-variation");

        // A third decimal place reaches the service, which names the amount; what was typed stays.
        await page.GetByLabel("The award amount").CheckAsync();
        await page.GetByLabel("New award amount").FillAsync("£80,000.005");
        await page.GetByLabel("Reason").FillAsync(reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Request the variation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#newAmount']")).ToContainTextAsync("New award amount");
        await Assertions.Expect(page.GetByLabel("New award amount")).ToHaveValueAsync("£80,000.005");
        await Assertions.Expect(page.GetByLabel("Reason")).ToHaveValueAsync(reason);
        await browser.CheckPageAsync("funding-variation-errors");
        await page.GetByLabel("New award amount").FillAsync("£80,000.50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request the variation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Variation requested");
        var variation = page.Locator("#variations-table tbody tr").Filter(new() { HasText = reason });
        await Assertions.Expect(variation).ToContainTextAsync("Award to £80,000.50");
        await Assertions.Expect(variation).ToContainTextAsync("Waiting for the funder's decision");
        await Assertions.Expect(page.Locator("#totals")).ToContainTextAsync("£73,822.00"); // nothing changes until the funder decides

        // The funder rejects it: the manager sees the decision and why.
        var stored = (await manager.GetFromJsonAsync<JsonObject>(allocation))!["variations"]!.AsArray().Single(v => (string)v!["reason"]! == reason)!;
        Assert.Equal(8_000_050, (long)stored["newAmount"]!["pence"]!);
        Assert.True((await SendAsync(finance, HttpMethod.Post, $"{allocation}/variations/{(int)stored["id"]!}/decision", new { approve = false, reason = "Cover it from the underspend instead." }, allocation)).IsSuccessStatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(variation).ToContainTextAsync("Rejected");
        await Assertions.Expect(variation).ToContainTextAsync("tom.fletcher: Cover it from the underspend instead.");
        await browser.CheckPageAsync("funding-variation-decided");

        // Complete the project; meanwhile the finance contact records spend on it, so the first send is a 412.
        var row = page.Locator("#projects tr").Filter(new() { HasText = project });
        await Assertions.Expect(row).ToContainTextAsync("Approved");
        await row.GetByRole(AriaRole.Link, new() { Name = $"Complete or close “{project}”" }).ClickAsync();
        await page.GetByLabel("Completed").CheckAsync();
        await page.GetByLabel("Note (optional)").FillAsync("Pilot ran all 12 nights.");
        await browser.CheckPageAsync("funding-end-project");
        using (var contact = await ClientAsync("fiona.grant"))
        {
            var spend = await contact.PostAsJsonAsync($"{allocation}/spend", new { projectId, date = "2025-02-20", amount = "1000.00", description = "Venue hire, 12 nights" });
            Assert.True(spend.IsSuccessStatusCode, await spend.Content.ReadAsStringAsync());
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#changes")).ToContainTextAsync("£1,000.00 spent on this project");
        await Assertions.Expect(page.GetByLabel("Completed")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Note (optional)")).ToHaveValueAsync("Pilot ran all 12 nights.");
        await browser.CheckPageAsync("funding-end-project-conflict");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync($"Project “{project}” is completed");
        await Assertions.Expect(row).ToContainTextAsync("Completed");
        await Assertions.Expect(row).ToContainTextAsync("£1,000.00");
        Assert.Equal(0, await row.GetByRole(AriaRole.Link, new() { Name = $"Complete or close “{project}”" }).CountAsync());
        await browser.CheckPageAsync("funding-after-end-project");
        var ended = (await manager.GetFromJsonAsync<JsonObject>(allocation))!["projects"]!.AsArray().Single(p => (int)p!["id"]! == projectId)!;
        Assert.Equal("completed", (string)ended["status"]!);
    }

    [Fact]
    public async Task Board_member_reads_the_allocation_but_is_not_offered_variations_and_a_crafted_request_is_refused()
    {
        const string allocation = "/api/partnerships/medway/funding/allocations/kent-crg-2024-25";
        using var manager = await ManagerClientAsync();
        var before = (await manager.GetFromJsonAsync<JsonObject>(allocation))!["variations"]!.AsArray().Count;
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("olivia.grant");
        await page.GotoAsync(Medway + "/funding/kent-crg-2024-25");
        await Assertions.Expect(page.Locator("#totals")).ToContainTextAsync("£73,822.00");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Request a variation" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Complete or close" }).CountAsync());
        await page.GotoAsync(Medway + "/funding/kent-crg-2024-25/variations/new");
        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToContainTextAsync("Only the partnership's manager");
        await browser.CheckPageAsync("funding-variation-not-offered");
        await page.EvaluateAsync(@"() => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/partnerships/medway/funding/kent-crg-2024-25/variations/new';
            for (const [name, value] of [['__csrf', token], ['Kind', 'amount'], ['NewAmount', '99,000.00'], ['Reason', 'Asked by the board']]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }");
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("You do not have permission");
        Assert.Equal(before, (await manager.GetFromJsonAsync<JsonObject>(allocation))!["variations"]!.AsArray().Count);
    }

    [Fact]
    public async Task Partner_is_not_offered_the_funding_pages_and_the_funding_service_refuses_them()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("chloe.bennett");
        await page.GotoAsync(Medway + "/my-actions");
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Funding", Exact = true }).CountAsync());
        var response = await page.GotoAsync(Medway + "/funding");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
    }

    private async Task<long> RiskIdAsync(string title)
    {
        using var manager = await ManagerClientAsync();
        var risks = (await manager.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/risks?status=all&pageSize=200"))!["items"]!.AsArray();
        return (long)risks.First(r => (string)r!["title"]! == title)!["id"]!;
    }

    private Task<HttpClient> ManagerClientAsync() => ClientAsync("sam.patel");

    /// <summary>A write with the record's current ETag as If-Match (read just before).</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object body, string recordPath)
    {
        using var read = await client.GetAsync(recordPath);
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        return await client.SendAsync(request);
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
