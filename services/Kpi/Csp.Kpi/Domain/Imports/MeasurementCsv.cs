using System.Text.RegularExpressions;
using Csp.BuildingBlocks.Validation;

namespace Csp.Kpi.Domain.Imports;

/// <summary>
/// The platform's own CSV of measurements: one row per KPI and period (docs/kpi-imports.md).
/// Columns (any order, names ignoring case): <c>kpi_code</c>, <c>period</c>, <c>value</c> and <c>source</c> are
/// required; <c>numerator</c>, <c>denominator</c> and <c>note</c> may be left out. Any other column is an error (a
/// misspelt optional column would otherwise be dropped without a word). Every row is checked and every fault reported.
/// </summary>
public static partial class MeasurementCsv
{
    public const string KpiCode = "kpi_code";
    public const string Period = "period";
    public const string Value = "value";
    public const string Numerator = "numerator";
    public const string Denominator = "denominator";
    public const string Source = "source";
    public const string Note = "note";

    public const int MaxCodeLength = 64;
    public const int MaxSourceLength = 200;
    public const int MaxNoteLength = 2000;

    private static readonly string[] Required = [KpiCode, Period, Value, Source];
    private static readonly string[] Optional = [Numerator, Denominator, Note];

    public static ImportResult Parse(string csv)
    {
        var problems = new List<ImportProblem>();
        var table = CsvTable.Open(csv, Required, Optional, unknownColumnsAllowed: false, problems);
        if (table is null) return ImportResult.Failed(problems, ImportSummary.Empty);

        var rows = new List<ImportedMeasurement>();
        var firstLineOf = new Dictionary<(string Code, string Period), int>();
        foreach (var row in table.Rows)
        {
            var before = problems.Count;
            void Fault(string field, string message) => problems.Add(new ImportProblem(row.Line, field, message));

            var code = row[KpiCode];
            if (code.Length == 0) Fault(KpiCode, "is required");
            else if (code.Length > MaxCodeLength) Fault(KpiCode, $"must be at most {MaxCodeLength} characters");
            else if (!CodePattern().IsMatch(code)) Fault(KpiCode, $"'{code}' is not a KPI code: letters, digits, '.', '-' and '_', starting with a letter or digit");

            var period = row[Period];
            if (period.Length == 0) Fault(Period, $"is required: {ImportPeriods.Forms}");
            else if (!ImportPeriods.IsCanonical(period)) Fault(Period, $"'{period}' is not {ImportPeriods.Forms}");

            if (!ImportNumbers.TryDecimal(row[Value], out var value, out var valueError)) Fault(Value, valueError);

            var numerator = OptionalDecimal(row, Numerator, Fault);
            var denominator = OptionalDecimal(row, Denominator, Fault);
            var numeratorText = row[Numerator];
            var denominatorText = row[Denominator];
            if (numeratorText.Length > 0 && denominatorText.Length == 0) Fault(Denominator, "is required when a numerator is given");
            if (denominatorText.Length > 0 && numeratorText.Length == 0) Fault(Numerator, "is required when a denominator is given");
            if (denominator is <= 0) Fault(Denominator, "must be more than 0");

            var source = Text(row, Source, MaxSourceLength, required: true, Fault);
            var note = Text(row, Note, MaxNoteLength, required: false, Fault);

            if (problems.Count > before) continue;

            // Duplicates: the KPI code ignoring case, since "asb" and "ASB" in one file are a mistake either way.
            var key = (code.ToUpperInvariant(), period);
            if (firstLineOf.TryGetValue(key, out var first))
            {
                Fault(Period, $"{code} already has a row for {period} on line {first}: one row per KPI and period");
                continue;
            }
            firstLineOf[key] = row.Line;
            rows.Add(new ImportedMeasurement(row.Line, code, period, value, numerator, denominator, source!, note));
        }

        var summary = new ImportSummary(table.DataRows, rows.Count, []);
        return new ImportResult(rows, ImportResult.Ordered(problems)) { Summary = summary };
    }

    private static decimal? OptionalDecimal(CsvRow row, string column, Action<string, string> fault)
    {
        var text = row[column];
        if (text.Length == 0) return null;
        if (ImportNumbers.TryDecimal(text, out var number, out var error)) return number;
        fault(column, error);
        return null;
    }

    private static string? Text(CsvRow row, string column, int maxLength, bool required, Action<string, string> fault)
    {
        var text = row[column];
        if (text.Length == 0)
        {
            if (required) fault(column, "is required");
            return null;
        }
        if (text.Length > maxLength) fault(column, $"must be at most {maxLength} characters");
        else if (TextRules.ContainsMarkup(text)) fault(column, "must be plain text: markup such as <script> is not accepted");
        else if (TextRules.ContainsControlCharacters(text)) fault(column, "must not contain control characters");
        else return text;
        return null;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]*\z")] private static partial Regex CodePattern();
}
