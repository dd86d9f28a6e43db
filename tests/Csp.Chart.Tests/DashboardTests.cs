using System.Text.Json.Nodes;

namespace Csp.Chart.Tests;

/// <summary>The Grafana dashboards (dashboards/*.json) rendered as ConfigMaps for kube-prometheus-stack's Grafana sidecar.
/// Their queries are run against real metrics by tests/Csp.Observability.Tests (make test-observability).</summary>
public sealed class DashboardTests
{
    private static readonly string[] Files = Directory.GetFiles(Path.Combine(Helm.ChartDir, "dashboards"), "*.json").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Each_dashboard_file_is_a_config_map_labelled_for_the_grafana_sidecar_holding_the_file_as_it_is()
    {
        Assert.Equal(["board-overview.json", "pcc-finance.json", "platform-health.json"], Files.Select(Path.GetFileName));
        var maps = Helm.Render(Values.Minimal()).OfKind("ConfigMap").Where(m => m["metadata"]!["labels"]?["grafana_dashboard"] is not null).ToList();
        Assert.Equal(Files.Length, maps.Count);
        foreach (var file in Files)
        {
            var name = Path.GetFileName(file);
            var map = Assert.Single(maps, m => m["data"]?[name] is not null);
            Assert.Equal("1", (string?)map["metadata"]!["labels"]!["grafana_dashboard"]);
            Assert.Equal("CSP", (string?)map["metadata"]!["annotations"]!["grafana_folder"]);
            Assert.Equal(File.ReadAllText(file).TrimEnd('\n'), ((string)map["data"]![name]!).TrimEnd('\n'));
        }
    }

    [Fact]
    public void The_sidecar_label_is_configurable_and_the_dashboards_can_be_left_out()
    {
        var relabelled = Helm.Render(Values.Minimal("--set", "monitoring.dashboards.label=dashboards", "--set", "monitoring.dashboards.labelValue=csp"));
        Assert.Equal(Files.Length, relabelled.OfKind("ConfigMap").Count(m => (string?)m["metadata"]!["labels"]?["dashboards"] == "csp"));
        var without = Helm.Render(Values.Minimal("--set", "monitoring.dashboards.enabled=false"));
        Assert.DoesNotContain(without.OfKind("ConfigMap"), m => m.Name().Contains("-dashboard-", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_dashboard_has_a_unique_uid_a_datasource_variable_and_queries_in_every_panel()
    {
        var uids = new HashSet<string>();
        foreach (var file in Files)
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
            Assert.True(uids.Add((string)dashboard["uid"]!), $"{file}: duplicate uid");
            Assert.Contains(dashboard["templating"]!["list"]!.AsArray(), v => (string?)v!["type"] == "datasource" && (string?)v["name"] == "datasource");
            var panels = dashboard["panels"]!.AsArray().Where(p => (string?)p!["type"] != "row").ToList();
            Assert.NotEmpty(panels);
            Assert.All(panels, p => Assert.Contains(p!["targets"]!.AsArray(), t => !string.IsNullOrWhiteSpace((string?)t!["expr"])));
            Assert.All(panels, p => Assert.Equal("${datasource}", (string?)p!["datasource"]!["uid"]));
        }
    }

    [Fact]
    public void Lower_is_better_kpis_are_coloured_inverted_and_higher_is_better_ones_standard()
    {
        var board = JsonNode.Parse(File.ReadAllText(Path.Combine(Helm.ChartDir, "dashboards", "board-overview.json")))!;
        JsonNode Panel(string polarity) => Assert.Single(board["panels"]!.AsArray(), p => p!["targets"]?.AsArray().Any(t => ((string?)t!["expr"])?.Contains($"polarity=\"{polarity}\"", StringComparison.Ordinal) == true) == true)!;
        Assert.Equal("inverted", (string?)Panel("lower-is-better")["options"]!["percentChangeColorMode"]);
        Assert.Equal("standard", (string?)Panel("higher-is-better")["options"]!["percentChangeColorMode"]);
        Assert.True((bool)Panel("lower-is-better")["options"]!["showPercentChange"]!);
    }
}
