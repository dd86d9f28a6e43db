using System.Globalization;
using System.Text.RegularExpressions;
using Csp.BuildingBlocks.Time;

namespace Csp.Kpi.Domain.Imports;

/// <summary>Which KPIs one offence group feeds: its count per quarter, its rate per 1,000 population, or both.</summary>
public sealed record OffenceGroupKpis(string OffenceGroup, string? CountCode, string? RatePer1000Code);

/// <summary>
/// The Home Office police recorded crime open data table at Community Safety Partnership level: one row per financial
/// year, quarter, CSP and offence code. <see cref="Aggregate(string,string,IReadOnlyList{OffenceGroupKpis},decimal?)"/>
/// keeps the rows of one CSP and sums <c>Offence Count</c> by KPI code and financial quarter (docs/kpi-imports.md).
/// </summary>
public static partial class PoliceRecordedCrimeTable
{
    public const string FinancialYearColumn = "Financial Year";
    public const string FinancialQuarterColumn = "Financial Quarter";
    public const string ForceName = "Force Name";
    public const string CspName = "CSP Name";
    public const string OffenceDescription = "Offence Description";
    public const string OffenceGroup = "Offence Group";
    public const string OffenceSubgroup = "Offence Subgroup";
    public const string OffenceCode = "Offence Code";
    public const string OffenceCount = "Offence Count";

    /// <summary>The published columns, all required, in any order; other columns are ignored.</summary>
    public static readonly IReadOnlyList<string> Columns =
        [FinancialYearColumn, FinancialQuarterColumn, ForceName, CspName, OffenceDescription, OffenceGroup, OffenceSubgroup, OffenceCode, OffenceCount];

    /// <summary>In the dictionary form of the map, a key "&lt;offence group&gt; per 1,000" (or "per 1000") names the
    /// KPI that gets the group's rate per 1,000 population; any other key names the KPI that gets the group's count.</summary>
    public const string RateKeySuffix = " per 1,000";
    private const string RateKeySuffixNoComma = " per 1000";

    public const string SourceText = "Home Office police recorded crime tables (CSP level)";

    /// <summary>Rates are rounded to this many decimal places (half away from zero); numerator and denominator keep the exact figures.</summary>
    public const int RateDecimals = 4;

    /// <summary>
    /// The map as a dictionary: offence group → count KPI code, and "&lt;offence group&gt; per 1,000" → rate KPI code
    /// (e.g. <c>{"Robbery": "ROBBERY", "Robbery per 1,000": "ROBBERY-RATE"}</c>). Keys match ignoring case.
    /// </summary>
    public static ImportResult Aggregate(string csv, string cspName, IReadOnlyDictionary<string, string> kpiCodeByOffenceGroup, decimal? population)
    {
        ArgumentNullException.ThrowIfNull(kpiCodeByOffenceGroup);
        // A group's count and rate keys make one entry; a group named twice for the same (e.g. "Robbery" and
        // "robbery") makes a second entry, which the typed form reports as mapped twice.
        var entries = new List<OffenceGroupKpis>();
        foreach (var (key, code) in kpiCodeByOffenceGroup.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var suffix = key.EndsWith(RateKeySuffix, StringComparison.OrdinalIgnoreCase) ? RateKeySuffix
                : key.EndsWith(RateKeySuffixNoComma, StringComparison.OrdinalIgnoreCase) ? RateKeySuffixNoComma : null;
            var group = (suffix is null ? key : key[..^suffix.Length]).Trim();
            var i = entries.FindIndex(e => string.Equals(e.OffenceGroup, group, StringComparison.OrdinalIgnoreCase)
                && (suffix is null ? e.CountCode is null : e.RatePer1000Code is null));
            if (i < 0) entries.Add(suffix is null ? new(group, code, null) : new(group, null, code));
            else entries[i] = suffix is null ? entries[i] with { CountCode = code } : entries[i] with { RatePer1000Code = code };
        }
        return Aggregate(csv, cspName, entries, population);
    }

    /// <summary>
    /// Keeps the rows whose <c>CSP Name</c> is <paramref name="cspName"/> (trimmed, ignoring case) and sums
    /// <c>Offence Count</c> per KPI code and quarter: a count row (value = the sum) for each group with a count code,
    /// and when <paramref name="population"/> is given a rate row (value = sum × 1,000 / population, numerator = sum,
    /// denominator = population) for each group with a rate code. Groups mapped to the same code are added together.
    /// Offence groups not in the map are skipped (counted in the summary), not errors. Every row of the file, whatever
    /// its CSP, is checked.
    /// </summary>
    public static ImportResult Aggregate(string csv, string cspName, IReadOnlyList<OffenceGroupKpis> kpis, decimal? population)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        var problems = new List<ImportProblem>();
        var map = CheckArguments(cspName, kpis, population, problems);
        var table = CsvTable.Open(csv, Columns, [], unknownColumnsAllowed: true, problems);
        if (table is null) return ImportResult.Failed(problems, ImportSummary.Empty);

