using Csp.Kpi.Domain.Imports;

namespace Csp.Kpi.Tests.Domain.Imports;

public class LsoaLookupTests
{
    private static IReadOnlyList<(int Line, string Field)> Faults(LsoaLookupResult result) => result.Problems.Select(p => (p.Line, p.Field)).ToList();

    [Fact]
    public void The_ONS_lookup_places_each_LSOA_in_its_CSP()
    {
        var result = LsoaLookup.Parse(Samples.Read("lsoa21-csp23-lookup.csv"));

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        var lookup = result.Lookup!;
        Assert.Equal(20, lookup.Count);
        Assert.Equal("E22000900", lookup.CspOf("E01016010"));
        Assert.Equal("E22000900", lookup.CspOf("e01016010"));
        Assert.Equal("E22000901", lookup.CspOf("E01024410"));
        Assert.Null(lookup.CspOf("E01024099"));
        Assert.Equal("Medway", lookup.CspName("E22000900"));
        Assert.Equal(["E22000900", "E22000901"], lookup.CspCodes.Order());
    }

    [Theory]
    [InlineData("LSOA11CD,LSOA11NM,CSP19CD,CSP19NM,FID")]
    [InlineData("lsoa21cd,lsoa21nm,csp23cd,csp23nm")]
    [InlineData("CSP name,LSOA code,CSP code,LSOA name")]
    public void Any_ONS_edition_or_the_plain_column_names_will_do(string header)
    {
        var columns = header.Split(',');
        var values = new Dictionary<string, string> { ["LSOA code"] = "E01016010", ["LSOA name"] = "Medway 010A", ["CSP code"] = "E22000900", ["CSP name"] = "Medway" };
        string ValueFor(string column) => column.ToUpperInvariant() switch
        {
            var c when c.StartsWith("LSOA", StringComparison.Ordinal) && (c.EndsWith("CD", StringComparison.Ordinal) || c.EndsWith("CODE", StringComparison.Ordinal)) => values["LSOA code"],
            var c when c.StartsWith("LSOA", StringComparison.Ordinal) => values["LSOA name"],
            var c when c.StartsWith("CSP", StringComparison.Ordinal) && (c.EndsWith("CD", StringComparison.Ordinal) || c.EndsWith("CODE", StringComparison.Ordinal)) => values["CSP code"],
            var c when c.StartsWith("CSP", StringComparison.Ordinal) => values["CSP name"],
            _ => "1",
        };

        var result = LsoaLookup.Parse(header + "\n" + string.Join(",", columns.Select(ValueFor)) + "\n");

        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal("E22000900", result.Lookup!.CspOf("E01016010"));
    }

    [Fact]
    public void A_header_without_each_kind_of_column_or_with_one_kind_twice_is_refused()
    {
        Assert.Equal([(1, "LSOA name"), (1, "CSP name")], Faults(LsoaLookup.Parse("LSOA21CD,CSP23CD\nE01016010,E22000900\n")));
        Assert.Equal([(1, "LSOA code")], Faults(LsoaLookup.Parse("LSOA11CD,LSOA21CD,LSOA21NM,CSP23CD,CSP23NM\n")));
        Assert.Equal([(1, "header")], Faults(LsoaLookup.Parse("")));
    }

    [Fact]
    public void Every_bad_row_is_reported_and_no_lookup_is_given()
    {
        var csv = "LSOA21CD,LSOA21NM,CSP23CD,CSP23NM\n"
            + "E01016010,Medway 010A,E22000900,Medway\n"    // 2 fine
            + "E0101601,Medway 011A,E22000900,Medway\n"     // 3 LSOA code
            + "E01016012,Medway 012A,E23000032,Medway\n"    // 4 CSP code (a police force area's)
            + "E01016013,Medway 013A,E22000900,\n"          // 5 CSP name
            + "E01016010,Medway 010A,E22000901,Maidstone\n" // 6 LSOA of line 2 in another CSP
            + "E01016014,Medway 014A,E22000900,Medway CSP\n"// 7 another name for E22000900
            + "E01016010,Medway 010A,E22000900,Medway\n"    // 8 line 2 again: harmless
            + "E01016015,Medway 015A\n";                    // 9 short row

        var result = LsoaLookup.Parse(csv);

        Assert.Equal([(3, "LSOA code"), (4, "CSP code"), (5, "CSP name"), (6, "LSOA code"), (7, "CSP name"), (9, "columns")], Faults(result));
        Assert.Contains("line 2", result.Problems[3].Message);
        Assert.False(result.Ok);
        Assert.Null(result.Lookup);
    }

    [Fact]
    public void A_lookup_with_only_a_header_is_a_problem()
    {
        Assert.Equal([(0, "LSOA code")], Faults(LsoaLookup.Parse("LSOA21CD,LSOA21NM,CSP23CD,CSP23NM\r\n")));
    }
}
