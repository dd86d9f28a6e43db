using Csp.TestSupport;
using Xunit.Abstractions;

namespace Csp.Observability.Tests;

/// <summary>
/// The proof that the dashboards are wired to real metrics: on the demo platform scraped by a real Prometheus (with the
/// chart's rule files), every panel's PromQL of every dashboard, its variables substituted (partnership=medway,
/// year=2024-25), must parse, and return at least one sample that is a number; and every metric it reads must exist
/// (so a query padded with "or vector(0)" cannot hide a metric that is gone). Only the queries listed in
/// <see cref="AllowedEmpty"/> may return nothing, each for the reason given. Bounded waits: traffic is sent and every
/// query retried until all answer, for at most <see cref="WithinTime"/>.
/// </summary>
public sealed class DashboardQueryTests(DemoPlatform platform, ITestOutputHelper output) : IClassFixture<DemoPlatform>
{
    private static readonly TimeSpan WithinTime = TimeSpan.FromSeconds(120);

    /// <summary>Queries that return nothing on a healthy demo platform, and why. Keys are "dashboard uid / panel title / refId".</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedEmpty = new Dictionary<string, string>
    {
        ["csp-platform-health / Redeliveries / A"] = "a healthy run delivers each event once: no duplicate, in-progress or failed delivery",
        ["csp-platform-health / Dead letters (24h) / A"] = "no handler fails on the demo data, so nothing is dead-lettered",
        ["csp-platform-health / Publish failures (1h) / A"] = "Redis accepts every publish",
        ["csp-platform-health / Unreadable records skipped (24h) / A"] = "every stored demo record is readable",
    };

    /// <summary>Metrics that only exist once something goes wrong (prometheus-net creates a labelled counter at its first
    /// increment), read by the allowed-empty panels above.</summary>
    private static readonly HashSet<string> MetricsOnlyOnTrouble = ["csp_events_publish_failures_total", "csp_unreadable_records_total"];

