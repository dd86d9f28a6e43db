using Csp.Kpi.Domain.Imports;

namespace Csp.Kpi.Tests.Domain.Imports;

public class StreetLevelCrimesTests
{
    private const string Medway = "E22000900";
    private const string Header = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

    private static readonly Dictionary<string, string> Map = new()
    {
        ["anti-social-behaviour"] = "ASB",
        ["Criminal damage and arson"] = "CRIMINAL-DAMAGE",
        ["Drugs"] = "DRUGS",
        ["violent-crime"] = "VIOLENCE",
    };

    private static LsoaLookup Lookup() => LsoaLookup.Parse(Samples.Read("lsoa21-csp23-lookup.csv")).Lookup!;

    private static IReadOnlyList<(int Line, string Field)> Faults(ImportResult result) => result.Problems.Select(p => (p.Line, p.Field)).ToList();

    private static string Row(string id, string month, string lsoa, string crimeType, string longitude = "0.523", string latitude = "51.389") =>
        $"{id},{month},Kent Police,Kent Police,{longitude},{latitude},On or near High Street,{lsoa},Some LSOA,{crimeType},,\n";

    [Fact]
    public void The_CSP_rows_are_counted_by_crime_type_and_month_through_the_LSOA_lookup()
    {
        var result = StreetLevelCrimes.Aggregate(Samples.Read("street-kent-2024-03-to-04.csv"), Lookup(), Medway, Map);

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal(
        [
            (22, "ASB", "2024-04", 1m), (12, "CRIMINAL-DAMAGE", "2024-03", 3m), (29, "CRIMINAL-DAMAGE", "2024-04", 2m),
            (6, "DRUGS", "2024-03", 2m), (34, "DRUGS", "2024-04", 2m),
        ], result.Rows.Select(r => (r.Line, r.KpiCode, r.Period, r.Value)));
        Assert.All(result.Rows, r => Assert.Equal((null, null, StreetLevelCrimes.SourceText), (r.Numerator, r.Denominator, r.Source)));
        Assert.Equal("3 row(s) of Criminal damage and arson in Medway (E22000900)", result.Rows[1].Note);
    }

    [Fact]
    public void Rows_with_no_LSOA_outside_the_lookup_of_another_CSP_or_an_unmapped_crime_type_are_skipped_and_summarised()
    {
        var result = StreetLevelCrimes.Aggregate(Samples.Read("street-kent-2024-03-to-04.csv"), Lookup(), Medway, Map);

        Assert.True(result.Ok);
        Assert.Equal((40, 10, 30), (result.Summary.DataRows, result.Summary.UsedRows, result.Summary.SkippedCount));
        Assert.Equal(
        [
            new SkippedRows(StreetLevelCrimes.SkippedNoLsoa, 10, 2),
            new SkippedRows(StreetLevelCrimes.SkippedOtherCsp, 12, 4),
            new SkippedRows(StreetLevelCrimes.SkippedLsoaNotInLookup, 5, 7),
            new SkippedRows("crime type 'Public order' is not mapped to a KPI", 2, 10),
            new SkippedRows("crime type 'Burglary' is not mapped to a KPI", 1, 25),
        ], result.Summary.Skipped);
    }

