using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Csp.BuildingBlocks.Time;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Csp.Portal.Tests;

/// <summary>The board's journeys in Chromium through the real gateway and services: the dashboard, making and reading a
/// quarter's governance pack (a snapshot that later changes do not alter), printing it on A4 and its CSV; and who may not.</summary>
[Collection(PortalPlatform.Collection)]
public sealed class BoardJourneyTests(PortalPlatform platform, ITestOutputHelper output)
{
    private const string Medway = "/partnerships/medway";

    [Fact]
    public async Task Board_member_opens_the_dashboard_makes_the_quarters_pack_and_a_later_change_does_not_alter_it()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("olivia.grant");
        await page.GetByRole(AriaRole.Link, new() { Name = "Board dashboard for Medway Community Safety Partnership" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Board dashboard", Exact = true })).ToBeVisibleAsync();
        await browser.CheckPageAsync("board-dashboard");

        // The scorecard: the value, the RAG in words with its reason, trends in words (135 → 138 referrals is within chance),
        // a sparkline with an accessible name and its figures in "show data"; the board sees unpublished KPIs, marked.
        var referrals = page.Locator("tr[data-kpi='cfo-hub-referrals']");
        await Assertions.Expect(referrals.Locator("td").First).ToContainTextAsync("138");
        await Assertions.Expect(referrals.Locator(".csp-rag")).ToHaveTextAsync("Green");
        await Assertions.Expect(referrals).ToContainTextAsync("better than target");
        await Assertions.Expect(referrals.Locator(".csp-trend").First).ToContainTextAsync("No significant change");
        await Assertions.Expect(referrals.Locator("svg[role=img]")).ToHaveAttributeAsync("aria-label", new Regex("to 138 in 2023-Q1"));
        await referrals.GetByText("Show data").ClickAsync();
        await Assertions.Expect(referrals.Locator("details table")).ToContainTextAsync("2022-Q4");
        await Assertions.Expect(page.Locator("tr[data-kpi='cfo-engaging-participants']")).ToContainTextAsync("Not published");

        // Actions by RAG per priority and strand, overdue actions, the heat map as a table of the matrix, top risks, funding.
        await Assertions.Expect(page.Locator("table.csp-action-rag").First.Locator("thead")).ToContainTextAsync("Red");
        await Assertions.Expect(page.Locator("#overdue")).ToContainTextAsync("overdue");
        var heat = page.Locator("table.csp-heat-map");
        await Assertions.Expect(heat.Locator("th[scope=row]")).ToHaveCountAsync(6); // the default council matrix: A to F
        Assert.True(await heat.Locator("td[data-rating]").CountAsync() == 24);
        await Assertions.Expect(page.Locator("#top-risks tbody tr").First).ToBeVisibleAsync();
        var funding = page.Locator("#funding");
        Assert.True(await funding.GetByText("Not available").CountAsync() > 0 || await funding.Locator("td", new() { HasText = "£" }).CountAsync() > 0,
            "the funding panel shows the position or says it is not available");

        // Server time of the dashboard (gateway + portal + the services it calls), from the browser's navigation timing.
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            await page.ReloadAsync();
            times.Add(await page.EvaluateAsync<double>("() => { const n = performance.getEntriesByType('navigation')[0]; return n.responseStart - n.requestStart; }"));
        }
        times.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MEASURE board dashboard server time (medway, 7 loads): p50 {times[3]:0.0} ms, min {times[0]:0.0} ms, max {times[^1]:0.0} ms"));

        // One click makes the quarter's pack: the quarter just ended is offered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Governance packs" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Governance packs", Exact = true })).ToBeVisibleAsync();
        await browser.CheckPageAsync("packs");
        var quarter = FinancialQuarter.Containing(UkTime.Today(TimeProvider.System)).Previous.ToString();
        await Assertions.Expect(page.GetByLabel("Quarter")).ToHaveValueAsync(quarter);
        var clock = Stopwatch.StartNew();
        await page.GetByRole(AriaRole.Button, new() { Name = "Make the governance pack" }).ClickAsync();
        await page.WaitForURLAsync($"**{Medway}/packs/{quarter}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Governance pack " + quarter })).ToBeVisibleAsync();
        clock.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MEASURE governance pack made, stored and shown (medway, one click to the pack page): {clock.Elapsed.TotalMilliseconds:0} ms"));
        await Assertions.Expect(page.Locator(".csp-snapshot")).ToContainTextAsync("Olivia Grant");
        await Assertions.Expect(page.Locator("tr[data-kpi='cfo-hub-referrals'] td").First).ToContainTextAsync("138");
        await browser.CheckPageAsync("pack");

        // Later, a new quarter's referrals are recorded: the dashboard shows them, the stored pack does not change.
        using (var manager = await ManagerClientAsync())
        {
            var recorded = await manager.PostAsJsonAsync("/api/partnerships/medway/kpis/cfo-hub-referrals/measurements", new { period = "2023-Q2", value = 171 });
            Assert.True(recorded.IsSuccessStatusCode, await recorded.Content.ReadAsStringAsync());
        }
        await page.GotoAsync(Medway + "/board");
        await Assertions.Expect(page.Locator("tr[data-kpi='cfo-hub-referrals'] td").First).ToContainTextAsync("171");
        await page.GotoAsync($"{Medway}/packs/{quarter}");
        var packRow = page.Locator("tr[data-kpi='cfo-hub-referrals']");
        await Assertions.Expect(packRow.Locator("td").First).ToContainTextAsync("138");
        await Assertions.Expect(packRow).Not.ToContainTextAsync("171");

        // A CSV per table, from the stored pack.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the scorecard (CSV)" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!, Encoding.UTF8)).Select(l => l.TrimStart('\uFEFF')).ToList();
        Assert.StartsWith("Priority,KPI code,KPI,Published,Period,Value,Target,RAG,Reason", lines[0]);
        Assert.Contains(lines, l => l.Contains(",cfo-hub-referrals,", StringComparison.Ordinal) && l.Contains(",2023-Q1,138,125,Green,", StringComparison.Ordinal));
        foreach (var (link, header) in new[] { ("Download actions by RAG (CSV)", "Priority,Strand,Red"), ("Download the heat map (CSV)", "Rating,Likelihood,Impact"),
                     ("Download the top risks (CSV)", "Risk id,Risk,"), ("Download overdue actions (CSV)", "Action id,Action,") })
        {
            var file = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = link }).ClickAsync());
            Assert.StartsWith(header, (await File.ReadAllLinesAsync((await file.PathAsync())!))[0].TrimStart('\uFEFF'));
        }

        // Printed: no navigation, each section on a new A4 page, the "show data" figures printed.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator(".govuk-service-navigation")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".govuk-footer")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("tr[data-kpi='cfo-hub-referrals'] details table")).ToBeVisibleAsync();
        Assert.Equal("page", await page.Locator("#actions").EvaluateAsync<string>("e => getComputedStyle(e).breakBefore"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(PortalPlatform.ScreenshotDirectory, "pack-print.png"), FullPage = true });
        var pdf = await page.PdfAsync(new() { Path = Path.Combine(PortalPlatform.ScreenshotDirectory, "pack.pdf"), Format = "A4", PrintBackground = true, PreferCSSPageSize = true });
        var pages = Regex.Matches(Encoding.Latin1.GetString(pdf), @"/Type\s*/Page\b").Count;
        output.WriteLine($"The pack prints on {pages} A4 pages (.data/screenshots/portal/pack.pdf)");
        Assert.True(pages >= 6, $"each of the six sections starts a new page; the PDF has {pages}");
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        // A pack is made once: asking again for the same quarter stores nothing and says so.
        await page.GotoAsync(Medway + "/packs");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Governance pack " + quarter })).ToBeVisibleAsync();
        await page.GetByLabel("Quarter").FillAsync(quarter);
        await page.GetByRole(AriaRole.Button, new() { Name = "Make the governance pack" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("has been made already");
        await browser.CheckPageAsync("packs-made-already");
        await page.GotoAsync($"{Medway}/packs/{quarter}");
        await Assertions.Expect(page.Locator("tr[data-kpi='cfo-hub-referrals'] td").First).ToContainTextAsync("138");
    }

    [Fact]
    public async Task A_quarter_that_is_not_a_quarter_or_has_not_started_is_refused_against_the_field()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("sam.patel"); // the manager may make packs too
        await page.GotoAsync(Medway + "/packs");
        await page.GetByLabel("Quarter").FillAsync("Q2 please");
        await page.GetByRole(AriaRole.Button, new() { Name = "Make the governance pack" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#quarter']")).ToContainTextAsync("Enter the quarter");
        await Assertions.Expect(page.GetByLabel("Quarter")).ToHaveValueAsync("Q2 please");
        await browser.CheckPageAsync("packs-errors");

        var next = FinancialQuarter.Containing(UkTime.Today(TimeProvider.System));
        next = new FinancialQuarter(next.Quarter == 4 ? next.Year + 1 : next.Year, next.Quarter == 4 ? 1 : next.Quarter + 1);
        await page.GetByLabel("Quarter").FillAsync(next.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Make the governance pack" }).ClickAsync();
        await Assertions.Expect(page.Locator("#quarter-error")).ToContainTextAsync("must have started");
        Assert.False(await platform.Redis.KeyExistsAsync($"portal:{{medway}}:pack:{next}"));
    }

    [Fact]
    public async Task Partner_is_not_offered_governance_packs_cannot_open_one_and_a_crafted_post_stores_nothing()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("chloe.bennett");
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Governance packs for Medway Community Safety Partnership" }).CountAsync());

        await page.GotoAsync(Medway + "/packs");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("packs-refused");
        var response = await page.GotoAsync(Medway + "/packs/2024-Q1");
        Assert.Equal(403, response!.Status);
        response = await page.GotoAsync(Medway + "/packs/2024-Q1/scorecard.csv");
        Assert.Equal(403, response!.Status);

        await page.GotoAsync(Medway + "/my-actions");
        await page.EvaluateAsync(@"() => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/partnerships/medway/packs';
            for (const [name, value] of [['__csrf', token], ['Quarter', '2024-Q1']]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        Assert.False(await platform.Redis.KeyExistsAsync("portal:{medway}:pack:2024-Q1"));

        // A partner may read the figures the services let them read; the funding position is not among them.
        await page.GotoAsync(Medway + "/board");
        await Assertions.Expect(page.Locator("#funding")).ToContainTextAsync("Not available");
        await Assertions.Expect(page.Locator("tr[data-kpi='cfo-hub-referrals']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Admin_makes_the_quarters_pack_for_every_partnership_in_one_go_and_a_second_run_keeps_them()
    {
        const string Quarter = "2023-Q3";
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("alex.morgan"); // *:admin
        await page.GetByRole(AriaRole.Link, new() { Name = "Every partnership's packs" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Governance packs for every partnership" })).ToBeVisibleAsync();
        await browser.CheckPageAsync("packs-every-partnership");

        var partnerships = await PartnershipIdsAsync("alex.morgan");
        Assert.Contains("medway", partnerships);
        await page.GetByLabel("Quarter").FillAsync(Quarter);
        await page.GetByRole(AriaRole.Button, new() { Name = "Make every partnership's pack" }).ClickAsync();
        await Assertions.Expect(page.Locator(".csp-packs-made h2")).ToHaveTextAsync($"{partnerships.Count} {(partnerships.Count == 1 ? "pack" : "packs")} made for {Quarter}");
        await browser.CheckPageAsync("packs-every-partnership-made");
        foreach (var id in partnerships)
            Assert.True(await platform.Redis.KeyExistsAsync($"portal:{{{id}}}:pack:{Quarter}"), $"{id}'s pack for {Quarter} is stored");

        // Each is the partnership's own pack, as its own button would have made it: the KPIs as at the quarter's end, who made it.
        await page.GotoAsync($"{Medway}/packs/{Quarter}");
        await Assertions.Expect(page.Locator(".csp-snapshot")).ToContainTextAsync("Alex Morgan");
        await Assertions.Expect(page.Locator("tr[data-kpi='cfo-hub-referrals']")).ToBeVisibleAsync();
        var stored = await platform.Redis.StringGetAsync($"portal:{{medway}}:pack:{Quarter}");

        // Asked again, nothing is remade: every pack is kept as it was.
        await page.GotoAsync("/partnerships/packs");
        await page.GetByLabel("Quarter").FillAsync(Quarter);
        await page.GetByRole(AriaRole.Button, new() { Name = "Make every partnership's pack" }).ClickAsync();
        await Assertions.Expect(page.Locator(".csp-packs-made h2")).ToHaveTextAsync($"0 packs made for {Quarter}");
        await Assertions.Expect(page.Locator(".csp-packs-made .govuk-panel__body")).ToContainTextAsync($"{partnerships.Count} made already, 0 not made");
        Assert.Equal(stored, await platform.Redis.StringGetAsync($"portal:{{medway}}:pack:{Quarter}"));

        // A quarter that is not one is refused against the field.
        await page.GetByLabel("Quarter").FillAsync("next spring");
        await page.GetByRole(AriaRole.Button, new() { Name = "Make every partnership's pack" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary a[href='#quarter']")).ToContainTextAsync("Enter the quarter");
    }

    [Fact]
    public async Task A_board_member_of_one_partnership_may_not_make_every_partnerships_packs_and_a_crafted_post_stores_nothing()
    {
        await using var browser = await platform.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync("olivia.grant"); // medway:board only
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Every partnership's packs" }).CountAsync());
        var response = await page.GotoAsync("/partnerships/packs");
        Assert.Equal(403, response!.Status);

        await page.GotoAsync(Medway + "/packs");
        await page.EvaluateAsync(@"() => {
            const token = document.querySelector('input[name=__csrf]').value;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = '/partnerships/packs';
            for (const [name, value] of [['__csrf', token], ['Quarter', '2023-Q2']]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have permission to see this page" })).ToBeVisibleAsync();
        Assert.False(await platform.Redis.KeyExistsAsync("portal:{medway}:pack:2023-Q2"));
    }

    private async Task<List<string>> PartnershipIdsAsync(string user)
    {
        using var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        var list = await client.GetFromJsonAsync<JsonArray>("/api/partnerships");
        return list!.Select(p => (string)p!["id"]!).ToList();
    }

    private async Task<HttpClient> ManagerClientAsync()
    {
        var client = new HttpClient { BaseAddress = platform.GatewayAddress };
        var token = await (await client.PostAsJsonAsync("/dev/token", new { user = "sam.patel" })).Content.ReadFromJsonAsync<JsonObject>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)token!["access_token"]!);
        return client;
    }
}
