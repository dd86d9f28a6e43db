using Csp.Kpi.Domain.Imports;

namespace Csp.Kpi.Tests.Domain.Imports;

public class CsvReaderTests
{
    private static IReadOnlyList<string[]> Fields(CsvDocument document) => document.Records.Select(r => r.Fields.ToArray()).ToList();

    [Fact]
    public void Plain_fields_are_split_on_commas_with_empty_fields_kept()
    {
        var document = CsvReader.Read("a,b,c\n1,,3\n,,\u00a0\n");

        Assert.Empty(document.Problems);
        Assert.Equal([["a", "b", "c"], ["1", "", "3"], ["", "", "\u00a0"]], Fields(document));
    }

    [Fact]
    public void A_quoted_field_keeps_commas_doubled_quotes_and_line_breaks()
    {
        var document = CsvReader.Read("code,note\r\nASB,\"rose, then fell\"\r\nDA,\"said \"\"welcome\"\"\"\r\nKSI,\"two\r\nlines\"\r\nX,\"\"\r\n");

        Assert.Empty(document.Problems);
        Assert.Equal([["code", "note"], ["ASB", "rose, then fell"], ["DA", "said \"welcome\""], ["KSI", "two\r\nlines"], ["X", ""]], Fields(document));
    }

    [Fact]
    public void A_record_starts_on_the_physical_line_after_a_field_with_line_breaks()
    {
        var document = CsvReader.Read("h1,h2\n1,\"a\nb\nc\"\n2,x\n");

        Assert.Equal([1, 2, 5], document.Records.Select(r => r.Line));
    }

    [Theory]
    [InlineData("a,b\r\n1,2\r\n3,4")]
    [InlineData("a,b\n1,2\n3,4\n")]
    [InlineData("a,b\r1,2\r3,4\r")]
    [InlineData("a,b\r\n1,2\n3,4\r\n\r\n\r\n")]
    public void CRLF_LF_and_CR_end_records_alike_and_trailing_blank_lines_are_dropped(string text)
    {
        var document = CsvReader.Read(text);

        Assert.Empty(document.Problems);
        Assert.Equal([["a", "b"], ["1", "2"], ["3", "4"]], Fields(document));
        Assert.Equal([1, 2, 3], document.Records.Select(r => r.Line));
    }

    [Fact]
    public void A_byte_order_mark_is_dropped_so_the_first_column_keeps_its_name()
    {
        var document = CsvReader.Read("\uFEFFkpi_code,period\nASB,2023-Q1\n");

        Assert.Equal("kpi_code", document.Records[0].Fields[0]);
    }

    [Fact]
    public void Blank_lines_and_rows_of_empty_fields_are_not_records_but_still_count_as_lines()
    {
        var document = CsvReader.Read("a,b\n\n1,2\n,\n3,4\n");

        Assert.Equal([["a", "b"], ["1", "2"], ["3", "4"]], Fields(document));
        Assert.Equal([1, 3, 5], document.Records.Select(r => r.Line));
    }

    [Fact]
    public void An_empty_file_has_no_records()
    {
        Assert.Empty(CsvReader.Read("").Records);
        Assert.Empty(CsvReader.Read("\uFEFF").Records);
        Assert.Empty(CsvReader.Read("\r\n\n").Records);
    }

    [Fact]
    public void Every_stray_quote_is_reported_with_its_line_and_reading_goes_on()
    {
        var document = CsvReader.Read("a,b\n1,say \"hi\"\n2,ok\n3,\"closed\"late\n4,fine\n");

        Assert.Equal([2, 4], document.Problems.Select(p => p.Line));
        Assert.All(document.Problems, p => Assert.Equal(CsvReader.SyntaxField, p.Field));
        Assert.Equal(["1", "2", "3", "4"], document.Records.Skip(1).Select(r => r.Fields[0]));
        Assert.Equal("closedlate", document.Records[3].Fields[1]);
    }

    [Fact]
    public void A_quote_left_open_is_reported_on_the_line_it_opened_and_its_record_is_not_kept()
    {
        var document = CsvReader.Read("a,b\n1,2\n3,\"never closed\n4,5\n");

        var problem = Assert.Single(document.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Equal(2, document.Records.Count);
    }
}
