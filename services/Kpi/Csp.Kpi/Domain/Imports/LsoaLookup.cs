using System.Text.RegularExpressions;

namespace Csp.Kpi.Domain.Imports;

/// <summary>What <see cref="LsoaLookup.Parse"/> found: the lookup, only when the file had no problem, and the problems.</summary>
public sealed record LsoaLookupResult(LsoaLookup? Lookup, IReadOnlyList<ImportProblem> Problems)
{
    public bool Ok => Problems.Count == 0 && Lookup is not null;
}

/// <summary>
/// The ONS lookup from Lower layer Super Output Areas to Community Safety Partnerships. ONS names its columns by
/// census and edition (<c>LSOA21CD, LSOA21NM, CSP23CD, CSP23NM</c>, often with <c>PFA23CD, PFA23NM, ObjectId</c>);
/// the header needs one column of each of the four kinds, matched by that pattern (any year, ignoring case) or by the
/// plain names <c>LSOA code, LSOA name, CSP code, CSP name</c>; other columns are ignored. Codes are checked
/// (LSOA <c>E01</c>/<c>W01</c> + 6 digits, CSP <c>E22</c>/<c>W22</c> + 6 digits); an LSOA listed twice with another
/// CSP, or a CSP code with two names, is a problem. The LSOA edition must match the street-level files': data.police.uk
/// writes the LSOA codes of its current edition.
/// </summary>
public sealed partial class LsoaLookup
{
    public const string LsoaCodeField = "LSOA code";
    public const string LsoaNameField = "LSOA name";
    public const string CspCodeField = "CSP code";
    public const string CspNameField = "CSP name";

    private readonly Dictionary<string, string> _cspByLsoa;
    private readonly Dictionary<string, string> _cspNames;

    private LsoaLookup(Dictionary<string, string> cspByLsoa, Dictionary<string, string> cspNames)
    {
        _cspByLsoa = cspByLsoa;
        _cspNames = cspNames;
    }

    /// <summary>How many LSOAs the lookup places.</summary>
    public int Count => _cspByLsoa.Count;

    public IReadOnlyCollection<string> CspCodes => _cspNames.Keys;

    /// <summary>The CSP code (E22…) of an LSOA, or null when the lookup does not hold it. Codes match ignoring case.</summary>
    public string? CspOf(string lsoaCode) => _cspByLsoa.GetValueOrDefault(lsoaCode.Trim());

    /// <summary>The CSP's name as the lookup writes it, or null.</summary>
    public string? CspName(string cspCode) => _cspNames.GetValueOrDefault(cspCode.Trim());

    public static bool IsLsoaCode(string text) => LsoaCodePattern().IsMatch(text);

    public static bool IsCspCode(string text) => CspCodePattern().IsMatch(text);

    public static LsoaLookupResult Parse(string csv)
    {
        var problems = new List<ImportProblem>();
        var document = CsvReader.Read(csv);
        problems.AddRange(document.Problems);
        if (document.Records.Count == 0)
        {
            problems.Add(new ImportProblem(1, CsvTable.HeaderField, "the file is empty: the first line must name the columns LSOA21CD, LSOA21NM, CSP23CD, CSP23NM (any edition)"));
            return new LsoaLookupResult(null, problems);
        }

        var header = document.Records[0];
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var kind = KindOf(header.Fields[i].Trim());
            if (kind is null) continue;
            if (!columns.TryAdd(kind, i))
                problems.Add(new ImportProblem(header.Line, kind, $"two columns hold the {kind} ('{header.Fields[columns[kind]].Trim()}' and '{header.Fields[i].Trim()}')"));
        }
        foreach (var kind in new[] { LsoaCodeField, LsoaNameField, CspCodeField, CspNameField }.Where(k => !columns.ContainsKey(k)))
            problems.Add(new ImportProblem(header.Line, kind, $"no column holds the {kind} (ONS writes e.g. {Example(kind)})"));
        if (problems.Any(p => p.Line == header.Line && p.Field != CsvReader.SyntaxField)) return new LsoaLookupResult(null, ImportResult.Ordered(problems));

