using System.Globalization;
using System.Text;
using Csp.TestSupport;
using Xunit.Abstractions;

namespace Csp.Faults.Tests.Support;

/// <summary>
/// The figures of one case (writes sent, acknowledged, found, lost; events produced, delivered, duplicated; hostile
/// requests and their status histogram): printed to the test output and appended to the suite's summary file
/// (<c>.data/faults/summary.txt</c>, or <c>CSP_FAULTS_SUMMARY</c>), which `make test-faults` prints at the end.
/// </summary>
public sealed class Figures(string caseName)
{
    private readonly List<(string Name, string Value)> _rows = [];

    public static string SummaryPath { get; } = Environment.GetEnvironmentVariable("CSP_FAULTS_SUMMARY") is { Length: > 0 } path
        ? path
        : Path.Combine(RepoPaths.Root, ".data", "faults", "summary.txt");

    public Figures Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    public Figures Add(string name, string value)
    {
        _rows.Add((name, value));
        return this;
    }

    public static string Histogram(IEnumerable<KeyValuePair<string, int>> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"));

    /// <summary>Prints the figures (whether the case then passes or not).</summary>
    public void Report(ITestOutputHelper output)
    {
        var text = new StringBuilder();
        var topology = FaultPlatform.OnCluster ? "Redis Cluster of three masters" : "one redis-server";
        text.AppendLine(CultureInfo.InvariantCulture, $"== {caseName} ({topology}; {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z)");
        var width = _rows.Count == 0 ? 0 : _rows.Max(r => r.Name.Length);
        foreach (var (name, value) in _rows) text.AppendLine(CultureInfo.InvariantCulture, $"   {name.PadRight(width)}  {value}");
        var block = text.ToString();
        output.WriteLine(block);
        Console.Out.Write(block);
        Directory.CreateDirectory(Path.GetDirectoryName(SummaryPath)!);
        lock (typeof(Figures)) File.AppendAllText(SummaryPath, block);
    }
}
