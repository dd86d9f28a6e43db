using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain.Imports;

namespace Csp.Kpi.Domain;

/// <summary>The file formats the import endpoint reads (<c>POST .../kpis/imports/{kind}</c>).</summary>
public enum ImportKind { Measurements, PoliceRecordedCrime, StreetLevel }

/// <summary>
/// An import request: the file and, for the aggregating formats, what they need. <c>measurements</c>: <see cref="Csv"/>
/// only. <c>police-recorded-crime</c>: <see cref="CspName"/>, <see cref="KpiCodeByOffenceGroup"/> and optionally
/// <see cref="Population"/> (for rates per 1,000). <c>street-level</c>: <see cref="LsoaLookup"/> (the ONS LSOA → CSP
/// lookup file), <see cref="CspCode"/> and <see cref="KpiCodeByCrimeType"/>.
/// </summary>
public sealed record ImportDraft(
    string? Csv = null, string? CspName = null, IReadOnlyDictionary<string, string>? KpiCodeByOffenceGroup = null, decimal? Population = null,
    string? LsoaLookup = null, string? CspCode = null, IReadOnlyDictionary<string, string>? KpiCodeByCrimeType = null)
{
    public const int MaxChars = 4_000_000;

    /// <summary>Reads the file with the imports' parsers; problems in the request itself are <paramref name="errors"/>.</summary>
    public ImportResult? Read(ImportKind kind, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(Csv)) errors.Add("csv", "is required: the file's text");
        else if (Csv.Length > MaxChars) errors.Add("csv", $"must be at most {MaxChars} characters");
        switch (kind)
        {
            case ImportKind.PoliceRecordedCrime:
                if (string.IsNullOrWhiteSpace(CspName)) errors.Add("cspName", "is required: the CSP Name as the table writes it, e.g. Medway");
                if (KpiCodeByOffenceGroup is not { Count: > 0 }) errors.Add("kpiCodeByOffenceGroup", "is required: offence group → KPI code, e.g. {\"Robbery\": \"robbery\"}");
                if (Population is <= 0) errors.Add("population", "must be more than 0");
                if (!errors.IsEmpty) return null;
                return PoliceRecordedCrimeTable.Aggregate(Csv!, CspName!, KpiCodeByOffenceGroup!, Population);
            case ImportKind.StreetLevel:
                if (string.IsNullOrEmpty(LsoaLookup)) errors.Add("lsoaLookup", "is required: the ONS LSOA → CSP lookup file's text");
                if (string.IsNullOrWhiteSpace(CspCode)) errors.Add("cspCode", "is required: the CSP's ONS code, e.g. E22000123");
                if (KpiCodeByCrimeType is not { Count: > 0 }) errors.Add("kpiCodeByCrimeType", "is required: crime type → KPI code, e.g. {\"Anti-social behaviour\": \"asb-incidents\"}");
                if (!errors.IsEmpty) return null;
                var lookup = Imports.LsoaLookup.Parse(LsoaLookup!);
                if (lookup.Lookup is null || lookup.Problems.Count > 0)
                {
                    foreach (var p in lookup.Problems) errors.Add($"lsoaLookup.lines[{p.Line}].{p.Field}", p.Message);
                    if (errors.IsEmpty) errors.Add("lsoaLookup", "could not be read");
                    return null;
                }
                return StreetLevelCrimes.Aggregate(Csv!, lookup.Lookup, CspCode!, KpiCodeByCrimeType!);
            default:
                return errors.IsEmpty ? MeasurementCsv.Parse(Csv!) : null;
        }
    }
}

/// <summary>What an import did: rows read, measurements recorded new, revised (a value that changed), and left alone
/// because they said what is stored already (importing the same file twice changes nothing).</summary>
public sealed record ImportReport(ImportKind Kind, int Rows, int Recorded, int Revised, int Unchanged, IReadOnlyList<string> KpiCodes);

/// <summary>How import problems are named: <c>lines[3].value</c> (the file's line, then its column or field).</summary>
public static class ImportProblems
{
    public static string Field(int line, string field) => $"lines[{line}].{field}";
}
