using System.Text.Json;
using Csp.BuildingBlocks.Validation;
using Csp.Funding.Domain;

namespace Csp.Funding.Tests.Domain;

public class MoneyTests
{
    private static Money? Read(string json, out ValidationErrors errors, bool allowNegative = false)
    {
        errors = new ValidationErrors();
        return Money.Read("amount", JsonDocument.Parse(json).RootElement, errors, allowNegative);
    }

    [Theory]
    [InlineData("\"39661.00\"", 3_966_100)]
    [InlineData("\"39661\"", 3_966_100)]
    [InlineData("39661", 3_966_100)]
    [InlineData("26440.67", 2_644_067)]
    [InlineData("\"0.1\"", 10)]
    [InlineData("0.01", 1)]
    [InlineData("\"9999999999999.99\"", 999_999_999_999_999)]
    public void Amounts_enter_as_strings_or_numbers_with_at_most_two_decimal_places(string json, long pence)
    {
        Assert.Equal(new Money(pence), Read(json, out var errors));
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("\"1.005\"")]
    [InlineData("1.005")]
    [InlineData("\"0.001\"")]
    public void A_third_decimal_place_is_an_error_naming_the_field(string json)
    {
        Assert.Null(Read(json, out var errors));
        Assert.Equal(["amount"], errors.Fields);
        Assert.Contains("two decimal places", errors.ToDictionary()["amount"][0]);
    }

    [Theory]
    [InlineData("\"£10\"")]
    [InlineData("\"1,000\"")]
    [InlineData("1e3")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("\"10000000000000.00\"")]
    [InlineData("\"12.\"")]
    [InlineData("\".5\"")]
    public void Anything_else_is_an_error_naming_the_field(string json)
    {
        Assert.Null(Read(json, out var errors));
        Assert.Equal(["amount"], errors.Fields);
    }

    [Fact]
    public void Negative_amounts_only_where_the_domain_allows_them()
    {
        Assert.Null(Read("\"-5.00\"", out var errors));
        Assert.Contains("negative", errors.ToDictionary()["amount"][0]);
        Assert.Equal(new Money(-500), Read("\"-5.00\"", out _, allowNegative: true));
    }

    [Fact]
    public void The_largest_pots_add_up_exactly_and_an_overflow_throws_instead_of_wrapping()
    {
        // 9,000 of the largest amount a field can hold still add up exactly in pence.
        var total = Money.Sum(Enumerable.Repeat(Money.Max, 9_000));
        Assert.Equal(Money.Max.Pence * 9_000, total.Pence);
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue) + new Money(1));
        Assert.Throws<OverflowException>(() => new Money(long.MinValue) - new Money(1));
    }

    [Fact]
    public void Money_is_written_for_people_and_for_programs()
    {
        Assert.Equal("£39,661.00", Money.Pounds(39_661).ToString());
        Assert.Equal("-£12.50", new Money(-1250).ToString());
        Assert.Equal("26440.67", new Money(2_644_067).ToDecimalString());
        Assert.Equal("3966100", JsonSerializer.Serialize(Money.Pounds(39_661)));
        Assert.Equal(Money.Pounds(39_661), JsonSerializer.Deserialize<Money>("3966100"));
    }
}
