using Csp.Kpi.Domain.Imports;

namespace Csp.Kpi.Tests.Domain.Imports;

public class MeasurementCsvTests
{
    private const string Header = "kpi_code,period,value,numerator,denominator,source,note\n";

    private static IReadOnlyList<(int Line, string Field)> Faults(ImportResult result) => result.Problems.Select(p => (p.Line, p.Field)).ToList();

    [Fact]
    public void The_good_sample_gives_one_row_per_KPI_and_period_with_its_line()
    {
        var result = MeasurementCsv.Parse(Samples.Read("measurements-good.csv"));

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        // Line 9's note runs onto line 10, so the next row is on line 11.
        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14], result.Rows.Select(r => r.Line));
        Assert.Equal(new ImportedMeasurement(5, "CFO-HUB-REFERRALS", "2023-Q4", 160m, null, null, "CFO activity hub return", "652 to date, as reported to the board"), result.Rows[3]);
        Assert.Equal(new ImportedMeasurement(6, "BEAT-TEAM-STRENGTH", "2023-Q1", 50m, 12m, 24m, "Kent Police", "Beat teams at 50% in June 2023; target 100% by September 2024"), result.Rows[4]);
        Assert.Equal("Rise after the \"Safer Streets\" campaign\nasked people to report", result.Rows[7].Note);
        Assert.Equal(("DA-INCIDENTS", 11), (result.Rows[8].KpiCode, result.Rows[8].Line));
        Assert.Equal(("PRACTITIONERS-TRAINED", "2023-24"), (result.Rows[9].KpiCode, result.Rows[9].Period));
        Assert.Equal((12, 12, 0), (result.Summary.DataRows, result.Summary.UsedRows, result.Summary.SkippedCount));
    }

    [Fact]
    public void Values_are_exact_decimals()
    {
        var result = MeasurementCsv.Parse(Samples.Read("measurements-good.csv"));

        var rate = Assert.Single(result.Rows, r => r.KpiCode == "SERIOUS-VIOLENCE-RATE");
        Assert.Equal(1.0123456789m, rate.Value);
        Assert.Equal((281m, 277600m), (rate.Numerator, rate.Denominator));
        Assert.Equal(0.1m, Assert.Single(result.Rows, r => r.KpiCode == "KSI-CASUALTIES").Value);
        Assert.Equal(0.3m, MeasurementCsv.Parse(Header + "A,2023-Q1,0.1,,,s,\nB,2023-Q1,0.2,,,s,\n").Rows.Sum(r => r.Value));
    }

    [Fact]
    public void Every_bad_row_of_the_bad_sample_is_reported_with_its_line_and_field()
    {
        // The sample, line by line: 2 period "Q1 2023/24"; 3 value "1,234"; 4 numerator without denominator;
        // 5 denominator 0; 6 no KPI code; 7 month 13; 8 fine; 9 the KPI and period of line 8 again; 10 markup in the
        // note; 11 six fields; 12 value "75%"; 13 no source; 14 period 2023-25 and value "abc"; 15 quarter 5; 16 "£2".
        var result = MeasurementCsv.Parse(Samples.Read("measurements-bad.csv"));

        Assert.False(result.Ok);
        Assert.Equal(
        [
            (2, "period"), (3, "value"), (4, "denominator"), (5, "denominator"), (6, "kpi_code"), (7, "period"),
            (9, "period"), (10, "note"), (11, "columns"), (12, "value"), (13, "source"), (14, "period"), (14, "value"),
            (15, "period"), (16, "value"),
        ], Faults(result));
        Assert.Contains("line 8", result.Problems.Single(p => p.Line == 9).Message);
        Assert.Contains("comma", result.Problems.Single(p => p.Line == 3).Message);
        Assert.Contains("percent", result.Problems.Single(p => p.Line == 12).Message);
        Assert.Contains("currency", result.Problems.Single(p => p.Line == 16).Message);
        // The row that was fine on its own is still there for the service to check against its definitions.
        Assert.Equal([8], result.Rows.Select(r => r.Line));
    }

    [Fact]
    public void Parsing_the_same_file_twice_gives_the_same_rows_and_problems()
    {
        var good = Samples.Read("measurements-good.csv");
        var bad = Samples.Read("measurements-bad.csv");

        Assert.Equal(MeasurementCsv.Parse(good).Rows, MeasurementCsv.Parse(good).Rows);
        Assert.Equal(MeasurementCsv.Parse(bad).Problems, MeasurementCsv.Parse(bad).Problems);
    }

    [Fact]
    public void Columns_may_come_in_any_order_with_any_case_and_the_optional_ones_may_be_left_out()
    {
        var result = MeasurementCsv.Parse(" Source ,VALUE,Period,KPI_Code\nKent Police,12,2024-03,ASB\n");

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal(new ImportedMeasurement(2, "ASB", "2024-03", 12m, null, null, "Kent Police", null), Assert.Single(result.Rows));
    }

    [Fact]
    public void A_missing_unknown_or_repeated_column_is_reported_on_line_1_and_no_row_is_read()
    {
        var result = MeasurementCsv.Parse("kpi_code,period,valeu,kpi_code,note\nASB,2024-03,12,ASB,\nbad,row\n");

        Assert.Equal([(1, "header"), (1, "kpi_code"), (1, "value"), (1, "source")], Faults(result));
        Assert.Contains("valeu", result.Problems[0].Message);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void An_empty_file_is_a_problem_not_an_empty_import()
    {
        var result = MeasurementCsv.Parse("\uFEFF\r\n");

        Assert.Equal([(1, "header")], Faults(result));
    }

    [Fact]
    public void A_file_with_only_a_header_imports_nothing_and_is_not_an_error()
    {
        var result = MeasurementCsv.Parse(Header);

        Assert.True(result.Ok);
        Assert.Empty(result.Rows);
    }

    [Theory]
    [InlineData("2023-04")]
    [InlineData("2024-03")]
    [InlineData("2023-12")]
    [InlineData("2023-Q1")]
    [InlineData("2023-Q4")]
    [InlineData("2023-24")]
    [InlineData("1999-00")]
    [InlineData("2011-12")]
    public void Canonical_periods_are_accepted_as_written(string period)
    {
        var result = MeasurementCsv.Parse(Header + $"K,{period},1,,,s,\n");

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal(period, Assert.Single(result.Rows).Period);
    }

    [Theory]
    [InlineData("2023/24")]
    [InlineData("Q1 2023/24")]
    [InlineData("2023-Q5")]
    [InlineData("2023-Q0")]
    [InlineData("2023-q1")]
    [InlineData("2023-13")]
    [InlineData("2023-00")]
    [InlineData("2023-25")]
    [InlineData("2023-4")]
    [InlineData("23-24")]
    [InlineData("Apr-23")]
    [InlineData("2023-04-01")]
    [InlineData("1899-04")]
    [InlineData("\u0662\u0660\u0662\u0663-\u0662\u0664")]
    public void Other_period_forms_are_rejected_naming_the_forms(string period)
    {
        var result = MeasurementCsv.Parse(Header + $"K,{period},1,,,s,\n");

        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, "period"), (problem.Line, problem.Field));
        Assert.Contains("2023-Q1", problem.Message);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("+5")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("1 000")]
    [InlineData("\"1,000\"")]
    [InlineData("\"1,5\"")]
    [InlineData("0x10")]
    [InlineData("12345678901234567890")]
    [InlineData("0.12345678901")]
    [InlineData("NaN")]
    public void Numbers_are_invariant_decimals_without_separators_signs_or_exponents(string value)
    {
        var result = MeasurementCsv.Parse(Header + $"K,2023-Q1,{value},,,s,\n");

        Assert.Equal([(2, "value")], Faults(result));
    }

    [Theory]
    [InlineData("-3.75", "-3.75")]
    [InlineData("0", "0")]
    [InlineData("007", "7")]
    [InlineData("123456789012345678.1234567891", "123456789012345678.1234567891")]
    public void Accepted_numbers_are_held_exactly(string text, string expected)
    {
        var result = MeasurementCsv.Parse(Header + $"K,2023-Q1,{text},,,s,\n");

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(result.Rows).Value);
    }

    [Fact]
    public void A_numerator_and_denominator_come_as_a_pair_and_the_denominator_is_positive()
    {
        var result = MeasurementCsv.Parse(Header + "A,2023-Q1,1,1,,s,\nB,2023-Q1,1,,2,s,\nC,2023-Q1,1,1,-2,s,\nD,2023-Q1,1,x,2,s,\nE,2023-Q1,50,1,2,s,\n");

        Assert.Equal([(2, "denominator"), (3, "numerator"), (4, "denominator"), (5, "numerator")], Faults(result));
        Assert.Equal("E", Assert.Single(result.Rows).KpiCode);
    }

    [Fact]
    public void Duplicates_are_found_ignoring_the_case_of_the_code_and_name_the_first_line()
    {
        var result = MeasurementCsv.Parse(Header + "ASB,2024-03,1,,,s,\nASB,2024-04,1,,,s,\nasb,2024-03,2,,,s,\nASB,2024-03,3,,,s,\n");

        Assert.Equal([(4, "period"), (5, "period")], Faults(result));
        Assert.All(result.Problems, p => Assert.Contains("line 2", p.Message));
        Assert.Equal([2, 3], result.Rows.Select(r => r.Line));
    }

    [Fact]
    public void Codes_and_text_fields_are_checked()
    {
        var tooLong = new string('n', MeasurementCsv.MaxNoteLength + 1);
        var result = MeasurementCsv.Parse(Header + $"has space,2023-Q1,1,,,s,\n-lead,2023-Q1,1,,,s,\nK,2023-Q1,1,,,s,{tooLong}\nK2,2023-Q1,1,,,\"a\u0001b\",\nK3,2023-Q1,1,,,s,\"javascript:alert(1)\"\n");

        Assert.Equal([(2, "kpi_code"), (3, "kpi_code"), (4, "note"), (5, "source"), (6, "note")], Faults(result));
    }

    [Fact]
    public void Cells_are_trimmed_and_blank_lines_between_rows_are_ignored()
    {
        var result = MeasurementCsv.Parse(Header + "  ASB , 2024-03 , 12 ,,, Kent Police , \n\n,,,,,,\nDA,2024-03,3,,,s,\n");

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal([new ImportedMeasurement(2, "ASB", "2024-03", 12m, null, null, "Kent Police", null), new ImportedMeasurement(5, "DA", "2024-03", 3m, null, null, "s", null)], result.Rows);
    }

    [Fact]
    public void A_syntax_fault_is_reported_with_the_row_faults_of_other_lines()
    {
        var result = MeasurementCsv.Parse(Header + "ASB,2024-03,1\"2,,,s,\nDA,2024-99,1,,,s,\n");

        Assert.Equal([(2, "csv"), (2, "value"), (3, "period")], Faults(result));
    }
}
