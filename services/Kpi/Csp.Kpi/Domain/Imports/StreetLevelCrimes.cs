using System.Text.RegularExpressions;

namespace Csp.Kpi.Domain.Imports;

/// <summary>
/// A data.police.uk street-level crime CSV (one row per crime or anti-social behaviour incident, one file per force and
/// month; several may be joined under one header). <see cref="Aggregate"/> places each row's LSOA in a CSP through the
/// <see cref="LsoaLookup"/>, keeps the rows of one CSP and counts them by KPI code and month (docs/kpi-imports.md).
/// </summary>
public static partial class StreetLevelCrimes
{
    public const string CrimeId = "Crime ID";
    public const string Month = "Month";
    public const string ReportedBy = "Reported by";
    public const string FallsWithin = "Falls within";
    public const string Longitude = "Longitude";
    public const string Latitude = "Latitude";
    public const string Location = "Location";
    public const string LsoaCode = "LSOA code";
    public const string LsoaName = "LSOA name";
    public const string CrimeType = "Crime type";
    public const string LastOutcomeCategory = "Last outcome category";
    public const string Context = "Context";

    /// <summary>The published columns, all required, in any order; other columns are ignored.</summary>
    public static readonly IReadOnlyList<string> Columns =
        [CrimeId, Month, ReportedBy, FallsWithin, Longitude, Latitude, Location, LsoaCode, LsoaName, CrimeType, LastOutcomeCategory, Context];

    public const string SourceText = "data.police.uk street-level crime";

    public const string SkippedNoLsoa = "no LSOA code (a crime with no location)";
    public const string SkippedLsoaNotInLookup = "LSOA not in the lookup";
    public const string SkippedOtherCsp = "LSOA in another CSP";
    public const string SkippedRepeatedCrimeId = "Crime ID already counted";

    /// <summary>
    /// Counts the rows of the CSP <paramref name="cspCode"/> (E22…) per KPI code and month. The map's keys are crime
    /// types as the CSV writes them (<c>Anti-social behaviour</c>) or as the data.police.uk API names them
    /// (<c>anti-social-behaviour</c>), ignoring case; crime types mapped to one code are added together. Rows with no
    /// LSOA, an LSOA the lookup does not hold or one of another CSP, a crime type not in the map, or a Crime ID already
    /// counted are skipped and counted in the summary, not errors. Every row is checked whatever its CSP.
    /// </summary>
    public static ImportResult Aggregate(string csv, LsoaLookup lookup, string cspCode, IReadOnlyDictionary<string, string> kpiCodeByCrimeType)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(kpiCodeByCrimeType);
        var problems = new List<ImportProblem>();
        var wanted = cspCode?.Trim() ?? "";
        if (wanted.Length == 0) problems.Add(new ImportProblem(0, "cspCode", "is required: the CSP's ONS code, e.g. E22000123"));
        else if (lookup.CspName(wanted) is null) problems.Add(new ImportProblem(0, "cspCode", $"the LSOA lookup places no LSOA in {wanted}"));
        var map = ReadMap(kpiCodeByCrimeType, problems);

        var table = CsvTable.Open(csv, Columns, [], unknownColumnsAllowed: true, problems);
        if (table is null) return ImportResult.Failed(problems, ImportSummary.Empty);

        var skipped = new SkipTally();
        var counts = new Dictionary<(string Code, string Month), Count>();
        var crimeIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var used = 0;
        foreach (var row in table.Rows)
        {
            var before = problems.Count;
            void Fault(string field, string message) => problems.Add(new ImportProblem(row.Line, field, message));

            var month = row[Month];
            if (month.Length == 0) Fault(Month, "is required: a month such as 2024-03");
            else if (!ImportPeriods.IsMonth(month)) Fault(Month, $"'{month}' is not a month such as 2024-03");
            var crimeType = row[CrimeType];
            if (crimeType.Length == 0) Fault(CrimeType, "is required");
            var lsoa = row[LsoaCode];
            if (lsoa.Length > 0 && !LsoaLookup.IsLsoaCode(lsoa)) Fault(LsoaCode, $"'{lsoa}' is not an LSOA code such as E01016012");
            Coordinate(row, Longitude, 180m, Fault);
            Coordinate(row, Latitude, 90m, Fault);
            if (problems.Count > before) continue;

            if (lsoa.Length == 0) { skipped.Add(SkippedNoLsoa, row.Line); continue; }
            var csp = lookup.CspOf(lsoa);
            if (csp is null) { skipped.Add(SkippedLsoaNotInLookup, row.Line); continue; }
            if (!string.Equals(csp, wanted, StringComparison.OrdinalIgnoreCase)) { skipped.Add(SkippedOtherCsp, row.Line); continue; }
            if (!map.TryGetValue(CanonicalCrimeType(crimeType), out var code)) { skipped.Add($"crime type '{crimeType}' is not mapped to a KPI", row.Line); continue; }
            // Anti-social behaviour has no Crime ID; a crime that appears twice is counted once.
            var crimeId = row[CrimeId];
            if (crimeId.Length > 0 && !crimeIds.Add(crimeId)) { skipped.Add(SkippedRepeatedCrimeId, row.Line); continue; }

            used++;
            if (!counts.TryGetValue((code, month), out var count)) counts[(code, month)] = count = new Count(row.Line);
            count.Rows++;
            count.CrimeTypes.Add(crimeType);
        }

