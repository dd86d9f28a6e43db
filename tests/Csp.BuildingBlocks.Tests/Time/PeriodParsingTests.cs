using Csp.BuildingBlocks.Time;

namespace Csp.BuildingBlocks.Tests.Time;

/// <summary>Financial years and quarters are read from request bodies, query strings and imported files: text that is not
/// exactly one of them is refused (false), never an exception that would become a 500.</summary>
public class PeriodParsingTests
{
    [Theory]
    [InlineData("2019-20", 2019)]
    [InlineData("1999-00", 1999)]
    public void A_financial_year_is_read_from_its_written_form(string text, int start)
    {
        Assert.True(FinancialYear.TryParse(text, out var year));
        Assert.Equal(start, year.StartYear);
        Assert.Equal(text, year.ToString());
    }

    [Theory]
    [InlineData("٢٠١٩-٢٠")]      // Arabic-Indic digits match \d
    [InlineData("２０１９-２０")]  // full-width digits
    [InlineData("2019-20\n")]     // $ matches before a final newline
    [InlineData("2019-21")]
    [InlineData("2019/20")]
    [InlineData("")]
    public void Anything_else_is_not_a_financial_year(string text)
    {
        Assert.False(FinancialYear.TryParse(text, out _));
        Assert.Throws<FormatException>(() => FinancialYear.Parse(text));
    }

    [Theory]
    [InlineData("٢٠٢٣-Q1")]
    [InlineData("2023-Q1\n")]
    [InlineData("2023-Q5")]
    [InlineData("2023-q1")]
    public void Anything_but_a_written_quarter_is_not_a_quarter(string text) => Assert.False(FinancialQuarter.TryParse(text, out _));

    [Fact]
    public void A_quarter_is_read_from_its_written_form() =>
        Assert.Equal(new FinancialQuarter(2023, 4), FinancialQuarter.Parse("2023-Q4"));
}
