using System.Globalization;
using System.Text.Json;
using Csp.ActionPlan;
using Csp.Funding;
using Csp.Gateway;
using Csp.Kpi;
using Csp.Portal;
using Csp.Risk;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using StackExchange.Redis;

namespace Csp.Portal.Tests;

/// <summary>
/// The platform as `make run` starts it, with the portal: the action-plan, risk and funding services with the demo data, the
/// gateway (development issuer on, the portal cluster pointing at the portal) and the portal calling the services back
/// through the gateway, all on real Kestrel ports of 127.0.0.1 over a keyspace of the test Redis. And one headless
/// Chromium (Debian's /usr/bin/chromium) driven by Playwright. Started once for the browser tests.
/// </summary>
public sealed class PortalPlatform : IAsyncLifetime
{
    public const string Collection = "portal";

    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Risk { get; private set; } = null!;
    public RunningApp Funding { get; private set; } = null!;
    public RunningApp Kpi { get; private set; } = null!;
    public RunningApp Portal { get; private set; } = null!;
    public WebApplication Gateway { get; private set; } = null!;
    public Uri GatewayAddress { get; private set; } = null!;
    public IDatabase Redis { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string AxeSource { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js"));

    /// <summary>Where screenshots go: <c>.data/screenshots/portal/</c> in the repository (a test artefact, not committed).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepoPaths.Root, ".data", "screenshots", "portal");

    public async Task InitializeAsync()
    {
        var keyspace = RedisServer.Instance.TakeKeyspace();
        Redis = keyspace.Redis;
        var settings = TestRedis.DemoSettings(keyspace);
        // The funding service asks the action plan over gRPC for the actions its demo projects deliver.
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, new Dictionary<string, string?>(settings)
        {
            [$"Auth:AllowedServiceCallers:{TestAuth.AllowedServiceCallers.Length}"] = "funding",
        });
        await Eventually.TrueAsync(async () => await Redis.SortedSetLengthAsync("actionplan:{medway}:actions") >= 30, "the demo actions are loaded", TimeSpan.FromSeconds(30));
        Risk = await RunningApp.StartAsync(RiskApp.Build, new Dictionary<string, string?>(settings)
        {
            ["DemoData:Path"] = RepoPaths.Demo("risks.json"),
            ["Risk:ActionPlanGrpc"] = ActionPlan.GrpcAddress.ToString(),
        });
        await Eventually.TrueAsync(async () => await Redis.SortedSetLengthAsync("risk:{medway}:risks") >= 6, "the demo risks are loaded", TimeSpan.FromSeconds(30));
        Funding = await RunningApp.StartAsync(FundingApp.Build, new Dictionary<string, string?>(settings)
        {
            ["DemoData:Path"] = RepoPaths.Demo("funding.json"),
            ["Funding:ActionPlanGrpc"] = ActionPlan.GrpcAddress.ToString(),
        });
        await FundingDemoLoadedAsync();
        Kpi = await RunningApp.StartAsync(KpiApp.Build, new Dictionary<string, string?>(settings)
        {
            ["DemoData:Path"] = RepoPaths.Demo("kpis.json"),
            ["Kpi:ActionPlanGrpc"] = ActionPlan.GrpcAddress.ToString(),
        });
        // Loaded once every KPI of the file has its file's measurements (the loader goes through them in order).
        var demoKpis = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("kpis.json")))!["partnerships"]![0]!["kpis"]!.AsArray()
            .Select(k => (Code: (string)k!["definition"]!["code"]!, Count: k["measurements"]?.AsArray().Count ?? 0)).ToList();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var (code, count) in demoKpis)
                if (await Redis.ListLengthAsync($"kpi:{{medway}}:m:{code}:log") < count) return false;
            return true;
        }, "the demo KPIs are loaded", TimeSpan.FromSeconds(60));

        var portalPort = FreePort.Next();
        GatewayAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        Gateway = GatewayApp.Build(["--environment=Testing"], builder =>
        {
            builder.WebHost.UseUrls(GatewayAddress.ToString().TrimEnd('/'));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["Ports:Management"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = ActionPlan.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:risk:Destinations:primary:Address"] = Risk.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:funding:Destinations:primary:Address"] = Funding.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = Kpi.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:portal:Destinations:primary:Address"] = $"http://127.0.0.1:{portalPort}",
                // A browser's page loads are anonymous to the gateway (the session is a cookie): let the tests' many through.
                ["RateLimiting:AnonymousPermitsPerMinute"] = "100000",
                ["RateLimiting:PermitsPerMinute"] = "100000",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await Gateway.StartAsync();

        Portal = await RunningApp.StartAsync(PortalApp.Build, new Dictionary<string, string?>(TestAuth.Configuration)
        {
            ["Redis:Configuration"] = settings["Redis:Configuration"],
            ["Redis:Database"] = settings["Redis:Database"],
            ["Redis:KeyPrefix"] = settings.GetValueOrDefault("Redis:KeyPrefix"),
            ["Ports:Management"] = "0",
            ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
            ["Portal:ApiBase"] = GatewayAddress.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        }, httpPort: portalPort);

        Directory.CreateDirectory(ScreenshotDirectory);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await WarmUpAsync();
    }

    /// <summary>
    /// The first page loads of a run pay for Chromium's first page, JIT-compiling the portal's and the gateway's request
    /// pipelines and each service's read path, and making the session key ring: CPU work that, on a loaded machine, took
    /// longer than a journey's 15 s step budget, so whichever journey ran first could fail (session 9: with
    /// <c>PORTAL_TEST_ORDER=7</c> at load ~115, <c>A_quarter_that_is_not_a_quarter_or_has_not_started_is_refused_against_the_field</c>,
    /// the first browser journey of that order). Paid here, once, with a generous budget, it is no journey's. Only reads
    /// (sign-in, My actions, the board dashboard). Writes each pass's time to stderr (<c>WARM-UP</c>): the cold pass
    /// against the warm one is the cost a first journey would otherwise carry.
    /// </summary>
    private async Task WarmUpAsync()
    {
        for (var pass = 1; pass <= 2; pass++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = GatewayAddress.ToString(), Locale = "en-GB" });
            context.SetDefaultTimeout(180_000);
            await using var session = new BrowserSession(this, context, await context.NewPageAsync());
            await session.SignInAsync("sam.patel");
            await session.Page.GotoAsync("/partnerships/medway/my-actions");
            await session.Page.GotoAsync("/partnerships/medway/board");
            Console.Error.WriteLine($"WARM-UP pass {pass}: {watch.ElapsedMilliseconds} ms (load {File.ReadAllText("/proc/loadavg").Trim()})");
        }
    }

    /// <summary>Every allocation of demo/funding.json is stored (each in one transaction, so its key means it is whole), and
    /// the funding service knows Medway (its copy from partnership.changed) so its partnership routes answer.</summary>
    private async Task FundingDemoLoadedAsync()
    {
        using var demo = JsonDocument.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("funding.json")));
        var keys = demo.RootElement.GetProperty("allocations").EnumerateArray()
            .Select(a => (RedisKey)$"funding:{{{a.GetProperty("partnershipId").GetString()}}}:allocation:{a.GetProperty("programmeId").GetString()}").ToList();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var key in keys)
                if (!await Redis.KeyExistsAsync(key)) return false;
            return await Redis.KeyExistsAsync("funding:{medway}:partnership");
        }, "the funding demo data has loaded", TimeSpan.FromSeconds(60));
    }

    /// <summary>A fresh browser context (no cookies) at desktop width, with the gateway as its base address.</summary>
    public async Task<BrowserSession> NewSessionAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = GatewayAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(this, context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Portal is not null) await Portal.DisposeAsync();
        if (Gateway is not null)
        {
            await Gateway.StopAsync();
            await Gateway.DisposeAsync();
        }
        if (Funding is not null) await Funding.DisposeAsync();
        if (Kpi is not null) await Kpi.DisposeAsync();
        if (Risk is not null) await Risk.DisposeAsync();
        if (ActionPlan is not null) await ActionPlan.DisposeAsync();
    }
}

