namespace Csp.Kpi.Domain.Imports;

/// <summary>
/// One measurement an import produces, for the KPI service to check against its definitions and store.
/// <paramref name="Line"/> is the file line it came from (1-based, header = line 1); for an aggregated row it is the
/// first source line that contributed. <paramref name="Period"/> is canonical: <c>2023-04</c> (month),
/// <c>2023-Q1</c> (financial quarter, April-June 2023) or <c>2023-24</c> (financial year).
/// </summary>
public sealed record ImportedMeasurement(int Line, string KpiCode, string Period /* canonical: 2023-04 | 2023-Q1 | 2023-24 */,
    decimal Value, decimal? Numerator, decimal? Denominator, string Source, string? Note);

/// <summary>A fault in an import file: the line (1-based, header = line 1; 0 = the file or call as a whole), the
/// field (a column name as the file's format spells it, <c>csv</c> for syntax, <c>columns</c> for a row of the
/// wrong width, or an argument's name) and what is wrong in words.</summary>
public sealed record ImportProblem(int Line, string Field, string Message);

/// <summary>
/// The outcome of reading one file. <see cref="Ok"/> only when there is no problem; the KPI service stores nothing
/// otherwise. <see cref="Rows"/> of <see cref="MeasurementCsv"/> holds every row that was valid on its own even when
/// others were not (so the service can report its own checks of those rows in the same answer); the aggregating
/// importers return no rows at all when there is a problem, because a partial sum is a wrong number.
/// </summary>
public sealed record ImportResult(IReadOnlyList<ImportedMeasurement> Rows, IReadOnlyList<ImportProblem> Problems)
{
    public bool Ok => Problems.Count == 0;

    /// <summary>How many data rows the file had, how many fed the rows, and why the others were left out.</summary>
    public ImportSummary Summary { get; init; } = ImportSummary.Empty;

    internal static ImportResult Failed(IReadOnlyList<ImportProblem> problems, ImportSummary summary) =>
        new([], Ordered(problems)) { Summary = summary };

    /// <summary>Problems in file order (line, then the order they were found), so the same file gives the same list.</summary>
    internal static IReadOnlyList<ImportProblem> Ordered(IEnumerable<ImportProblem> problems) =>
        problems.Select((p, i) => (p, i)).OrderBy(x => x.p.Line).ThenBy(x => x.i).Select(x => x.p).ToList();
}

/// <summary>Data rows read (the header and blank lines not counted), rows used, and the rows left out by reason.</summary>
public sealed record ImportSummary(int DataRows, int UsedRows, IReadOnlyList<SkippedRows> Skipped)
{
    public static readonly ImportSummary Empty = new(0, 0, []);

    public int SkippedCount => Skipped.Sum(s => s.Count);
}

/// <summary>Rows left out for one reason (not errors): how many, and the first line, so a person can look.</summary>
public sealed record SkippedRows(string Reason, int Count, int FirstLine);

/// <summary>Counts skipped rows by reason in the order the reasons are first met.</summary>
internal sealed class SkipTally
{
    private readonly Dictionary<string, (int Count, int FirstLine)> _byReason = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Add(string reason, int line)
    {
        if (_byReason.TryGetValue(reason, out var seen)) { _byReason[reason] = (seen.Count + 1, seen.FirstLine); return; }
        _byReason[reason] = (1, line);
        _order.Add(reason);
    }

    public IReadOnlyList<SkippedRows> ToList() => _order.Select(r => new SkippedRows(r, _byReason[r].Count, _byReason[r].FirstLine)).ToList();
}
