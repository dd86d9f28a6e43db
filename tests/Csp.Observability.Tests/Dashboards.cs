using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Csp.TestSupport;

namespace Csp.Observability.Tests;

/// <summary>One query of one panel: the dashboard's uid, the panel's title, the target's refId and its PromQL.</summary>
public sealed record PanelQuery(string Dashboard, string Panel, string RefId, string Expr)
{
    public string Key => $"{Dashboard} / {Panel} / {RefId}";
}

/// <summary>A dashboard variable filled from <c>label_values(metric, label)</c>.</summary>
public sealed record LabelVariable(string Dashboard, string Name, string Metric, string Label);

/// <summary>The Grafana dashboards of the chart (charts/csp-platform/dashboards/*.json), read as Grafana reads them.</summary>
public static partial class Dashboards
{
    public static string Directory { get; } = Path.Combine(RepoPaths.Root, "charts", "csp-platform", "dashboards");

    /// <summary>What the test fills each variable with: the demo data's Medway and its 2024-25 funding year; Grafana's
    /// rate window as it is on a 15 s scrape interval.</summary>
    public static readonly IReadOnlyDictionary<string, string> Substitutions = new Dictionary<string, string>
    {
        ["partnership"] = "medway",
        ["year"] = "2024-25",
        ["__rate_interval"] = "1m",
        ["__interval"] = "15s",
        ["__range"] = "1h",
    };

    public static IEnumerable<string> Files() => System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal);

    public static JsonObject Read(string file) => (JsonObject)JsonNode.Parse(File.ReadAllText(file))!;

    /// <summary>Every query of every panel (rows' nested panels included), with the variables substituted.</summary>
    public static IEnumerable<PanelQuery> Queries(string file)
    {
        var dashboard = Read(file);
        var uid = (string)dashboard["uid"]!;
        foreach (var panel in Panels(dashboard["panels"]!.AsArray()))
            foreach (var target in panel["targets"]?.AsArray() ?? [])
                if (target?["expr"] is { } expr)
                    yield return new PanelQuery(uid, (string)panel["title"]!, (string)target["refId"]!, Substitute((string)expr!));
    }

    public static IEnumerable<LabelVariable> LabelVariables(string file)
    {
        var dashboard = Read(file);
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            if ((string?)variable!["type"] != "query") continue;
            var definition = (string)variable["definition"]!;
            var m = LabelValues().Match(definition);
            Assert.True(m.Success, $"variable {variable["name"]} of {dashboard["uid"]} is not label_values(metric, label): {definition}");
            yield return new LabelVariable((string)dashboard["uid"]!, (string)variable["name"]!, Substitute(m.Groups[1].Value), m.Groups[2].Value);
        }
    }

    private static IEnumerable<JsonNode> Panels(JsonArray panels)
    {
        foreach (var panel in panels)
        {
            if (panel is null) continue;
            yield return panel;
            if (panel["panels"] is JsonArray nested)
                foreach (var inner in Panels(nested)) yield return inner;
        }
    }

    /// <summary>Replaces <c>$name</c> and <c>${name}</c>; a variable the test does not know fails the test.</summary>
    public static string Substitute(string expr) => Variable().Replace(expr, m =>
    {
        var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
        return Substitutions.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"no value for the variable ${name} in {expr}");
    });

    /// <summary>The metric names a query reads (series names and recording rules), not functions, labels or keywords.</summary>
    public static IEnumerable<string> MetricsIn(string expr) =>
        MetricName().Matches(Regex.Replace(expr, "\\{[^}]*\\}", "{}")).Select(m => m.Value).Distinct();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"\Alabel_values\((.+),\s*([A-Za-z_][A-Za-z0-9_]*)\)\z")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\b(csp_[a-z_]+|csp:[a-z_:0-9]+|http_request[a-z_]+|up)\b")]
    private static partial Regex MetricName();
}