    [Fact]
    public void Aggregating_the_same_file_twice_gives_the_same_rows()
    {
        var csv = Samples.Read("street-kent-2024-03-to-04.csv");

        var first = StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, Map);
        var second = StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, Map);

        Assert.Equal(first.Rows, second.Rows);
        Assert.Equal(first.Summary.Skipped, second.Summary.Skipped);
    }

    [Fact]
    public void Crime_types_match_by_CSV_name_or_API_id_ignoring_case_and_types_mapped_to_one_code_add_up()
    {
        var csv = Header
            + Row("", "2024-03", "E01016010", "Anti-social behaviour")
            + Row("a1", "2024-03", "E01016011", "Violence and sexual offences")
            + Row("a2", "2024-03", "E01016012", "PUBLIC ORDER")
            + Row("a3", "2024-03", "E01016013", "Drugs");
        var map = new Dictionary<string, string> { ["ANTI-SOCIAL-BEHAVIOUR"] = "ASB", ["violent-crime"] = "DISORDER", ["public-order"] = "DISORDER", ["drugs"] = "DRUGS" };

        var result = StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, map);

        Assert.Equal([("ASB", 1m), ("DISORDER", 2m), ("DRUGS", 1m)], result.Rows.Select(r => (r.KpiCode, r.Value)));
        Assert.Equal("2 row(s) of PUBLIC ORDER, Violence and sexual offences in Medway (E22000900)", result.Rows[1].Note);
    }

    [Fact]
    public void A_crime_listed_twice_is_counted_once_while_incidents_with_no_Crime_ID_all_count()
    {
        var csv = Header
            + Row("", "2024-03", "E01016010", "Anti-social behaviour")
            + Row("", "2024-03", "E01016010", "Anti-social behaviour")
            + Row("c0ffee", "2024-03", "E01016010", "Drugs")
            + Row("C0FFEE", "2024-03", "E01016010", "Drugs");

        var result = StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, Map);

        Assert.Equal([("ASB", 2m), ("DRUGS", 1m)], result.Rows.Select(r => (r.KpiCode, r.Value)));
        Assert.Equal([new SkippedRows(StreetLevelCrimes.SkippedRepeatedCrimeId, 1, 5)], result.Summary.Skipped);
    }

    [Fact]
    public void Months_either_side_of_the_financial_year_end_stay_their_own_months()
    {
        var csv = Header + Row("", "2024-03", "E01016010", "Drugs") + Row("", "2024-04", "E01016010", "Drugs");

        Assert.Equal(["2024-03", "2024-04"], StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, Map).Rows.Select(r => r.Period));
    }

    [Fact]
    public void Every_bad_row_is_reported_whatever_its_CSP_and_no_partial_counts_are_returned()
    {
        var csv = Header
            + Row("", "2024-03", "E01016010", "Drugs")                    // 2 fine
            + Row("", "2024-3", "E01016010", "Drugs")                     // 3 month
            + Row("", "March 2024", "E01024410", "Drugs")                 // 4 month, Maidstone
            + Row("", "2024-13", "", "Drugs", "", "")                     // 5 month, no location
            + Row("", "", "E01016010", "Drugs")                           // 6 month missing
            + Row("", "2024-03", "E01016010", "")                         // 7 crime type missing
            + Row("", "2024-03", "E0101601", "Drugs")                     // 8 LSOA code
            + Row("", "2024-03", "E01016010", "Drugs", "east", "51.3")    // 9 longitude
            + Row("", "2024-03", "E01016010", "Drugs", "0.5", "91")       // 10 latitude
            + "x,2024-03,Kent Police\n"                                   // 11 short row
            + Row("", "2024/03", "E01016010", "")                         // 12 month and crime type
            + Row("", "2024-04", "E01016010", "Anti-social behaviour");   // 13 fine

        var result = StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, Map);

        Assert.Equal(
        [
            (3, "Month"), (4, "Month"), (5, "Month"), (6, "Month"), (7, "Crime type"), (8, "LSOA code"), (9, "Longitude"),
            (10, "Latitude"), (11, "columns"), (12, "Month"), (12, "Crime type"),
        ], Faults(result));
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void A_file_without_the_published_columns_is_refused_on_line_1()
    {
        // The outcomes file of data.police.uk has no crime type.
        var outcomes = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\nx,2024-03,Kent Police,Kent Police,,,,,,Local resolution\n";

        var result = StreetLevelCrimes.Aggregate(outcomes, Lookup(), Medway, Map);

        Assert.Equal([(1, "Crime type"), (1, "Last outcome category"), (1, "Context")], Faults(result));
    }

    [Fact]
    public void Columns_may_come_in_any_order_with_extra_ones_ignored()
    {
        var csv = "crime type,LSOA CODE,Month,Crime ID,Reported by,Falls within,Longitude,Latitude,Location,LSOA name,Last outcome category,Context,Extra\n"
            + "Drugs,E01016010,2024-03,,Kent Police,Kent Police,,,,,,,x\n";

        Assert.Equal(("DRUGS", "2024-03", 1m), StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, Map).Rows.Select(r => (r.KpiCode, r.Period, r.Value)).Single());
    }

    [Fact]
    public void A_file_with_nothing_for_the_CSP_is_a_problem_that_says_what_was_skipped()
    {
        var csv = Header + Row("", "2024-03", "E01024410", "Drugs") + Row("", "2024-03", "", "Drugs", "", "");

        var result = StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, Map);

        Assert.Equal([(0, "cspCode")], Faults(result));
        Assert.Contains("1 × LSOA in another CSP", result.Problems[0].Message);
        Assert.Equal(2, result.Summary.SkippedCount);
    }

    [Fact]
    public void Bad_arguments_are_problems_naming_the_argument()
    {
        var csv = Samples.Read("street-kent-2024-03-to-04.csv");

        Assert.Equal([(0, "cspCode")], Faults(StreetLevelCrimes.Aggregate(csv, Lookup(), "", Map)));
        Assert.Equal([(0, "cspCode")], Faults(StreetLevelCrimes.Aggregate(csv, Lookup(), "E22000999", Map)));
        Assert.Equal([(0, "kpiCodeByCrimeType")], Faults(StreetLevelCrimes.Aggregate(csv, Lookup(), Medway, new Dictionary<string, string>())));
        Assert.Equal([(0, "kpiCodeByCrimeType")], Faults(StreetLevelCrimes.Aggregate(csv, Lookup(), Medway,
            new Dictionary<string, string> { ["Drugs"] = "DRUGS", ["drugs"] = "OTHER" })));
    }

    [Fact]
    public void The_CSP_code_matches_ignoring_case()
    {
        Assert.Equal(5, StreetLevelCrimes.Aggregate(Samples.Read("street-kent-2024-03-to-04.csv"), Lookup(), " e22000900 ", Map).Rows.Count);
    }
}
