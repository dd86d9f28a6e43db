using System.Text.RegularExpressions;
using Csp.TestSupport;

namespace Csp.Chart.Tests;

/// <summary>ServiceMonitors, the PrometheusRule and the rule files (checked and unit-tested with the real promtool).</summary>
public sealed partial class MonitoringTests
{
    /// <summary>Each rule file (rules/NAME.rules.yaml: platform, business) with its unit tests (rules-tests/NAME.test.yaml).</summary>
    public static TheoryData<string> RuleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var name in RuleNames) data.Add(name);
        return data;
    }

    private static readonly string[] RuleNames = Directory.GetFiles(Path.Combine(Helm.ChartDir, "rules"), "*.rules.yaml")
        .Select(f => Path.GetFileName(f)[..^".rules.yaml".Length]).Order(StringComparer.Ordinal).ToArray();

    private static string RulesFile(string name) => Path.Combine(Helm.ChartDir, "rules", name + ".rules.yaml");
    private static string RuleTestsFile(string name) => Path.Combine(Helm.ChartDir, "rules-tests", name + ".test.yaml");

    [Fact]
    public void Service_monitors_and_rules_carry_the_configurable_release_label_and_scrape_each_management_port()
    {
        var rendered = Helm.Render(Values.Minimal("--set", "monitoring.releaseLabel=prometheus-stack"));
        var monitors = rendered.OfKind("ServiceMonitor").ToList();
        Assert.Equal(rendered.OfKind("Deployment").Select(d => d.Name()).Order(StringComparer.Ordinal), monitors.Select(m => m.Name()).Order(StringComparer.Ordinal));
        foreach (var monitor in monitors)
        {
            Assert.Equal("prometheus-stack", (string?)monitor["metadata"]!["labels"]!["release"]);
            var service = rendered.Single("Service", monitor.Name());
            var selector = monitor["spec"]!["selector"].Labels();
            Assert.All(selector, s => Assert.Equal(s.Value, (string?)service["metadata"]!["labels"]![s.Key]));
            var endpoint = Assert.Single(monitor["spec"]!["endpoints"].Items());
            Assert.Equal("/metrics", (string?)endpoint["path"]);
            Assert.Contains(service["spec"]!["ports"].Items(), p => (string?)p["name"] == (string?)endpoint["port"] && (string?)endpoint["port"] == "management");
            // The job label is the workload's name, as the rules expect.
            var jobLabel = (string)monitor["spec"]!["jobLabel"]!;
            Assert.Equal((string?)service["metadata"]!["labels"]!["app.kubernetes.io/name"], (string?)service["metadata"]!["labels"]![jobLabel]);
        }
        var rules = rendered.OfKind("PrometheusRule").ToList();
        Assert.Equal(RuleNames.Length, rules.Count);
        Assert.All(rules, rule => Assert.Equal("prometheus-stack", (string?)rule["metadata"]!["labels"]!["release"]));
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void A_prometheus_rule_holds_the_groups_of_each_rule_file(string name)
    {
        var rule = Assert.Single(Helm.Render(Values.Minimal()).OfKind("PrometheusRule"), r => r.Name().EndsWith("-" + name, StringComparison.Ordinal));
        var rendered = rule["spec"]!["groups"].Items().Select(g => (string)g["name"]!);
        var file = Manifests.Parse(File.ReadAllText(RulesFile(name))).All.Single()["groups"].Items().Select(g => (string)g["name"]!);
        Assert.Equal(file, rendered);
    }

    [Fact]
    public void Without_the_prometheus_operator_pods_carry_scrape_annotations_for_their_management_port()
    {
        var rendered = Helm.Render(Values.Ci("ci/no-prometheus-operator-values.yaml"));
        Assert.Empty(rendered.OfKind("ServiceMonitor"));
        Assert.Empty(rendered.OfKind("PrometheusRule"));
        foreach (var deployment in rendered.OfKind("Deployment"))
        {
            var annotations = deployment.PodAnnotations();
            Assert.Equal("true", (string?)annotations["prometheus.io/scrape"]);
            var management = Assert.Single(deployment.Containers())["ports"].Items().Single(p => (string?)p["name"] == "management");
            Assert.Equal(management["containerPort"]!.ToString(), (string?)annotations["prometheus.io/port"]);
        }
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void Promtool_accepts_the_rule_files(string name)
    {
        var result = Helm.Promtool("check", "rules", RulesFile(name));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void The_rule_unit_tests_pass(string name)
    {
        var result = Helm.Promtool("test", "rules", RuleTestsFile(name));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
    }

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void Every_alert_has_a_unit_test_that_fires_it_and_a_later_one_that_resolves_it(string name)
    {
        var alerts = Manifests.Parse(File.ReadAllText(RulesFile(name))).All.Single()["groups"].Items()
            .SelectMany(g => g["rules"].Items()).Select(r => (string?)r["alert"]).OfType<string>().ToList();
        Assert.NotEmpty(alerts);
        var cases = Manifests.Parse(File.ReadAllText(RuleTestsFile(name))).All.Single()["tests"].Items()
            .SelectMany(t => t["alert_rule_test"].Items().Select(c => (Test: t, Alert: (string)c["alertname"]!, At: Duration((string)c["eval_time"]!), Fires: c["exp_alerts"].Items().Any())))
            .ToList();
        foreach (var alert in alerts)
            Assert.True(cases.Any(f => f.Alert == alert && f.Fires && cases.Any(r => r.Test == f.Test && r.Alert == alert && !r.Fires && r.At > f.At)),
                $"{alert} has no unit test that fires it and then resolves it");
    }

    [Fact]
    public void The_rules_use_only_metrics_the_code_exports()
    {
        var rules = string.Join('\n', RuleNames.Select(name => File.ReadAllText(RulesFile(name))));
        var used = MetricName().Matches(rules).Select(m => m.Value).Where(n => !n.StartsWith("csp:", StringComparison.Ordinal)).ToHashSet();
        Assert.Contains("csp_events_handled_total", used);
        Assert.Contains("csp_update_round_outstanding", used);
        var sources = Directory.GetFiles(Path.Combine(RepoPaths.Root, "services"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
        foreach (var metric in used.Where(n => n.StartsWith("csp_", StringComparison.Ordinal)))
            Assert.True(sources.Any(s => s.Contains($"\"{metric}\"", StringComparison.Ordinal)), $"{metric} is not created anywhere in services/");
        // prometheus-net's HTTP metrics (UseHttpMetrics) with the labels the rules read, as docs/operations.md lists them.
        var operations = RepoPaths.ReadText("docs", "operations.md");
        foreach (var metric in used.Where(n => n.StartsWith("http_", StringComparison.Ordinal)))
            Assert.Contains(Regex.Replace(metric, "_(bucket|count|sum)$", ""), operations);
    }

    private static TimeSpan Duration(string text) => text[^1] switch
    {
        'm' => TimeSpan.FromMinutes(int.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture)),
        'h' => TimeSpan.FromHours(int.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture)),
        's' => TimeSpan.FromSeconds(int.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new FormatException(text),
    };

    [GeneratedRegex("\\b(csp_[a-z_]+|http_request[a-z_]+)\\b")]
    private static partial Regex MetricName();
}
