using System.Text.Json.Nodes;
using Csp.Funding.Domain.OpenData;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>Amounts leave as pounds with exactly the pence they hold: no floating point anywhere between.</summary>
public class ThreeSixtyGivingMoneyTests
{
    [Theory]
    [InlineData(3_966_100L, "39661", "39661.00")] // Kent's county CSP, 2024-25
    [InlineData(2_644_067L, "26440.67", "26440.67")] // two-thirds of it, to the penny
    [InlineData(10_646_000L, "106460", "106460.00")] // Medway, 2019-20
    [InlineData(1L, "0.01", "0.01")]
    [InlineData(10L, "0.1", "0.10")]
    [InlineData(12_345_678_901_234_567L, "123456789012345.67", "123456789012345.67")] // 17 digits: more than a double holds
    [InlineData(long.MaxValue, "92233720368547758.07", "92233720368547758.07")]
    public void Amount_awarded_is_written_with_exactly_its_pence(long pence, string json, string csv)
    {
        var grant = Grants.Medway(pence: pence, releases: [new("all", pence, new DateOnly(2019, 5, 1))]);

        var text = ThreeSixtyGiving.Package(Grants.Prefix, [grant], Grants.Issued)["grants"]![0]!.ToJsonString();
        var row = CsvReading.Rows(ThreeSixtyGiving.Csv(Grants.Prefix, [grant]))[1];

        Assert.Contains($"\"amountAwarded\":{json},", text);
        Assert.Contains($"\"amountDisbursed\":{json},", text);
        Assert.Contains($"\"value\":{json},", text);
        Assert.Equal(pence, decimal.Parse(json, System.Globalization.CultureInfo.InvariantCulture) * 100);
        Assert.Equal(csv, row[CsvReading.Column("Amount Awarded")]);
        Assert.Equal(csv, row[CsvReading.Column("Amount Disbursed")]);
    }

    [Fact]
    public void Amount_disbursed_never_overflows_however_large_the_releases()
    {
        var grant = Grants.Medway(pence: long.MaxValue, releases:
        [
            new("a", long.MaxValue, new DateOnly(2019, 5, 1)),
            new("b", long.MaxValue, new DateOnly(2019, 6, 1)),
        ]);

        var disbursed = ThreeSixtyGiving.Package(Grants.Prefix, [grant], Grants.Issued)["grants"]![0]!["amountDisbursed"]!;

        Assert.Equal("184467440737095516.14", disbursed.ToJsonString());
    }

    [Fact]
    public void Pounds_of_awkward_pence_are_exact_decimals()
    {
        Assert.Equal(26440.67m, ThreeSixtyGiving.Pounds(2_644_067));
        Assert.Equal(13220.33m, ThreeSixtyGiving.Pounds(1_322_033));
        Assert.Equal(39661m, ThreeSixtyGiving.Pounds(2_644_067) + ThreeSixtyGiving.Pounds(1_322_033));
        Assert.Equal(-0.01m, ThreeSixtyGiving.Pounds(-1));
        Assert.Equal("0.01", JsonValue.Create(ThreeSixtyGiving.Pounds(1)).ToJsonString());
    }
}
