namespace Csp.Chart.Tests;

/// <summary>Argument lists for renders.</summary>
public static class Values
{
    public static string[] Ci(string file, params string[] more) => ["-f", Path.Combine(Helm.ChartDir, file), .. more];

    public static string[] Minimal(params string[] more) => [.. Ci("ci/minimal-values.yaml"), .. more];

    /// <summary>The workload names a render deployed (each Deployment's app.kubernetes.io/name).</summary>
    public static string[] Workloads(Manifests rendered) =>
        rendered.OfKind("Deployment").Select(d => (string)d["metadata"]!["labels"]!["app.kubernetes.io/name"]!).Order(StringComparer.Ordinal).ToArray();
}
