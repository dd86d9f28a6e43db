using Csp.BuildingBlocks.Time;
using Csp.Kpi.Domain.Imports;

namespace Csp.Kpi.Tests.Domain.Imports;

public class PoliceRecordedCrimeTableTests
{
    private const string Header = "Financial Year,Financial Quarter,Force Name,CSP Name,Offence Description,Offence Group,Offence Subgroup,Offence Code,Offence Count\n";
    private const decimal MedwayPopulation = 282_700m;

    private static readonly Dictionary<string, string> RobberyAndViolence = new()
    {
        ["Robbery"] = "ROBBERY",
        ["Robbery per 1,000"] = "ROBBERY-RATE",
        ["Violence against the person"] = "VIOLENCE",
    };

    private static readonly Dictionary<string, string> RobberyCount = new() { ["Robbery"] = "ROBBERY" };

    private static IReadOnlyList<(int Line, string Field)> Faults(ImportResult result) => result.Problems.Select(p => (p.Line, p.Field)).ToList();

    private static string Row(string year, string quarter, string csp, string group, string code, string count) =>
        $"{year},{quarter},Kent,{csp},Some offence,{group},Some subgroup,{code},{count}\n";

    [Fact]
    public void The_CSP_rows_are_summed_by_offence_group_into_a_count_per_financial_quarter()
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway", RobberyCount, null);

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        // Robbery = robbery of personal property (34B) + of business property (34A); Line = the first row summed.
        Assert.Equal(
        [
            (2, "ROBBERY", "2022-Q4", 15m), (12, "ROBBERY", "2023-Q1", 12m), (22, "ROBBERY", "2023-Q2", 22m),
            (32, "ROBBERY", "2023-Q3", 10m), (42, "ROBBERY", "2023-Q4", 16m),
        ], result.Rows.Select(r => (r.Line, r.KpiCode, r.Period, r.Value)));
        Assert.All(result.Rows, r => Assert.Equal((null, null, PoliceRecordedCrimeTable.SourceText), (r.Numerator, r.Denominator, r.Source)));
        Assert.Equal("2 row(s) of offence group(s) Robbery", result.Rows[0].Note);
    }

    [Fact]
    public void Quarter_4_of_a_financial_year_is_January_to_March_of_the_next_calendar_year()
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Header
            + Row("2022/23", "4", "Medway", "Robbery", "34A", "3")
            + Row("2023/24", "1", "Medway", "Robbery", "34A", "5")
            + Row("2023/24", "4", "Medway", "Robbery", "34A", "7"), "Medway", RobberyCount, null);

        Assert.Equal(["2022-Q4", "2023-Q1", "2023-Q4"], result.Rows.Select(r => r.Period));
        var (march2023, april2023, march2024) = (FinancialQuarter.Parse("2022-Q4"), FinancialQuarter.Parse("2023-Q1"), FinancialQuarter.Parse("2023-Q4"));
        Assert.Equal((new DateOnly(2023, 1, 1), new DateOnly(2023, 3, 31)), (march2023.Start, march2023.End));
        Assert.Equal(new DateOnly(2023, 4, 1), april2023.Start);
        Assert.Equal((new DateOnly(2024, 1, 1), new DateOnly(2024, 3, 31)), (march2024.Start, march2024.End));
    }

    [Theory]
    [InlineData("2023/24", "1", "2023-Q1")]
    [InlineData("2023-24", "2", "2023-Q2")]
    [InlineData("2023/24", "Q3", "2023-Q3")]
    [InlineData("1999/00", "q4", "1999-Q4")]
    public void The_financial_year_and_quarter_are_read_in_the_published_and_the_platform_forms(string year, string quarter, string period)
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Header + Row(year, quarter, "Medway", "Robbery", "34A", "3"), "Medway", RobberyCount, null);

        Assert.Equal(period, Assert.Single(result.Rows).Period);
    }

    [Fact]
    public void With_a_population_the_map_can_ask_for_a_rate_per_1000_beside_the_count()
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway", RobberyAndViolence, MedwayPopulation);

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal(15, result.Rows.Count);
        var rates = result.Rows.Where(r => r.KpiCode == "ROBBERY-RATE").ToList();
        Assert.Equal(["2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"], rates.Select(r => r.Period));
        // 15 robberies among 282,700 people = 0.05306... per 1,000, rounded to 4 places; the exact figures stay.
        Assert.Equal(new ImportedMeasurement(2, "ROBBERY-RATE", "2022-Q4", 0.0531m, 15m, MedwayPopulation, PoliceRecordedCrimeTable.SourceText, "2 row(s) of offence group(s) Robbery"), rates[0]);
        Assert.Equal((0.0424m, 12m), (rates[1].Value, rates[1].Numerator));
        Assert.Equal([192m, 226m, 244m, 204m, 247m], result.Rows.Where(r => r.KpiCode == "VIOLENCE").Select(r => r.Value));
        Assert.Equal([15m, 12m, 22m, 10m, 16m], result.Rows.Where(r => r.KpiCode == "ROBBERY").Select(r => r.Value));
    }

    [Fact]
    public void Rates_round_half_away_from_zero_to_four_places()
    {
        Assert.Equal(0.0425m, PoliceRecordedCrimeTable.RatePer1000(17m, 400_000m));
        Assert.Equal(0.3333m, PoliceRecordedCrimeTable.RatePer1000(1m, 3_000m));
        Assert.Equal(10m, PoliceRecordedCrimeTable.RatePer1000(10m, 1_000m));
    }

    [Fact]
    public void A_rate_KPI_without_a_population_is_a_problem_rather_than_a_KPI_left_out()
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway", RobberyAndViolence, null);

        Assert.Equal([(0, "population")], Faults(result));
        Assert.Contains("ROBBERY-RATE", result.Problems[0].Message);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void Offence_groups_not_in_the_map_and_other_CSPs_are_skipped_and_counted_not_errors()
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway", RobberyAndViolence, MedwayPopulation);

        Assert.True(result.Ok);
        Assert.Equal((50, 15), (result.Summary.DataRows, result.Summary.UsedRows));
        Assert.Equal(
        [
            new SkippedRows("offence group 'Criminal damage and arson' is not mapped to a KPI", 5, 5),
            new SkippedRows("offence group 'Drug offences' is not mapped to a KPI", 5, 6),
            new SkippedRows("another CSP", 25, 7),
        ], result.Summary.Skipped);
    }

    [Fact]
    public void Offence_groups_mapped_to_one_code_are_added_together_and_names_match_ignoring_case()
    {
        var map = new Dictionary<string, string> { ["ROBBERY"] = "ACQUISITIVE", ["criminal damage and arson"] = "ACQUISITIVE" };

        var result = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "  medway ", map, null);

        Assert.Equal([(2, "2022-Q4", 15m + 84m), (12, "2023-Q1", 12m + 117m)], result.Rows.Take(2).Select(r => (r.Line, r.Period, r.Value)));
        Assert.Equal("3 row(s) of offence group(s) Criminal damage and arson, Robbery", result.Rows[0].Note);
    }

    [Fact]
    public void The_typed_map_and_the_dictionary_give_the_same_rows()
    {
        var typed = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway",
            [new OffenceGroupKpis("Robbery", "ROBBERY", "ROBBERY-RATE"), new OffenceGroupKpis("Violence against the person", "VIOLENCE", null)], MedwayPopulation);
        // "per 1000" without the comma names the rate too.
        var dictionary = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway",
            new Dictionary<string, string> { ["Robbery"] = "ROBBERY", ["Robbery per 1000"] = "ROBBERY-RATE", ["Violence against the person"] = "VIOLENCE" }, MedwayPopulation);

        Assert.True(typed.Ok);
        Assert.Equal(typed.Rows, dictionary.Rows);
    }

    [Fact]
    public void Aggregating_the_same_file_twice_gives_the_same_rows()
    {
        var csv = Samples.Read("prc-csp-kent.csv");

        var first = PoliceRecordedCrimeTable.Aggregate(csv, "Medway", RobberyAndViolence, MedwayPopulation);
        var second = PoliceRecordedCrimeTable.Aggregate(csv, "Medway", RobberyAndViolence, MedwayPopulation);

        Assert.Equal(first.Rows, second.Rows);
        Assert.Equal(first.Summary.Skipped, second.Summary.Skipped);
    }

    [Fact]
    public void Every_bad_row_is_reported_whatever_its_CSP_and_no_partial_sums_are_returned()
    {
        var csv = Header
            + Row("2023/24", "1", "Medway", "Robbery", "34A", "3")        // 2 fine
            + Row("2023-2024", "1", "Medway", "Robbery", "34B", "3")      // 3 year
            + Row("2023/25", "1", "Medway", "Robbery", "34B", "3")        // 4 year not consecutive
            + Row("2023/24", "5", "Maidstone", "Robbery", "34A", "3")     // 5 quarter, another CSP
            + Row("2023/24", "", "Medway", "Robbery", "8N", "3")          // 6 quarter missing
            + Row("2023/24", "2", "Medway", "Robbery", "34A", "-3")       // 7 negative
            + Row("2023/24", "2", "Medway", "Robbery", "34B", "\"1,234\"") // 8 thousands separator
            + Row("2023/24", "2", "Medway", "Robbery", "8N", "12.5")      // 9 not whole
            + Row("2023/24", "2", "", "Robbery", "34A", "1")              // 10 CSP missing
            + Row("2023/24", "2", "Medway", "", "58A", "1")               // 11 group missing
            + "2023/24,2,Kent,Medway,Robbery\n"                           // 12 short row
            + Row("2023/24", "1", "medway", "Robbery", "34a", "4")        // 13 the offence of line 2 again
            + Row("2023/24", "Q0", "Maidstone", "Robbery", "34A", "x");   // 14 quarter and count

        var result = PoliceRecordedCrimeTable.Aggregate(csv, "Medway", RobberyCount, null);

        Assert.Equal(
        [
            (3, "Financial Year"), (4, "Financial Year"), (5, "Financial Quarter"), (6, "Financial Quarter"), (7, "Offence Count"),
            (8, "Offence Count"), (9, "Offence Count"), (10, "CSP Name"), (11, "Offence Group"), (12, "columns"), (13, "Offence Code"),
            (14, "Financial Quarter"), (14, "Offence Count"),
        ], Faults(result));
        Assert.Contains("line 2", result.Problems.Single(p => p.Line == 13).Message);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void Columns_come_in_any_order_and_extra_columns_are_ignored_but_every_published_column_is_required()
    {
        var reordered = "Offence Count,CSP Name,Rolling Year,Financial Quarter,Financial Year,Force Name,Offence Group,Offence Description,Offence Subgroup,Offence Code\n"
            + "9,Medway,x,1,2023/24,Kent,Robbery,Robbery of business property,Robbery of business property,34A\n";
        var missing = "Financial Year,Financial Quarter,CSP Name,Offence Group,Offence Count\n2023/24,1,Medway,Robbery,9\n";

        Assert.Equal(9m, Assert.Single(PoliceRecordedCrimeTable.Aggregate(reordered, "Medway", RobberyCount, null).Rows).Value);
        Assert.Equal([(1, "Force Name"), (1, "Offence Description"), (1, "Offence Subgroup"), (1, "Offence Code")],
            Faults(PoliceRecordedCrimeTable.Aggregate(missing, "Medway", RobberyCount, null)));
    }

    [Fact]
    public void A_CSP_the_file_does_not_hold_is_a_problem_that_names_the_CSPs_it_does()
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway Towns", RobberyCount, null);

        Assert.Equal([(0, "CSP Name")], Faults(result));
        Assert.Contains("Maidstone, Medway", result.Problems[0].Message);
    }

    [Fact]
    public void A_map_that_matches_none_of_the_CSP_rows_is_a_problem_rather_than_an_empty_import()
    {
        var result = PoliceRecordedCrimeTable.Aggregate(Samples.Read("prc-csp-kent.csv"), "Medway", new Dictionary<string, string> { ["Robery"] = "ROBBERY" }, null);

        Assert.Equal([(0, "kpiCodeByOffenceGroup")], Faults(result));
        Assert.Contains("Robery", result.Problems[0].Message);
    }

    [Fact]
    public void Bad_arguments_are_problems_naming_the_argument()
    {
        var csv = Samples.Read("prc-csp-kent.csv");

        Assert.Equal([(0, "cspName")], Faults(PoliceRecordedCrimeTable.Aggregate(csv, " ", RobberyCount, null)));
        Assert.Equal([(0, "population")], Faults(PoliceRecordedCrimeTable.Aggregate(csv, "Medway", RobberyCount, 0m)));
        Assert.Equal([(0, "kpiCodeByOffenceGroup")], Faults(PoliceRecordedCrimeTable.Aggregate(csv, "Medway", new Dictionary<string, string>(), null)));
        Assert.Equal([(0, "kpiCodeByOffenceGroup")], Faults(PoliceRecordedCrimeTable.Aggregate(csv, "Medway", new Dictionary<string, string> { ["Robbery"] = " " }, null)));
        Assert.Equal([(0, "kpiCodeByOffenceGroup")], Faults(PoliceRecordedCrimeTable.Aggregate(csv, "Medway",
            new Dictionary<string, string> { ["Robbery"] = "R", ["Violence against the person per 1,000"] = "R" }, MedwayPopulation)));
        var twice = PoliceRecordedCrimeTable.Aggregate(csv, "Medway", new Dictionary<string, string> { ["Robbery"] = "R1", ["robbery"] = "R2", ["Robbery per 1,000"] = "RR" }, MedwayPopulation);
        Assert.Equal([(0, "kpiCodeByOffenceGroup")], Faults(twice));
        Assert.Contains("mapped twice", twice.Problems[0].Message);
    }
}
