using System.Text;
using Csp.Funding.Domain.OpenData;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>The spreadsheet export: one RFC 4180 row per grant, 360Giving's column titles, safe to open in Excel.</summary>
public class ThreeSixtyGivingCsvTests
{
    [Fact]
    public void Header_has_360Givings_spreadsheet_column_titles()
    {
        var rows = CsvReading.Rows(ThreeSixtyGiving.Csv([Grants.Medway()]));

        Assert.Equal(
            ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Amount Disbursed", "Award Date",
             "Planned Dates:Start Date", "Planned Dates:End Date", "Planned Dates:Duration (months)",
             "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
             "Beneficiary Location:Name", "Beneficiary Location:Country Code", "Beneficiary Location:Geographic Code",
             "Beneficiary Location:Geographic Code Type", "Grant Programme:Code", "Grant Programme:Title"],
            rows[0]);
    }

    [Fact]
    public void One_row_per_grant_with_the_packages_values()
    {
        var grants = Grants.KentRound();

        var csv = ThreeSixtyGiving.Csv(Grants.Prefix, grants);
        var rows = CsvReading.Rows(csv);
        var package = ThreeSixtyGiving.Package(Grants.Prefix, grants, Grants.Issued)["grants"]!.AsArray();

        Assert.Equal(grants.Count + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(ThreeSixtyGiving.CsvColumns.Count, r.Count));
        for (var i = 0; i < package.Count; i++)
        {
            var row = rows[i + 1];
            var grant = package[i]!;
            Assert.Equal((string?)grant["id"], row[CsvReading.Column("Identifier")]);
            Assert.Equal((string?)grant["title"], row[CsvReading.Column("Title")]);
            Assert.Equal((decimal)grant["amountAwarded"]!, decimal.Parse(row[CsvReading.Column("Amount Awarded")], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((string?)grant["recipientOrganization"]![0]!["id"], row[CsvReading.Column("Recipient Org:Identifier")]);
            Assert.Equal((string?)grant["beneficiaryLocation"]![0]!["geoCode"], row[CsvReading.Column("Beneficiary Location:Geographic Code")]);
        }
    }

    [Fact]
    public void A_grant_row_reads_like_the_360Giving_template()
    {
        var row = CsvReading.Rows(ThreeSixtyGiving.Csv(Grants.Prefix, [Grants.KentCounty()]))[1];

        string Cell(string column) => row[CsvReading.Column(column)];
        Assert.Equal("360G-example-kentpcc-alloc-kent-2024-25", Cell("Identifier"));
        Assert.Equal("GBP", Cell("Currency"));
        Assert.Equal("39661.00", Cell("Amount Awarded"));
        Assert.Equal("39661.00", Cell("Amount Disbursed"));
        Assert.Equal("2024-02-08", Cell("Award Date"));
        Assert.Equal("2024-04-01", Cell("Planned Dates:Start Date"));
        Assert.Equal("2025-03-31", Cell("Planned Dates:End Date"));
        Assert.Equal("12", Cell("Planned Dates:Duration (months)"));
        Assert.Equal("GB-LAE-KEN", Cell("Recipient Org:Identifier"));
        Assert.Equal("E22000002", Cell("Beneficiary Location:Geographic Code"));
        Assert.Equal("CSP", Cell("Beneficiary Location:Geographic Code Type"));
        Assert.Equal("GB", Cell("Beneficiary Location:Country Code"));
        Assert.Equal("crg-2024-25", Cell("Grant Programme:Code"));
    }

    [Fact]
    public void Without_a_prefix_rows_carry_the_internal_allocation_id_and_only_registered_org_ids()
    {
        var row = CsvReading.Rows(ThreeSixtyGiving.Csv([Grants.Medway(recipientOrgId: null, onsCode: null)]))[1];

        Assert.Equal("alloc-medway-2019-20", row[CsvReading.Column("Identifier")]);
        Assert.Equal("", row[CsvReading.Column("Recipient Org:Identifier")]);
        Assert.Equal("", row[CsvReading.Column("Funding Org:Identifier")]);
        Assert.Equal("", row[CsvReading.Column("Beneficiary Location:Geographic Code Type")]);
        Assert.Equal("", row[CsvReading.Column("Beneficiary Location:Country Code")]);
    }

    [Fact]
    public void Commas_quotes_and_line_breaks_are_quoted_as_RFC_4180_says()
    {
        var grant = Grants.Medway(purpose: "Youth work, \"detached\" outreach\r\nand diversion", partnershipName: "Medway, \"the towns\"");

        var csv = ThreeSixtyGiving.Csv([grant]);
        var row = CsvReading.Rows(csv)[1];

        Assert.Contains("\"Medway, \"\"the towns\"\"\"", csv);
        Assert.Equal("Medway, \"the towns\"", row[CsvReading.Column("Recipient Org:Name")]);
        Assert.Contains("Purpose: Youth work, \"detached\" outreach\r\nand diversion.", row[CsvReading.Column("Description")]);
        Assert.EndsWith("\r\n", csv);
        Assert.Equal(3, csv.Split("\r\n").Length - 1); // header, the row, and the line break inside the quoted cell
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://example.invalid\",\"Click\")")]
    [InlineData("+44 1634 000000")]
    [InlineData("-1+1")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\tTabbed")]
    public void Text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe(string hostile)
    {
        var grant = Grants.Medway(partnershipName: hostile, programmeTitle: hostile) with { ProgrammeId = hostile, FunderName = hostile };

        var row = CsvReading.Rows(ThreeSixtyGiving.Csv([grant]))[1];

        foreach (var column in new[] { "Recipient Org:Name", "Funding Org:Name", "Grant Programme:Code", "Grant Programme:Title", "Beneficiary Location:Name" })
            Assert.Equal("'" + hostile, row[CsvReading.Column(column)]);
        Assert.StartsWith("'" + hostile, row[CsvReading.Column("Title")]);
        Assert.StartsWith("'" + hostile, row[CsvReading.Column("Description")]);
        Assert.All(row, cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '@' or '\t', $"unguarded cell: {cell}"));
    }

    [Fact]
    public void Amounts_are_never_mistaken_for_formulas_or_guarded_into_text()
    {
        var row = CsvReading.Rows(ThreeSixtyGiving.Csv([Grants.Medway(pence: 1, releases: [new("refund", -1, new DateOnly(2019, 6, 1))])]))[1];

        Assert.Equal("0.01", row[CsvReading.Column("Amount Awarded")]);
        Assert.Equal("-0.01", row[CsvReading.Column("Amount Disbursed")]); // a number, left as a number
    }

    [Fact]
    public void No_grants_is_just_the_header()
    {
        Assert.Equal(string.Join(",", ThreeSixtyGiving.CsvColumns) + "\r\n", ThreeSixtyGiving.Csv([]));
    }
}

/// <summary>A strict RFC 4180 reader for the tests, so the CSV is checked by parsing, not by string matching.</summary>
internal static class CsvReading
{
    public static int Column(string title)
    {
        var index = ThreeSixtyGiving.CsvColumns.ToList().IndexOf(title);
        return index >= 0 ? index : throw new ArgumentException($"no column '{title}'");
    }

    public static List<List<string>> Rows(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < csv.Length)
        {
            if (csv[i] == '"')
            {
                Assert.Equal(0, field.Length); // a quote may only open a field
                i++;
                while (true)
                {
                    Assert.True(i < csv.Length, "unterminated quoted field");
                    if (csv[i] == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i += 2; }
                    else if (csv[i] == '"') { i++; break; }
                    else field.Append(csv[i++]);
                }
                Assert.True(i == csv.Length || csv[i] is ',' or '\r', "text after a closing quote");
            }
            else if (csv[i] == ',') { row.Add(field.ToString()); field.Clear(); i++; }
            else if (csv[i] == '\r')
            {
                Assert.True(i + 1 < csv.Length && csv[i + 1] == '\n', "a record must end with CRLF");
                row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; i += 2;
            }
            else
            {
                Assert.NotEqual('\n', csv[i]); // a bare LF outside quotes
                field.Append(csv[i++]);
            }
        }
        Assert.True(row.Count == 0 && field.Length == 0, "the last record must end with CRLF");
        return rows;
    }
}
