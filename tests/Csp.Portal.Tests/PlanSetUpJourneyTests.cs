using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Csp.Portal.Tests;

/// <summary>
/// The manager sets up a plan and its actions in Chromium through the real gateway and action plan. Each journey makes
/// its own records (a plan with a reference of its own, years after the demo plan's so it is never the plan in force;
/// actions led by Kent Fire and Rescue, whose partner no other journey signs in as), so the other journeys on this shared
/// platform do not see them and the order the tests run in does not matter.
/// </summary>
[Collection(PortalPlatform.Collection)]
public sealed class PlanSetUpJourneyTests(PortalPlatform platform)
{
    private const string Medway = "/partnerships/medway";

    [Fact]
    public async Task Manager_sets_up_a_plan_adds_an_action_under_a_priority_after_a_bad_date_and_sees_it_listed()
    {
        var suffix = Guid.NewGuid().ToString("n")[..8];
        var planRef = $"portal-test-{suffix}";
        var planTitle = $"Safer Medway plan {suffix}";
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync(Medway + "/my-actions");
        await page.GetByRole(AriaRole.Link, new() { Name = "Plan", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Set up a new plan" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up a new plan" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("plan-set-up");

        await page.GetByLabel("Plan reference").FillAsync(planRef);
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync(planTitle);
        await page.GetByLabel("Start year").FillAsync("2031");
        await page.GetByLabel("End year").FillAsync("2030");
        await page.GetByLabel("Priority 1 title").FillAsync("Safer town centres");
        await page.GetByLabel("Priority 1, area of focus 1").FillAsync("Night-time economy");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add another priority" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Priority 1 title")).ToHaveValueAsync("Safer town centres"); // kept, nothing sent
        await page.GetByLabel("Priority 2 title").FillAsync("Reducing youth violence");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the plan" }).ClickAsync();

        // The action plan refuses the years; its message is shown against the end year and everything typed is kept.
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary.Locator("a[href='#endYear']")).ToContainTextAsync("End year must not be before the start year");
        await Assertions.Expect(page.Locator("#endYear-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Priority 2 title")).ToHaveValueAsync("Reducing youth violence");
        Assert.StartsWith("Error: ", await page.TitleAsync());
        await browser.CheckPageAsync("plan-set-up-errors");
        await page.GetByLabel("End year").FillAsync("2034");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the plan" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("The plan is set up");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = planTitle, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("li", new() { HasText = "Night-time economy" })).ToBeVisibleAsync();

        using var manager = await ClientAsync("sam.patel");
        var plan = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/plans/{planRef}"))!;
        Assert.Equal(["safer-town-centres", "reducing-youth-violence"], plan["priorities"]!.AsArray().Select(p => (string)p!["id"]!));
        Assert.Equal("night-time-economy", (string)plan["priorities"]![0]!["areasOfFocus"]![0]!["id"]!);

