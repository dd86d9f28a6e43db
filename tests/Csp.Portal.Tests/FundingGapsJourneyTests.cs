using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Csp.Portal.Tests;

/// <summary>The funding pages' last gaps: the manager's virement between two projects (requested in pounds, decided by the
/// funder's finance officer, the money moved), who is not offered it, and the funder's project-decision and
/// cancel-tranche pages meeting a concurrent change (412). Each journey makes an allocation of its own (a programme in
/// 2018-19 or 2017-18 with a unique id), so no shared demo record changes.</summary>
[Collection(PortalPlatform.Collection)]
public sealed class FundingGapsJourneyTests(PortalPlatform platform)
{
    private const string Funder = "/funders/kent-pcc";

    [Fact]
    public async Task Manager_requests_a_virement_in_pounds_after_errors_on_the_fields_and_finance_approves_it_moving_the_money()
    {
        var (id, api) = await AllocationWithTwoApprovedProjectsAsync("2018-19");
        var reason = $"The boxing sessions cost less than planned ({id}).";
        using var manager = await ClientAsync("sam.patel");

        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel");
        await page.GotoAsync($"/partnerships/medway/funding/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move money between projects" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Move money between projects", Level = 1 })).ToBeVisibleAsync();
        await browser.CheckPageAsync("funding-virement");

        // The same project twice and a third decimal place: the service names both fields; what was typed stays.
        await page.GetByLabel("Move money from").SelectOptionAsync(new SelectOptionValue { Label = "Boxing club diversion sessions: £8,000.00, £8,000.00 unspent" });
        await page.GetByLabel("Move money to").SelectOptionAsync("1");
        await page.GetByLabel("Amount to move").FillAsync("£1,500.005");
        await page.GetByLabel("Reason").FillAsync(reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Request the virement" }).ClickAsync();
        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary.Locator("a[href='#toProjectId']")).ToContainTextAsync("Move money to must differ from the project the money comes from");
        await Assertions.Expect(summary.Locator("a[href='#amount']")).ToContainTextAsync("Amount to move");
        await Assertions.Expect(summary.Locator("a[href='#amount']")).ToContainTextAsync("decimal places");
        await Assertions.Expect(page.Locator("#toProjectId-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Amount to move")).ToHaveValueAsync("£1,500.005");
        await Assertions.Expect(page.GetByLabel("Reason")).ToHaveValueAsync(reason);
        await Assertions.Expect(page.GetByLabel("Move money from")).ToHaveValueAsync("1");
        await browser.CheckPageAsync("funding-virement-errors");
        Assert.Empty((await manager.GetFromJsonAsync<JsonObject>(api))!["variations"]!.AsArray()); // nothing stored

        await page.GetByLabel("Move money to").SelectOptionAsync("2");
        await page.GetByLabel("Amount to move").FillAsync("£1,500.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request the virement" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Virement requested");
        var row = page.Locator("#variations-table tbody tr").Filter(new() { HasText = reason });
        await Assertions.Expect(row).ToContainTextAsync("Move £1,500.00 from Boxing club diversion sessions to Town centre CCTV upgrade");
        await Assertions.Expect(row).ToContainTextAsync("Waiting for the funder's decision");
        await browser.CheckPageAsync("funding-virement-requested");
        var stored = (await manager.GetFromJsonAsync<JsonObject>(api))!["variations"]!.AsArray().Single()!;
        Assert.Equal(("virement", 1, 2, 150_000L), ((string)stored["kind"]!, (int)stored["fromProjectId"]!, (int)stored["toProjectId"]!, (long)stored["amount"]!["pence"]!));

        // The funder's finance officer sees the virement with both projects named and approves it: the money moves.
        await using var financeBrowser = await platform.NewSessionAsync();
        var finance = financeBrowser.Page;
        await financeBrowser.SignInAsync("tom.fletcher");
        await finance.GotoAsync($"{Funder}/allocations/medway/{id}");
        var variation = finance.Locator(".govuk-summary-list__row", new() { HasText = "Variation 1" });
        await Assertions.Expect(variation).ToContainTextAsync("Move £1,500.00 from “Boxing club diversion sessions” (project 1, approved: £8,000.00, £0.00 spent) to “Town centre CCTV upgrade” (project 2, approved: £5,000.00, £0.00 spent).");
        await Assertions.Expect(variation).ToContainTextAsync(reason);
        await financeBrowser.CheckPageAsync("funding-virement-to-decide");
        await variation.GetByRole(AriaRole.Button, new() { Name = "Approve variation 1" }).ClickAsync();
        await Assertions.Expect(finance.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Variation 1 approved and applied.");
        await Assertions.Expect(finance.Locator("tr", new() { HasText = "Boxing club diversion sessions" })).ToContainTextAsync("£6,500.00");
        await Assertions.Expect(finance.Locator("tr", new() { HasText = "Town centre CCTV upgrade" })).ToContainTextAsync("£6,500.00");

        var after = (await manager.GetFromJsonAsync<JsonObject>(api))!;
        Assert.Equal([650_000L, 650_000L], after["projects"]!.AsArray().Select(p => (long)p!["amount"]!["pence"]!).ToArray());
        Assert.Equal(2_000_000L, (long)after["awarded"]!["pence"]!);
        await page.ReloadAsync();
        await Assertions.Expect(row).ToContainTextAsync("Approved");
        await Assertions.Expect(page.Locator("#projects tr").Filter(new() { HasText = "Town centre CCTV upgrade" })).ToContainTextAsync("£6,500.00");
    }

    [Fact]
    public async Task Board_member_and_partner_are_not_offered_the_virement_and_a_crafted_request_is_refused_by_the_service()
    {
        var (id, api) = await AllocationWithTwoApprovedProjectsAsync("2018-19");
        using var manager = await ClientAsync("sam.patel");
        var version = (await manager.GetAsync(api)).Headers.ETag!.Tag;

        await using (var browser = await platform.NewSessionAsync())
        {
            var page = browser.Page;
            await browser.SignInAsync("olivia.grant");
            await page.GotoAsync($"/partnerships/medway/funding/{id}");
            await Assertions.Expect(page.Locator("#totals")).ToContainTextAsync("£20,000.00");
            Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Move money between projects" }).CountAsync());
            await page.GotoAsync($"/partnerships/medway/funding/{id}/virements/new");
            await Assertions.Expect(page.Locator(".govuk-warning-text")).ToContainTextAsync("Only the partnership's manager can request a virement");
            Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Request the virement" }).CountAsync());
            await browser.CheckPageAsync("funding-virement-not-offered");
            await page.EvaluateAsync(@"action => {
                const token = document.querySelector('input[name=__csrf]').value;
                const form = document.createElement('form');
                form.method = 'post';
                form.action = action;
                for (const [name, value] of [['__csrf', token], ['FromProjectId', '1'], ['ToProjectId', '2'], ['Amount', '4,000.00'], ['Reason', 'Asked by the board']]) {
                    const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }", $"/partnerships/medway/funding/{id}/virements/new");
            await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("You do not have permission");
        }

        await using (var browser = await platform.NewSessionAsync())
        {
            var page = browser.Page;
            await browser.SignInAsync("chloe.bennett");
            var response = await page.GotoAsync($"/partnerships/medway/funding/{id}/virements/new");
            Assert.Equal(403, response!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        }

        // The service refuses both directly too, and nothing was written.
        foreach (var user in new[] { "olivia.grant", "chloe.bennett" })
        {
            using var client = await ClientAsync(user);
            var crafted = await client.PostAsJsonAsync($"{api}/variations", new { kind = "virement", fromProjectId = 1, toProjectId = 2, amount = "4000.00", reason = "Crafted" });
            Assert.Equal(403, (int)crafted.StatusCode);
        }
        Assert.Equal(version, (await manager.GetAsync(api)).Headers.ETag!.Tag);
        Assert.Empty((await manager.GetFromJsonAsync<JsonObject>(api))!["variations"]!.AsArray());
    }

    [Fact]
    public async Task Two_finance_officers_decide_projects_at_once_and_the_second_sees_what_changed_keeping_what_they_typed()
    {
        var (id, api) = await AllocationWithTwoApprovedProjectsAsync("2017-18", approve: false);
        using var colleague = await ClientAsync("tom.fletcher");
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");

        // 1. A colleague approves project 2 while this officer is deciding project 1: the 412 page shows the new commitment
        //    and keeps the decision and reasons; sending again succeeds.
        await page.GotoAsync($"{Funder}/allocations/medway/{id}/projects/1");
        await page.GetByLabel("Reject the project").CheckAsync();
        await page.GetByLabel("Reasons").FillAsync("Duplicates the youth service's own sessions.");
        Assert.True((await SendAsync(colleague, $"{api}/projects/2/decision", new { approve = true }, api)).IsSuccessStatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).ClickAsync();
        var banner = page.Locator(".govuk-notification-banner");
        await Assertions.Expect(banner).ToContainTextAsync("Someone else changed this allocation");
        await Assertions.Expect(banner).ToContainTextAsync("£5,000.00 committed of £20,000.00");
        await Assertions.Expect(page.GetByLabel("Reject the project")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Reasons")).ToHaveValueAsync("Duplicates the youth service's own sessions.");
        await browser.CheckPageAsync("funding-project-decision-conflict");
        Assert.Equal("submitted", (string)(await colleague.GetFromJsonAsync<JsonObject>(api))!["projects"]![0]!["status"]!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Project 1 rejected, with your reason.");

        // 2. Both decide project 3: the colleague first. The second sees who decided and how, and what they had typed.
        await SubmitProjectAsync(api, "Street pastors", "1000.00");
        await page.GotoAsync($"{Funder}/allocations/medway/{id}/projects/3");
        await page.GetByLabel("Approve the project").CheckAsync();
        await page.GetByLabel("Reasons").FillAsync("Good value: volunteers, small costs.");
        Assert.True((await SendAsync(colleague, $"{api}/projects/3/decision", new { approve = false, reason = "Funded by the churches already." }, api)).IsSuccessStatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).ClickAsync();
        await Assertions.Expect(banner).ToContainTextAsync("The project is now rejected (decided by tom.fletcher: Funded by the churches already.)");
        await Assertions.Expect(page.Locator("#typed-decision")).ToHaveTextAsync("Approve the project, with the reasons:");
        await Assertions.Expect(page.Locator("#typed-reason")).ToHaveTextAsync("Good value: volunteers, small costs.");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Send the decision" }).CountAsync());
        await browser.CheckPageAsync("funding-project-decided-meanwhile");
        Assert.Equal("rejected", (string)(await colleague.GetFromJsonAsync<JsonObject>(api))!["projects"]![2]!["status"]!);
    }

    [Fact]
    public async Task A_tranche_released_while_another_officer_cancels_it_shows_the_release_keeps_the_reason_and_the_service_refuses_the_cancellation()
    {
        var (id, api) = await AllocationWithTwoApprovedProjectsAsync("2017-18");
        using var colleague = await ClientAsync("tom.fletcher");
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("tom.fletcher");
        await page.GotoAsync($"{Funder}/allocations/medway/{id}/tranches/1/cancel");
        await page.GetByLabel("Why it is cancelled").FillAsync("The partnership asked to defer the first half.");
        Assert.True((await SendAsync(colleague, $"{api}/tranches/1/release", new { }, api)).IsSuccessStatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the tranche" }).ClickAsync();
        var banner = page.Locator(".govuk-notification-banner");
        await Assertions.Expect(banner).ToContainTextAsync("Someone else changed this allocation");
        await Assertions.Expect(banner).ToContainTextAsync("The tranche is now released (released on");
        await Assertions.Expect(page.GetByLabel("Why it is cancelled")).ToHaveValueAsync("The partnership asked to defer the first half.");
        await browser.CheckPageAsync("funding-cancel-tranche-conflict");

        // Sent again with the new version, the service's rule decides: a released tranche is not cancelled.
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the tranche" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("only a scheduled tranche is cancelled");
        await Assertions.Expect(page.GetByLabel("Why it is cancelled")).ToHaveValueAsync("The partnership asked to defer the first half.");
        Assert.Equal(["released", "scheduled"], (await colleague.GetFromJsonAsync<JsonObject>(api))!["tranches"]!.AsArray().Select(t => (string)t!["status"]!).ToArray());
    }

    /// <summary>A programme and a confirmed £20,000.00 allocation of Medway's of its own, with a schedule of two halves and two
    /// projects (£8,000.00 and £5,000.00), approved by the funder unless <paramref name="approve"/> is false.</summary>
    private async Task<(string Id, string Api)> AllocationWithTwoApprovedProjectsAsync(string year, bool approve = true)
    {
        var id = "pgaps-" + Guid.NewGuid().ToString("N")[..10];
        var api = $"/api/partnerships/medway/funding/allocations/{id}";
        using var finance = await ClientAsync("tom.fletcher");
        (await finance.PostAsJsonAsync("/api/funders/kent-pcc/programmes", new { id, title = "Night safety fund " + id, year, pot = "20000.00" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync("/api/partnerships/medway/funding/allocations", new { programmeId = id, amount = "20000.00" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"{api}/confirm", new { panelDate = "2017-02-02", panelReference = "Panel item " + id })).EnsureSuccessStatusCode();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{api}/schedule")
               { Content = JsonContent.Create(new { tranches = new[] { new { label = "First half", amount = "10000.00" }, new { label = "Second half", amount = "10000.00" } } }) })
            (await finance.SendAsync(put)).EnsureSuccessStatusCode();
        await SubmitProjectAsync(api, "Boxing club diversion sessions", "8000.00");
        await SubmitProjectAsync(api, "Town centre CCTV upgrade", "5000.00");
        if (approve)
            foreach (var project in new[] { 1, 2 })
                Assert.True((await SendAsync(finance, $"{api}/projects/{project}/decision", new { approve = true }, api)).IsSuccessStatusCode);
        return (id, api);
    }

    private async Task SubmitProjectAsync(string api, string title, string amount)
    {
        using var manager = await ClientAsync("sam.patel");
        var submitted = await manager.PostAsJsonAsync($"{api}/projects", new { title, leadAgencyId = "medway-council", amount, measures = new[] { "People reached" } });
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
    }

    /// <summary>A write with the allocation's current ETag as If-Match (read just before).</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, object body, string recordPath)
    {
        using var read = await client.GetAsync(recordPath);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
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