    public static TheoryData<string> DashboardFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Dashboards.Files()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(DashboardFiles))]
    public async Task Every_panel_query_returns_data_from_the_demo_platform(string file)
    {
        var queries = Dashboards.Queries(Path.Combine(Dashboards.Directory, file)).ToList();
        Assert.NotEmpty(queries);
        using var prometheus = new PrometheusApi(platform.PrometheusAddress);
        var deadline = DateTime.UtcNow + WithinTime;
        List<string> failures;
        while (true)
        {
            await platform.SendTrafficAsync();
            failures = [];
            foreach (var query in queries)
            {
                var (samples, error) = await prometheus.QueryAsync(query.Expr);
                if (error is not null) failures.Add($"{query.Key}: ERROR {error}\n    {query.Expr}");
                else if (!AllowedEmpty.ContainsKey(query.Key) && !samples.Any(s => !double.IsNaN(s.Value)))
                    failures.Add($"{query.Key}: {(samples.Count == 0 ? "no data" : "only NaN")}\n    {query.Expr}");
                foreach (var metric in Dashboards.MetricsIn(query.Expr).Where(m => !MetricsOnlyOnTrouble.Contains(m)))
                    if ((await prometheus.QueryAsync($"count({{__name__=\"{metric}\"}})")).Samples.Count == 0)
                        failures.Add($"{query.Key}: reads {metric}, which Prometheus has never scraped");
            }
            // A query that errors will not start working: fail at once.
            if (failures.Count == 0 || failures.Any(f => f.Contains(": ERROR ", StringComparison.Ordinal)) || DateTime.UtcNow > deadline) break;
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} waiting for {failures.Count} queries: {string.Join("; ", failures.Select(f => f.Split('\n')[0]))}");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        output.WriteLine($"{file}: {queries.Count} queries, {queries.Count(q => AllowedEmpty.ContainsKey(q.Key))} allowed to be empty");
        if (failures.Count > 0) platform.KeepWorkDirectory = true;
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {queries.Count} queries of {file} failed:\n{string.Join('\n', failures.Distinct())}\n\nLogs (kept in {platform.WorkDirectory}):\n{platform.LogTails()}");
    }

    [Fact]
    public void Every_allowed_empty_query_names_a_panel_that_exists()
    {
        var keys = Dashboards.Files().SelectMany(Dashboards.Queries).Select(q => q.Key).ToHashSet();
        Assert.All(AllowedEmpty.Keys, key => Assert.Contains(key, keys));
    }

    [Theory]
    [MemberData(nameof(DashboardFiles))]
    public async Task Every_variable_offers_the_value_the_queries_are_run_with(string file)
    {
        using var prometheus = new PrometheusApi(platform.PrometheusAddress);
        foreach (var variable in Dashboards.LabelVariables(Path.Combine(Dashboards.Directory, file)))
        {
            var offered = new List<string>();
            await Eventually.TrueAsync(async () =>
            {
                var (samples, error) = await prometheus.QueryAsync($"count by ({variable.Label}) ({variable.Metric})");
                Assert.Null(error);
                offered = samples.Select(s => (string?)s.Labels[variable.Label]).OfType<string>().ToList();
                return offered.Contains(Dashboards.Substitutions[variable.Name]);
            }, $"{variable.Dashboard}'s variable {variable.Name} offers {Dashboards.Substitutions[variable.Name]}", WithinTime);
            output.WriteLine($"{variable.Dashboard} ${variable.Name}: {string.Join(", ", offered.Order(StringComparer.Ordinal))}");
        }
    }

    [Fact]
    public async Task The_demo_update_round_kpi_polarity_and_outbox_age_are_exported_as_the_dashboards_read_them()
    {
        using var prometheus = new PrometheusApi(platform.PrometheusAddress);
        async Task<double> ValueAsync(string promql)
        {
            var value = double.NaN;
            await Eventually.TrueAsync(async () =>
            {
                var (samples, _) = await prometheus.QueryAsync(promql);
                if (samples.Count != 1) return false;
                value = samples[0].Value;
                return true;
            }, promql, WithinTime);
            return value;
        }
        // demo/actionplan.json: Medway's current-quarter round opened 14 days ago, deadline in 10 days, nothing updated since.
        Assert.True(await ValueAsync("max(csp_update_round_outstanding{partnership=\"medway\"})") > 0);
        Assert.Equal(0, await ValueAsync("max(csp_update_round_past_deadline{partnership=\"medway\"})"));
        // demo/kpis.json: ASB incidents are lower-is-better, CFO hub referrals higher-is-better.
        Assert.Equal(1, await ValueAsync("max(csp_kpi_info{partnership=\"medway\", kpi=\"asb-incidents\", polarity=\"lower-is-better\"})"));
        Assert.Equal(1, await ValueAsync("max(csp_kpi_info{partnership=\"medway\", kpi=\"cfo-hub-referrals\", polarity=\"higher-is-better\"})"));
        // Every outbox is emptied by the dispatcher: its oldest entry's age is 0.
        Assert.Equal(0, await ValueAsync("max(csp_outbox_oldest_age_seconds{service=\"actionplan\"})"));
    }

    [Fact]
    public async Task Prometheus_loads_the_chart_rule_files_and_evaluates_every_rule_without_error()
    {
        using var prometheus = new PrometheusApi(platform.PrometheusAddress);
        var files = Directory.GetFiles(Path.Combine(Dashboards.Directory, "..", "rules"), "*.rules.yaml").Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
        await Eventually.TrueAsync(async () =>
        {
            var groups = (await prometheus.RulesAsync())["groups"]!.AsArray();
            var loaded = groups.Select(g => Path.GetFullPath((string)g!["file"]!)).Distinct().Order(StringComparer.Ordinal).ToList();
            var rules = groups.SelectMany(g => g!["rules"]!.AsArray()).ToList();
            var failing = rules.Where(r => (string?)r!["health"] == "err").Select(r => $"{r!["name"]}: {r["lastError"]}").ToList();
            Assert.Empty(failing);
            return loaded.SequenceEqual(files) && rules.Count > 0 && rules.All(r => (string?)r!["health"] == "ok");
        }, "Prometheus has loaded and evaluated every rule of the chart's rule files", WithinTime);
    }
}