        // An action under the first priority: a due date before the start is the service's error against the due date.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add an action to “Safer town centres”" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Priority", new() { Exact = true })).ToHaveValueAsync("safer-town-centres");
        await browser.CheckPageAsync("plan-add-action");
        const string action = "Late-night safe haven in Chatham high street";
        await page.GetByLabel("Area of focus (optional)").SelectOptionAsync(new SelectOptionValue { Label = "Night-time economy" });
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync(action);
        await page.GetByLabel("Prevent").CheckAsync();
        await page.GetByLabel("Lead agency").SelectOptionAsync("kent-fire-rescue");
        await page.GetByLabel("Kent Police").CheckAsync();
        await page.GetByLabel("Owner").FillAsync("Station Manager, Chatham");
        await FillDateAsync(page, "startDate", "1", "4", "2031");
        await FillDateAsync(page, "dueDate", "31", "3", "2031");
        await page.GetByLabel("Milestone 1 title").FillAsync("Venue agreed with the BID");
        await FillDateAsync(page, "milestones[0]-DueDate", "30", "9", "2031");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add the action" }).ClickAsync();
        await Assertions.Expect(summary.Locator("li").First.Locator("a")).ToHaveAttributeAsync("href", "#dueDate");
        await Assertions.Expect(summary.Locator("a[href='#dueDate']")).ToContainTextAsync("Due date must be on or after the start date");
        await Assertions.Expect(page.Locator("#dueDate-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Title", new() { Exact = true })).ToHaveValueAsync(action);
        await Assertions.Expect(page.GetByLabel("Kent Police")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Milestone 1 title")).ToHaveValueAsync("Venue agreed with the BID");
        await browser.CheckPageAsync("plan-add-action-errors");

        await FillDateAsync(page, "dueDate", "31", "3", "2032");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add the action" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync($"“{action}” is added to the plan under “Safer town centres”");
        var listed = page.Locator("#priority-safer-town-centres ~ details").First.Locator("li", new() { HasText = action });
        await Assertions.Expect(listed).ToBeVisibleAsync();
        await Assertions.Expect(listed).ToContainTextAsync("Kent Fire and Rescue");
        await Assertions.Expect(listed).ToContainTextAsync("due 31 March 2032");
        await browser.CheckPageAsync("plan-after-add-action");

        var stored = (await manager.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/actions?agency=kent-fire-rescue&pageSize=200"))!["items"]!.AsArray()
            .Single(a => (string)a!["title"]! == action)!;
        Assert.Equal(planRef, (string)stored["planId"]!);
        Assert.Equal("night-time-economy", (string)stored["areaOfFocusId"]!);
        Assert.Equal("prevent", (string)stored["strand"]!);
        Assert.Equal(["kent-police"], stored["supportingAgencyIds"]!.AsArray().Select(a => (string)a!));
        Assert.Equal("2031-09-30", (string)stored["milestones"]![0]!["dueDate"]!);
    }

    [Fact]
    public async Task Manager_revises_an_action_someone_else_changed_meanwhile_sees_what_changed_and_sends_again_keeping_both_changes()
    {
        using var manager = await ClientAsync("sam.patel");
        var (planRef, actionId) = await OwnPlanWithActionAsync(manager);
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync($"{Medway}/plan?plan={planRef}");
        await page.Locator("details").First.Locator("summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Change “Test purchase operation at off-licences”" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Owner")).ToHaveValueAsync("Licensing Officer");
        await browser.CheckPageAsync("plan-edit-action");

        // Someone else gives the action a new owner while the form is open.
        var read = await manager.GetAsync($"/api/partnerships/medway/actions/{actionId}");
        var current = (await read.Content.ReadFromJsonAsync<JsonObject>())!;
        var draft = new JsonObject();
        foreach (var field in new[] { "planId", "priorityId", "areaOfFocusId", "title", "description", "strand", "leadAgencyId", "supportingAgencyIds", "startDate", "dueDate", "milestones" })
            draft[field] = current[field]?.DeepClone();
        draft["owner"] = "Trading Standards Team Leader";
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/medway/actions/{actionId}") { Content = JsonContent.Create(draft) };
        put.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        Assert.True((await manager.SendAsync(put)).IsSuccessStatusCode);

        // The manager changes the title and the due date: the 412 says what changed, keeps both, and takes the new owner.
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Test purchase operations at off-licences and corner shops");
        await FillDateAsync(page, "dueDate", "28", "2", "2033");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the action" }).ClickAsync();
        var banner = page.Locator(".govuk-notification-banner").Filter(new() { HasText = "Someone else changed this action" });
        await Assertions.Expect(banner.Locator("#changes li")).ToHaveTextAsync(["The owner is now “Trading Standards Team Leader” (was “Licensing Officer”)."]);
        await Assertions.Expect(page.GetByLabel("Title", new() { Exact = true })).ToHaveValueAsync("Test purchase operations at off-licences and corner shops");
        await Assertions.Expect(page.Locator("#dueDate-day")).ToHaveValueAsync("28");
        await Assertions.Expect(page.GetByLabel("Owner")).ToHaveValueAsync("Trading Standards Team Leader");
        await browser.CheckPageAsync("plan-edit-action-conflict");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send my changes again" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("is saved");
        var after = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/actions/{actionId}"))!;
        Assert.Equal("Test purchase operations at off-licences and corner shops", (string)after["title"]!);
        Assert.Equal("2033-02-28", (string)after["dueDate"]!);
        Assert.Equal("Trading Standards Team Leader", (string)after["owner"]!);
    }

    [Fact]
    public async Task Manager_takes_out_what_no_action_refers_to_and_is_refused_against_the_remove_box_for_what_an_action_does()
    {
        using var manager = await ClientAsync("sam.patel");
        var planRef = $"portal-test-{Guid.NewGuid().ToString("n")[..8]}";
        var created = await manager.PutAsJsonAsync($"/api/partnerships/medway/plans/{planRef}", new
        {
            title = "Test plan " + planRef, startYear = 2036, endYear = 2039,
            priorities = new object[]
            {
                new { id = "safer-streets", title = "Safer streets", areasOfFocus = new[] { new { id = "off-licences", title = "Off-licences" }, new { id = "parks", title = "Parks" } } },
                new { id = "cohesion", title = "Community cohesion", areasOfFocus = new[] { new { id = "events", title = "Events" } } },
            },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var action = await manager.PostAsJsonAsync("/api/partnerships/medway/actions", new
        {
            planId = planRef, priorityId = "safer-streets", areaOfFocusId = "off-licences", title = "Test purchases at off-licences " + planRef, strand = "pursue",
            leadAgencyId = "kent-fire-rescue", owner = "Licensing Officer", startDate = "2036-04-01", dueDate = "2037-03-31",
        });
        Assert.True(action.IsSuccessStatusCode, await action.Content.ReadAsStringAsync());
        var actionId = (long)(await action.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        var version = (await manager.GetAsync($"/api/partnerships/medway/plans/{planRef}")).Headers.ETag!.Tag;

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync($"{Medway}/plan/set-up/{planRef}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change the plan" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("plan-change");

        // The priority an action refers to: refused, the action plan's reason against its Remove box, the box still ticked.
        await page.GetByLabel("Remove priority 1", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the plan" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary.Locator("a[href='#priorities[0]-Remove']")).ToHaveTextAsync(
            $"Priority 1, “Safer streets”, cannot be taken out while an action refers to it (action {actionId}): move or remove it first");
        await Assertions.Expect(page.Locator("[id='priorities[0]-Remove-error']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Remove priority 1", new() { Exact = true })).ToBeCheckedAsync();
        await browser.CheckPageAsync("plan-remove-refused");

        // The area of focus it refers to, with two that nothing refers to: only that one is refused, and nothing is stored.
        await page.GetByLabel("Remove priority 1", new() { Exact = true }).UncheckAsync();
        await page.GetByLabel("Remove priority 1, area of focus 1").CheckAsync();
        await page.GetByLabel("Remove priority 1, area of focus 2").CheckAsync();
        await page.GetByLabel("Remove priority 2", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the plan" }).ClickAsync();
        await Assertions.Expect(summary.Locator("li")).ToHaveCountAsync(1);
        await Assertions.Expect(summary.Locator("a[href='#priorities[0]-Areas[0]-Remove']")).ToContainTextAsync("Priority 1, area of focus 1, “Off-licences”, cannot be taken out while an action refers to it");
        await Assertions.Expect(page.GetByLabel("Remove priority 2", new() { Exact = true })).ToBeCheckedAsync();
        Assert.Equal(version, (await manager.GetAsync($"/api/partnerships/medway/plans/{planRef}")).Headers.ETag!.Tag);

        await page.GetByLabel("Remove priority 1, area of focus 1").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the plan" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToBeVisibleAsync();
        await browser.CheckPageAsync("plan-after-remove");
        var plan = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/plans/{planRef}"))!;
        Assert.Equal(["safer-streets"], plan["priorities"]!.AsArray().Select(p => (string)p!["id"]!));
        Assert.Equal(["off-licences"], plan["priorities"]![0]!["areasOfFocus"]!.AsArray().Select(a => (string)a!["id"]!));
    }

    [Fact]
    public async Task Partner_is_not_offered_plan_set_up_gets_the_403_page_and_a_crafted_post_is_refused_by_the_service()
    {
        using var manager = await ClientAsync("sam.patel");
        var (planRef, actionId) = await OwnPlanWithActionAsync(manager);
        const string crafted = "Action a partner tried to add";

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("ellie.warren"); // Kent Fire and Rescue: leads the action, but is not the manager
        await page.GotoAsync($"{Medway}/plan?plan={planRef}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Add an action" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Change the plan" }).CountAsync());
        Assert.Equal(0, await page.Locator($"a[href$='/plan/actions/{actionId}/edit']").CountAsync());
        await browser.CheckPageAsync("plan-partner");

        foreach (var path in new[] { "/plan/set-up", $"/plan/set-up/{planRef}", "/plan/actions/new", $"/plan/actions/{actionId}/edit" })
        {
            var response = await page.GotoAsync(Medway + path);
            Assert.Equal(403, response!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        }
        await browser.CheckPageAsync("plan-set-up-refused");

        await page.GotoAsync($"{Medway}/plan?plan={planRef}");
        await page.EvaluateAsync(@"planRef => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/partnerships/medway/plan/actions/new';
            for (const [name, value] of [['__csrf', token], ['PlanId', planRef], ['PriorityId', 'safer-streets'], ['Title', 'Action a partner tried to add'],
                ['Strand', 'protect'], ['LeadAgencyId', 'kent-fire-rescue'], ['Owner', 'Me'], ['Start.Day', '1'], ['Start.Month', '5'], ['Start.Year', '2031'],
                ['Due.Day', '1'], ['Due.Month', '6'], ['Due.Year', '2031']]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }", planRef);
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("You do not have permission");
        var actions = (await manager.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/actions?agency=kent-fire-rescue&pageSize=200"))!["items"]!.AsArray();
        Assert.DoesNotContain(actions, a => (string)a!["title"]! == crafted);
    }

    /// <summary>A plan of this test's own (years no other plan has) with one action led by Kent Fire and Rescue.</summary>
    private static async Task<(string PlanRef, long ActionId)> OwnPlanWithActionAsync(HttpClient manager)
    {
        var planRef = $"portal-test-{Guid.NewGuid().ToString("n")[..8]}";
        var plan = await manager.PutAsJsonAsync($"/api/partnerships/medway/plans/{planRef}", new
        {
            title = "Test plan " + planRef, startYear = 2032, endYear = 2035,
            priorities = new[] { new { id = "safer-streets", title = "Safer streets", areasOfFocus = Array.Empty<object>() } },
        });
        Assert.True(plan.IsSuccessStatusCode, await plan.Content.ReadAsStringAsync());
        var action = await manager.PostAsJsonAsync("/api/partnerships/medway/actions", new
        {
            planId = planRef, priorityId = "safer-streets", title = "Test purchase operation at off-licences", strand = "pursue",
            leadAgencyId = "kent-fire-rescue", owner = "Licensing Officer", startDate = "2032-04-01", dueDate = "2033-03-31",
        });
        Assert.True(action.IsSuccessStatusCode, await action.Content.ReadAsStringAsync());
        return (planRef, (long)(await action.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);
    }

    private static async Task FillDateAsync(IPage page, string id, string day, string month, string year)
    {
        await page.Locator($"[id='{id}-day']").FillAsync(day);
        await page.Locator($"[id='{id}-month']").FillAsync(month);
        await page.Locator($"[id='{id}-year']").FillAsync(year);
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