        var cspByLsoa = new Dictionary<string, (string Csp, int Line)>(StringComparer.OrdinalIgnoreCase);
        var cspNames = new Dictionary<string, (string Name, int Line)>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in document.Records.Skip(1))
        {
            void Fault(string field, string message) => problems.Add(new ImportProblem(record.Line, field, message));
            if (record.Fields.Count != header.Fields.Count)
            {
                Fault(CsvTable.WidthField, $"has {record.Fields.Count} fields; the header has {header.Fields.Count}");
                continue;
            }
            var lsoa = record.Fields[columns[LsoaCodeField]].Trim();
            var csp = record.Fields[columns[CspCodeField]].Trim();
            var name = record.Fields[columns[CspNameField]].Trim();
            var before = problems.Count;
            if (!IsLsoaCode(lsoa)) Fault(LsoaCodeField, lsoa.Length == 0 ? "is required" : $"'{lsoa}' is not an LSOA code such as E01016012");
            if (!IsCspCode(csp)) Fault(CspCodeField, csp.Length == 0 ? "is required" : $"'{csp}' is not a CSP code such as E22000123");
            if (name.Length == 0) Fault(CspNameField, "is required");
            if (problems.Count > before) continue;

            if (cspByLsoa.TryGetValue(lsoa, out var placed))
            {
                if (!string.Equals(placed.Csp, csp, StringComparison.OrdinalIgnoreCase))
                    Fault(LsoaCodeField, $"{lsoa} is already placed in {placed.Csp} on line {placed.Line}");
            }
            else cspByLsoa[lsoa] = (csp.ToUpperInvariant(), record.Line);

            if (cspNames.TryGetValue(csp, out var named))
            {
                if (!string.Equals(named.Name, name, StringComparison.Ordinal))
                    Fault(CspNameField, $"{csp} is named '{named.Name}' on line {named.Line}");
            }
            else cspNames[csp] = (name, record.Line);
        }

        if (problems.Count > 0) return new LsoaLookupResult(null, ImportResult.Ordered(problems));
        if (cspByLsoa.Count == 0) return new LsoaLookupResult(null, [new ImportProblem(0, LsoaCodeField, "the file has no data rows")]);
        var lookup = new LsoaLookup(
            cspByLsoa.ToDictionary(e => e.Key, e => e.Value.Csp, StringComparer.OrdinalIgnoreCase),
            cspNames.ToDictionary(e => e.Key.ToUpperInvariant(), e => e.Value.Name, StringComparer.OrdinalIgnoreCase));
        return new LsoaLookupResult(lookup, []);
    }

    private static string? KindOf(string column)
    {
        var m = OnsColumnPattern().Match(column);
        if (m.Success)
        {
            var isLsoa = m.Groups[1].Value.Equals("LSOA", StringComparison.OrdinalIgnoreCase);
            var isCode = m.Groups[2].Value.Equals("CD", StringComparison.OrdinalIgnoreCase);
            return (isLsoa, isCode) switch
            {
                (true, true) => LsoaCodeField,
                (true, false) => LsoaNameField,
                (false, true) => CspCodeField,
                _ => CspNameField,
            };
        }
        return new[] { LsoaCodeField, LsoaNameField, CspCodeField, CspNameField }
            .FirstOrDefault(k => string.Equals(k, column, StringComparison.OrdinalIgnoreCase));
    }

    private static string Example(string kind) => kind switch
    {
        LsoaCodeField => "LSOA21CD",
        LsoaNameField => "LSOA21NM",
        CspCodeField => "CSP23CD",
        _ => "CSP23NM",
    };

    [GeneratedRegex(@"\A(LSOA|CSP)[0-9]{2}(CD|NM)\z", RegexOptions.IgnoreCase)] private static partial Regex OnsColumnPattern();
    [GeneratedRegex(@"\A[EW]01[0-9]{6}\z", RegexOptions.IgnoreCase)] private static partial Regex LsoaCodePattern();
    [GeneratedRegex(@"\A[EW]22[0-9]{6}\z", RegexOptions.IgnoreCase)] private static partial Regex CspCodePattern();
}