        var wanted = cspName?.Trim() ?? "";
        var skipped = new SkipTally();
        var sums = new Dictionary<(string Code, FinancialQuarter Quarter), Sum>();
        var seenOffences = new Dictionary<(FinancialQuarter, string Csp, string Code), int>();
        var csps = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var used = 0;
        foreach (var row in table.Rows)
        {
            var before = problems.Count;
            void Fault(string field, string message) => problems.Add(new ImportProblem(row.Line, field, message));

            var year = ReadFinancialYear(row[FinancialYearColumn], Fault);
            var quarterNumber = ReadQuarter(row[FinancialQuarterColumn], Fault);
            var csp = row[CspName];
            if (csp.Length == 0) Fault(CspName, "is required");
            var group = row[OffenceGroup];
            if (group.Length == 0) Fault(OffenceGroup, "is required");
            if (!ImportNumbers.TryCount(row[OffenceCount], out var count, out var countError)) Fault(OffenceCount, countError);
            if (problems.Count > before) continue;

            var quarter = new FinancialQuarter(year!.Value.StartYear, quarterNumber!.Value);
            var offenceCode = row[OffenceCode];
            if (offenceCode.Length > 0 && !seenOffences.TryAdd((quarter, csp.ToUpperInvariant(), offenceCode.ToUpperInvariant()), row.Line))
            {
                Fault(OffenceCode, $"offence code {offenceCode} for {csp} in {quarter} is already on line {seenOffences[(quarter, csp.ToUpperInvariant(), offenceCode.ToUpperInvariant())]}: was a table pasted in twice?");
                continue;
            }

            csps.Add(csp);
            if (!string.Equals(csp, wanted, StringComparison.OrdinalIgnoreCase)) { skipped.Add("another CSP", row.Line); continue; }
            if (!map.TryGetValue(group, out var groupKpis)) { skipped.Add($"offence group '{group}' is not mapped to a KPI", row.Line); continue; }

            used++;
            if (groupKpis.Count is { } countCode) Add(sums, countCode, quarter, count, row.Line, group);
            if (groupKpis.Rate is { } rateCode && population is not null) Add(sums, rateCode, quarter, count, row.Line, group);
        }

        if (problems.Count == 0 && wanted.Length > 0 && !csps.Contains(wanted))
            problems.Add(new ImportProblem(0, CspName, csps.Count == 0
                ? "the file has no data rows"
                : $"no row is for the CSP '{wanted}'; the file has rows for {csps.Count} CSP(s) such as {string.Join(", ", csps.Take(5))}"));

        if (problems.Count == 0 && wanted.Length > 0 && used == 0 && csps.Contains(wanted))
            problems.Add(new ImportProblem(0, "kpiCodeByOffenceGroup",
                $"none of the mapped offence groups ({string.Join(", ", map.Keys.Order(StringComparer.Ordinal))}) is in the rows for {wanted}"));

        var summary = new ImportSummary(table.DataRows, used, skipped.ToList());
        if (problems.Count > 0) return ImportResult.Failed(problems, summary);