        var summary = new ImportSummary(table.DataRows, used, skipped.ToList());
        if (problems.Count == 0 && wanted.Length > 0 && used == 0)
            problems.Add(new ImportProblem(0, "cspCode", $"no row of the file is a mapped crime type in {wanted}; skipped: " +
                string.Join("; ", summary.Skipped.Select(s => $"{s.Count} × {s.Reason}"))));
        if (problems.Count > 0) return ImportResult.Failed(problems, summary);

        var cspName = lookup.CspName(wanted);
        var rows = counts.OrderBy(c => c.Key.Code, StringComparer.Ordinal).ThenBy(c => c.Key.Month, StringComparer.Ordinal)
            .Select(c => new ImportedMeasurement(c.Value.FirstLine, c.Key.Code, c.Key.Month, c.Value.Rows, null, null, SourceText,
                $"{c.Value.Rows} row(s) of {string.Join(", ", c.Value.CrimeTypes)} in {cspName} ({wanted.ToUpperInvariant()})"))
            .ToList();
        return new ImportResult(rows, []) { Summary = summary };
    }

    /// <summary>The crime types data.police.uk publishes: as the CSV writes them, and the API's category ids.</summary>
    public static readonly IReadOnlyDictionary<string, string> CrimeTypeByCategoryId = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["anti-social-behaviour"] = "Anti-social behaviour",
        ["bicycle-theft"] = "Bicycle theft",
        ["burglary"] = "Burglary",
        ["criminal-damage-arson"] = "Criminal damage and arson",
        ["drugs"] = "Drugs",
        ["other-crime"] = "Other crime",
        ["other-theft"] = "Other theft",
        ["possession-of-weapons"] = "Possession of weapons",
        ["public-order"] = "Public order",
        ["robbery"] = "Robbery",
        ["shoplifting"] = "Shoplifting",
        ["theft-from-the-person"] = "Theft from the person",
        ["vehicle-crime"] = "Vehicle crime",
        ["violent-crime"] = "Violence and sexual offences",
    };

    /// <summary>A crime type in one form for matching: the CSV's name (an API id becomes its name), upper case.</summary>
    private static string CanonicalCrimeType(string text)
    {
        var trimmed = text.Trim();
        return (CrimeTypeByCategoryId.TryGetValue(trimmed, out var name) ? name : trimmed).ToUpperInvariant();
    }

    private static Dictionary<string, string> ReadMap(IReadOnlyDictionary<string, string> kpiCodeByCrimeType, List<ImportProblem> problems)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, code) in kpiCodeByCrimeType.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(key)) { problems.Add(new ImportProblem(0, "kpiCodeByCrimeType", "a crime type is blank")); continue; }
            if (string.IsNullOrWhiteSpace(code)) { problems.Add(new ImportProblem(0, "kpiCodeByCrimeType", $"crime type '{key}' names no KPI code")); continue; }
            var canonical = CanonicalCrimeType(key);
            if (map.TryGetValue(canonical, out var other) && other != code.Trim())
            {
                problems.Add(new ImportProblem(0, "kpiCodeByCrimeType", $"crime type '{key}' is mapped to both {other} and {code.Trim()}"));
                continue;
            }
            map[canonical] = code.Trim();
        }
        if (kpiCodeByCrimeType.Count == 0) problems.Add(new ImportProblem(0, "kpiCodeByCrimeType", "maps no crime type to a KPI"));
        return map;
    }

    private static void Coordinate(CsvRow row, string column, decimal limit, Action<string, string> fault)
    {
        var text = row[column];
        if (text.Length == 0) return;
        if (!CoordinatePattern().IsMatch(text) || !decimal.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out var value) || Math.Abs(value) > limit)
            fault(column, $"'{text}' is not a {column.ToLowerInvariant()} in degrees between -{limit} and {limit}");
    }

    private sealed class Count(int firstLine)
    {
        public int FirstLine { get; } = firstLine;
        public int Rows { get; set; }
        public SortedSet<string> CrimeTypes { get; } = new(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\A-?[0-9]{1,3}(\.[0-9]{1,15})?\z")] private static partial Regex CoordinatePattern();
}