/// <summary>One user's browser: every page it opens is checked with axe-core (no serious or critical violation), must
/// not break the Content-Security-Policy, and is photographed at desktop (1280) and phone (375) widths.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly PortalPlatform _platform;
    private readonly List<string> _cspViolations = [];

    public BrowserSession(PortalPlatform platform, IBrowserContext context, IPage page)
    {
        _platform = platform;
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) _cspViolations.Add(message.Text);
        };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public async Task SignInAsync(string userId)
    {
        await Page.GotoAsync("/sign-in");
        await Page.GetByLabel(DemoUserName(userId), new() { Exact = true }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
    }

    private static string DemoUserName(string userId)
    {
        using var users = JsonDocument.Parse(File.ReadAllText(RepoPaths.Demo("users.json")));
        return users.RootElement.GetProperty("users").EnumerateArray().First(u => u.GetProperty("id").GetString() == userId).GetProperty("name").GetString()!;
    }

    /// <summary>Checks the page now shown: axe-core finds no serious or critical violation, and nothing broke the CSP; then
    /// takes its screenshots as <paramref name="name"/>-desktop.png and -phone.png.</summary>
    public async Task CheckPageAsync(string name)
    {
        await Page.WaitForLoadStateAsync(LoadState.Load);
        await Page.EvaluateAsync(_platform.AxeSource);
        var result = await Page.EvaluateAsync<JsonElement>(
            "async () => { const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });" +
            " return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) })); }");
        var serious = result.EnumerateArray().Where(v => v.GetProperty("impact").GetString() is "serious" or "critical").Select(v => v.ToString()).ToList();
        Assert.True(serious.Count == 0, $"axe-core found serious or critical violations on {name} ({Page.Url}):\n{string.Join("\n", serious)}");
        Assert.True(_cspViolations.Count == 0, $"The page {name} broke the Content-Security-Policy:\n{string.Join("\n", _cspViolations)}");

        await Page.ScreenshotAsync(new() { Path = Path.Combine(PortalPlatform.ScreenshotDirectory, name + "-desktop.png"), FullPage = true });
        await Page.SetViewportSizeAsync(375, 800);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(PortalPlatform.ScreenshotDirectory, name + "-phone.png"), FullPage = true });
        await Page.SetViewportSizeAsync(1280, 900);
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}

[CollectionDefinition(PortalPlatform.Collection)]
public sealed class PortalCollection : ICollectionFixture<PortalPlatform>;
