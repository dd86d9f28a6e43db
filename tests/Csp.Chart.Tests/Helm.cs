using System.Collections.Concurrent;
using System.Diagnostics;
using Csp.TestSupport;

namespace Csp.Chart.Tests;

/// <summary>The chart and the tools that check it: Helm 4 (fetched by scripts/ensure-helm.sh) and promtool
/// (scripts/ensure-prometheus.sh). Renders are cached per argument list: the chart does not change during a run.</summary>
public static class Helm
{
    public static string ChartDir { get; } = Path.Combine(RepoPaths.Root, "charts", "csp-platform");

    /// <summary>The CI value files the chart is rendered with (ci/*-values.yaml), as paths relative to the chart.</summary>
    public static TheoryData<string> CiValueFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(ChartDir, "ci"), "*-values.yaml").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.Combine("ci", Path.GetFileName(file)));
        return data;
    }

    private static readonly Lazy<string> HelmPath = new(() => Tool("ensure-helm.sh"));
    private static readonly Lazy<string> PromtoolPath = new(() => Tool("ensure-prometheus.sh"));
    private static readonly ConcurrentDictionary<string, Lazy<ToolResult>> Renders = new();

    /// <summary><c>helm template</c> of the chart with the release name "csp" in namespace "csp".</summary>
    public static ToolResult Template(params string[] args) =>
        Renders.GetOrAdd(string.Join('\u0001', args), _ => new Lazy<ToolResult>(() =>
            Run(HelmPath.Value, ["template", "csp", ChartDir, "--namespace", "csp", .. args]))).Value;

    /// <summary>Renders and parses; fails the test with Helm's message if the render fails.</summary>
    public static Manifests Render(params string[] args)
    {
        var result = Template(args);
        Assert.True(result.ExitCode == 0, $"helm template {string.Join(' ', args)} failed:\n{result.Error}");
        return Manifests.Parse(result.Output);
    }

    /// <summary>A render that must fail; returns Helm's error text.</summary>
    public static string RenderFails(params string[] args)
    {
        var result = Template(args);
        Assert.True(result.ExitCode != 0, $"helm template {string.Join(' ', args)} rendered, but it must be refused");
        return result.Error;
    }

    public static ToolResult Lint(params string[] args) => Run(HelmPath.Value, ["lint", ChartDir, "--strict", .. args]);

    public static ToolResult Promtool(params string[] args) => Run(PromtoolPath.Value, args, ChartDir);

    private static string Tool(string script)
    {
        var result = Run("bash", [Path.Combine(RepoPaths.Root, "scripts", script)]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"scripts/{script} failed:\n{result.Error}");
        return result.Output.Trim().Split('\n')[^1];
    }

    private static ToolResult Run(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 5 minutes");
        }
        return new ToolResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}

public sealed record ToolResult(int ExitCode, string Output, string Error);
