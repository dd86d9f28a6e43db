// THROWAWAY: the signatures the imports helper is writing, so the import endpoint compiles before their parsers are
// merged. The lead deletes this file at merge. MeasurementCsv here is a tiny stub (kpiCode,period,value[,numerator,denominator,source,note]).
using System.Globalization;

namespace Csp.Kpi.Domain.Imports;

public sealed record ImportedMeasurement(int Line, string KpiCode, string Period, decimal Value, decimal? Numerator, decimal? Denominator, string Source, string? Note);
public sealed record ImportProblem(int Line, string Field, string Message);
public sealed record ImportResult(IReadOnlyList<ImportedMeasurement> Rows, IReadOnlyList<ImportProblem> Problems) { public bool Ok => Problems.Count == 0; }

public static class MeasurementCsv
{
    public static ImportResult Parse(string csv)
    {
        var rows = new List<ImportedMeasurement>();
        var problems = new List<ImportProblem>();
        var lines = csv.Replace("\r\n", "\n").Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var f = lines[i].Split(',');
            decimal? Opt(int k) => f.Length > k && f[k].Length > 0 ? decimal.Parse(f[k], CultureInfo.InvariantCulture) : null;
            if (f.Length < 3 || !decimal.TryParse(f[2], NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            {
                problems.Add(new ImportProblem(i + 1, "value", "is not a number"));
                continue;
            }
            rows.Add(new ImportedMeasurement(i + 1, f[0], f[1], value, Opt(3), Opt(4), f.Length > 5 && f[5].Length > 0 ? f[5] : "csv import", f.Length > 6 && f[6].Length > 0 ? f[6] : null));
        }
        return new ImportResult(rows, problems);
    }
}

public static class PoliceRecordedCrimeTable
{
    public static ImportResult Aggregate(string csv, string cspName, IReadOnlyDictionary<string, string> kpiCodeByOffenceGroup, decimal? population) =>
        throw new NotImplementedException("placeholder: the imports helper's parser replaces this file");
}

public static class StreetLevelCrimes
{
    public static ImportResult Aggregate(string csv, LsoaLookup lookup, string cspCode, IReadOnlyDictionary<string, string> kpiCodeByCrimeType) =>
        throw new NotImplementedException("placeholder: the imports helper's parser replaces this file");
}

public sealed record LsoaLookupResult(LsoaLookup? Lookup, IReadOnlyList<ImportProblem> Problems);

public sealed class LsoaLookup
{
    public static LsoaLookupResult Parse(string csv) => throw new NotImplementedException("placeholder: the imports helper's parser replaces this file");
}