        var rateCodes = kpis.Select(k => k.RatePer1000Code).OfType<string>().Select(c => c.Trim()).ToHashSet(StringComparer.Ordinal);
        var rows = sums.OrderBy(s => s.Key.Code, StringComparer.Ordinal).ThenBy(s => s.Key.Quarter)
            .Select(s =>
            {
                var (code, quarter) = s.Key;
                var note = $"{s.Value.Rows} row(s) of offence group(s) {string.Join(", ", s.Value.Groups)}";
                return rateCodes.Contains(code)
                    ? new ImportedMeasurement(s.Value.FirstLine, code, quarter.ToString(), RatePer1000(s.Value.Total, population!.Value), s.Value.Total, population.Value, SourceText, note)
                    : new ImportedMeasurement(s.Value.FirstLine, code, quarter.ToString(), s.Value.Total, null, null, SourceText, note);
            })
            .ToList();
        return new ImportResult(rows, []) { Summary = summary };
    }

    /// <summary>count × 1,000 / population, rounded to <see cref="RateDecimals"/> places, half away from zero.</summary>
    public static decimal RatePer1000(decimal count, decimal population) =>
        Math.Round(count * 1000m / population, RateDecimals, MidpointRounding.AwayFromZero);

    private sealed class Sum(int firstLine)
    {
        public int FirstLine { get; } = firstLine;
        public decimal Total { get; set; }
        public int Rows { get; set; }
        public SortedSet<string> Groups { get; } = new(StringComparer.Ordinal);
    }

    private static void Add(Dictionary<(string, FinancialQuarter), Sum> sums, string code, FinancialQuarter quarter, long count, int line, string group)
    {
        if (!sums.TryGetValue((code, quarter), out var sum)) sums[(code, quarter)] = sum = new Sum(line);
        sum.Total += count;
        sum.Rows++;
        sum.Groups.Add(group);
    }

    private static Dictionary<string, (string? Count, string? Rate)> CheckArguments(string cspName, IReadOnlyList<OffenceGroupKpis> kpis, decimal? population, List<ImportProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(cspName)) problems.Add(new ImportProblem(0, "cspName", "is required: the CSP Name as the table writes it, e.g. Medway"));
        if (population is <= 0) problems.Add(new ImportProblem(0, "population", "must be more than 0"));

        var map = new Dictionary<string, (string? Count, string? Rate)>(StringComparer.OrdinalIgnoreCase);
        var countCodes = new HashSet<string>(StringComparer.Ordinal);
        var rateCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in kpis)
        {
            var group = k.OffenceGroup?.Trim() ?? "";
            var count = string.IsNullOrWhiteSpace(k.CountCode) ? null : k.CountCode.Trim();
            var rate = string.IsNullOrWhiteSpace(k.RatePer1000Code) ? null : k.RatePer1000Code.Trim();
            if (group.Length == 0) { problems.Add(new ImportProblem(0, "kpiCodeByOffenceGroup", "an offence group is blank")); continue; }
            if (count is null && rate is null) { problems.Add(new ImportProblem(0, "kpiCodeByOffenceGroup", $"offence group '{group}' names no KPI code")); continue; }
            if (!map.TryAdd(group, (count, rate))) { problems.Add(new ImportProblem(0, "kpiCodeByOffenceGroup", $"offence group '{group}' is mapped twice")); continue; }
            if (count is not null) countCodes.Add(count);
            if (rate is not null) rateCodes.Add(rate);
        }
        if (kpis.Count == 0) problems.Add(new ImportProblem(0, "kpiCodeByOffenceGroup", "maps no offence group to a KPI"));
        foreach (var code in countCodes.Intersect(rateCodes).Order(StringComparer.Ordinal))
            problems.Add(new ImportProblem(0, "kpiCodeByOffenceGroup", $"KPI {code} cannot take both a count and a rate"));
        if (rateCodes.Count > 0 && population is null)
            problems.Add(new ImportProblem(0, "population", $"is required for the rate KPI(s) {string.Join(", ", rateCodes.Order(StringComparer.Ordinal))}"));
        return map;
    }

    /// <summary>The published form <c>2023/24</c>, or the platform's <c>2023-24</c>.</summary>
    private static FinancialYear? ReadFinancialYear(string text, Action<string, string> fault)
    {
        var m = FinancialYearPattern().Match(text);
        if (m.Success)
        {
            var start = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var end = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if ((start + 1) % 100 == end && start is >= ImportPeriods.FirstYear and <= ImportPeriods.LastYear) return new FinancialYear(start);
        }
        fault(FinancialYearColumn, text.Length == 0 ? "is required: a financial year such as 2023/24" : $"'{text}' is not a financial year such as 2023/24 (April 2023 to March 2024)");
        return null;
    }

    /// <summary>1 to 4 as published (1 = April-June), or Q1 to Q4.</summary>
    private static int? ReadQuarter(string text, Action<string, string> fault)
    {
        var m = QuarterPattern().Match(text);
        if (m.Success) return m.Groups[1].Value[0] - '0';
        fault(FinancialQuarterColumn, text.Length == 0 ? "is required: 1 to 4 (1 = April to June)" : $"'{text}' is not a quarter 1 to 4 (1 = April to June)");
        return null;
    }

    [GeneratedRegex(@"\A([0-9]{4})[/-]([0-9]{2})\z")] private static partial Regex FinancialYearPattern();
    [GeneratedRegex(@"\A[Qq]?([1-4])\z")] private static partial Regex QuarterPattern();
}
