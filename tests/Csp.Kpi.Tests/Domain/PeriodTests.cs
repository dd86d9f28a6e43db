using Csp.BuildingBlocks.Redis;
using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

public class PeriodTests
{
    [Fact]
    public void A_quarter_is_a_quarter_of_the_financial_year()
    {
        var q1 = Period.Parse("2023-Q1", Frequency.Quarterly);
        Assert.Equal(new DateOnly(2023, 4, 1), q1.Start);
        Assert.Equal(new DateOnly(2023, 6, 30), q1.End);
        var q4 = Period.Parse("2023-Q4", Frequency.Quarterly);
        Assert.Equal(new DateOnly(2024, 1, 1), q4.Start);
        Assert.Equal(new DateOnly(2024, 3, 31), q4.End);
        Assert.Equal("2023-24", q4.FinancialYear.ToString());
    }

    [Theory]
    [InlineData("2023-Q1", "2022-Q4", "2022-Q1", "2023-Q2")] // the financial-year edge, backwards
    [InlineData("2023-Q4", "2023-Q3", "2022-Q4", "2024-Q1")] // and forwards
    [InlineData("2023-04", "2023-03", "2022-04", "2023-05")] // April's previous month is in the previous financial year
    [InlineData("2024-01", "2023-12", "2023-01", "2024-02")] // the calendar-year edge
    [InlineData("2023-24", "2022-23", "2022-23", "2024-25")]
    [InlineData("1999-00", "1998-99", "1998-99", "2000-01")] // the century edge of a financial year
    public void Previous_same_period_last_year_and_next(string text, string previous, string lastYear, string next)
    {
        var frequency = Period.FrequencyOf(text)!.Value;
        var p = Period.Parse(text, frequency);
        Assert.Equal(previous, p.Previous.ToString());
        Assert.Equal(lastYear, p.SamePeriodLastYear.ToString());
        Assert.Equal(next, p.Next.ToString());
    }

    [Fact]
    public void January_to_March_fall_in_the_financial_year_that_began_the_April_before()
    {
        Assert.Equal("2022-23", Period.Parse("2023-03", Frequency.Monthly).FinancialYear.ToString());
        Assert.Equal("2023-24", Period.Parse("2023-04", Frequency.Monthly).FinancialYear.ToString());
        Assert.Equal("2022-Q4", Period.Containing(new DateOnly(2023, 3, 31), Frequency.Quarterly).ToString());
        Assert.Equal("2023-Q1", Period.Containing(new DateOnly(2023, 4, 1), Frequency.Quarterly).ToString());
        Assert.Equal("2022-23", Period.Containing(new DateOnly(2023, 3, 31), Frequency.Annual).ToString());
    }

    [Theory]
    [InlineData("2023-Q1", Frequency.Monthly)]
    [InlineData("2023-04", Frequency.Quarterly)]
    [InlineData("2023-24", Frequency.Monthly)] // month 24
    [InlineData("2023-25", Frequency.Annual)] // not the next year
    [InlineData("2023-13", Frequency.Monthly)]
    [InlineData("2023-Q5", Frequency.Quarterly)]
    [InlineData("23-Q1", Frequency.Quarterly)]
    [InlineData("2023-04 ", Frequency.Monthly)]
    public void A_period_of_another_frequency_or_malformed_is_refused(string text, Frequency frequency) =>
        Assert.False(Period.TryParse(text, frequency, out _));

    [Fact]
    public void A_form_that_reads_as_a_month_and_as_a_year_takes_the_KPIs_frequency()
    {
        Assert.Null(Period.FrequencyOf("2003-04"));
        Assert.Equal(new DateOnly(2003, 4, 30), Period.Parse("2003-04", Frequency.Monthly).End);
        Assert.Equal(new DateOnly(2004, 3, 31), Period.Parse("2003-04", Frequency.Annual).End);
    }

    [Theory]
    [InlineData("2023-Q1", Frequency.Quarterly)]
    [InlineData("2003-04", Frequency.Annual)]
    [InlineData("2003-04", Frequency.Monthly)]
    [InlineData("2023-11", Frequency.Monthly)]
    public void A_period_survives_the_stored_format(string text, Frequency frequency)
    {
        var p = Period.Parse(text, frequency);
        Assert.Equal(p, StorageJson.Deserialize<Period>(StorageJson.Serialize(p)));
    }
}
