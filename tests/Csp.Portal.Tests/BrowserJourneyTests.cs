using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Time;
using Microsoft.Playwright;

namespace Csp.Portal.Tests;

/// <summary>The portal's journeys in Chromium, through the real gateway and services, each page checked with axe-core and
/// photographed (see <see cref="BrowserSession.CheckPageAsync"/>).</summary>
[Collection(PortalPlatform.Collection)]
public sealed class BrowserJourneyTests(PortalPlatform platform)
{
    private const string Medway = "/partnerships/medway";

    [Fact]
    public async Task Partner_finds_an_overdue_action_is_refused_then_records_an_update_and_sees_its_RAG_change()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await page.GotoAsync("/");
        await browser.CheckPageAsync("start");
        await browser.SignInAsync("chloe.bennett");
        await browser.CheckPageAsync("home-partner");

        var session = (await browser.Context.CookiesAsync()).Single(c => c.Name == "csp-session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);

        await page.GetByRole(AriaRole.Link, new() { Name = "My actions for Medway" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My actions", Exact = true })).ToBeVisibleAsync();
        await browser.CheckPageAsync("my-actions");

        var overdueRow = page.Locator("tr", new() { Has = page.Locator(".govuk-tag", new() { HasText = "Overdue" }) })
            .Filter(new() { HasNot = page.Locator(".govuk-tag", new() { HasText = "Complete" }) }).First;
        await Assertions.Expect(overdueRow.Locator(".csp-rag")).ToHaveTextAsync("Red");
        var title = (await overdueRow.Locator("a").First.InnerTextAsync()).Split(':')[0].Trim();
        await overdueRow.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        await browser.CheckPageAsync("update-form");

        // First attempt: no commentary and a progress over 100. The action plan refuses both; the page names each field.
        await page.GetByLabel("Completed").CheckAsync();
        await page.GetByLabel("Progress (per cent done)").FillAsync("150");
        await page.GetByLabel("Commentary").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save update" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync();
        await Assertions.Expect(summary.Locator("a[href='#commentary']")).ToContainTextAsync("Commentary");
        await Assertions.Expect(summary.Locator("a[href='#progressPercent']")).ToContainTextAsync("Progress");
        await Assertions.Expect(page.Locator("#commentary-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Progress (per cent done)")).ToHaveValueAsync("150"); // what they typed is kept
        Assert.StartsWith("Error: ", await page.TitleAsync());
        await browser.CheckPageAsync("update-form-errors");

        await page.GetByLabel("Progress (per cent done)").FillAsync("100");
        await page.GetByLabel("Commentary").FillAsync("Taxi driver sessions delivered online while the licensing condition waits for committee.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save update" }).ClickAsync();

        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Its RAG is now Complete");
        var row = page.Locator("tr").Filter(new() { HasText = title });
        await Assertions.Expect(row.Locator(".csp-rag")).ToHaveTextAsync("Complete");
        await browser.CheckPageAsync("my-actions-after-update");
    }

    [Fact]
    public async Task Manager_opens_an_update_round_and_downloads_the_chase_list()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync(Medway + "/update-rounds");
        await browser.CheckPageAsync("update-rounds");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open an update round" }).ClickAsync();
        await browser.CheckPageAsync("open-round");

        await page.GetByRole(AriaRole.Button, new() { Name = "Open the round" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToBeVisibleAsync();
        await browser.CheckPageAsync("open-round-errors");

        var today = UkTime.Today(TimeProvider.System);
        var period = $"{today.Year + 1}-Q2";
        var deadline = today.AddDays(21);
        await page.GetByLabel("Quarter").FillAsync(period);
        await page.GetByLabel("Day").FillAsync(deadline.Day.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Month").FillAsync(deadline.Month.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Year").FillAsync(deadline.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the round" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Update round " + period })).ToBeVisibleAsync();
        await browser.CheckPageAsync("round");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the chase list (CSV)" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Select(l => l.TrimStart('\uFEFF')).ToList();
        Assert.StartsWith("Agency,Action id,Action,Priority,Strand,Owner,Due date,Status,Last updated,Round,Deadline", lines[0]);
        Assert.True(lines.Count > 10, "every open action is owed an update in a round opened today");
        Assert.Contains(lines, l => l.StartsWith("Kent Police,", StringComparison.Ordinal) && l.Contains("," + period + ",", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Partner_is_not_offered_another_agencys_form_and_a_crafted_post_is_refused_by_the_service()
    {
        using var manager = await ManagerClientAsync();
        var police = (await manager.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/actions?agency=kent-police&overdue=false&pageSize=200"))!["items"]!.AsArray()
            .First(a => (string)a!["leadAgencyId"]! == "kent-police" && (string)a!["status"]! is not ("completed" or "cancelled"))!;
        var id = (long)police["id"]!;
        var updatesBefore = (int)police["updateCount"]!;

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("chloe.bennett");
        await page.GotoAsync($"{Medway}/actions/{id}/update");
        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToContainTextAsync("Only Kent Police");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Save update" }).CountAsync());
        await browser.CheckPageAsync("update-not-offered");

        // A crafted POST with a valid antiforgery token (the sign-out form's) for the other agency's action.
        await page.EvaluateAsync(@"id => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/partnerships/medway/actions/' + id + '/update';
            for (const [name, value] of [['__csrf', token], ['Status', 'completed'], ['ProgressPercent', '100'], ['Commentary', 'Marked done by another agency']]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }", id);
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("You do not have permission");
        await browser.CheckPageAsync("update-refused");

        var after = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/actions/{id}"))!;
        Assert.Equal(updatesBefore, (int)after["updateCount"]!);
        Assert.NotEqual("completed", (string)after["status"]!);
    }

    [Fact]
    public async Task Partner_completes_the_update_form_with_the_keyboard_only()
    {
        using var manager = await ManagerClientAsync();
        var own = (await manager.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/actions?agency=probation-kss&pageSize=200"))!["items"]!.AsArray()
            .First(a => (string)a!["leadAgencyId"]! == "probation-kss" && (string)a!["status"]! is not ("completed" or "cancelled"))!;
        var id = (long)own["id"]!;

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("gareth.lloyd");
        await page.GotoAsync($"{Medway}/actions/{id}/update");

        async Task TabToAsync(string selector)
        {
            for (var i = 0; i < 80; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                if (await page.EvaluateAsync<bool>("s => document.activeElement && document.activeElement.matches(s)", selector)) return;
            }
            await page.ScreenshotAsync(new() { Path = Path.Combine(PortalPlatform.ScreenshotDirectory, "keyboard-failure.png"), FullPage = true });
            Assert.Fail($"Tab never reached {selector} on {page.Url}; focus is on {await page.EvaluateAsync<string>("() => document.activeElement && document.activeElement.outerHTML")}");
        }

        await TabToAsync("input[name=Status]");
        await page.Keyboard.PressAsync("ArrowDown"); // the radio after the current status
        var chosen = await page.EvaluateAsync<string>("() => document.activeElement.value");
        await TabToAsync("#progressPercent");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("90");
        await TabToAsync("#commentary");
        await page.Keyboard.TypeAsync("Annual review written and sent to the SEG.");
        await TabToAsync("button[type=submit]:not(.csp-link-button)");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToBeVisibleAsync();
        var after = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/actions/{id}"))!;
        Assert.Equal(chosen, (string)after["status"]!);
        Assert.Equal(90, (int)after["progressPercent"]!);
    }

    private async Task<HttpClient> ManagerClientAsync()
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user = "sam.patel" })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
