using System.Text;

namespace Csp.Kpi.Domain.Imports;

/// <summary>One record of a CSV file: the physical line it starts on (1-based; the header is line 1) and its fields,
/// unquoted and otherwise as written (no trimming).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields)
{
    public bool IsBlank => Fields.All(f => f.Length == 0);
}

/// <summary>What <see cref="CsvReader.Read"/> found: the records (blank ones left out) and the syntax problems.</summary>
public sealed record CsvDocument(IReadOnlyList<CsvRecord> Records, IReadOnlyList<ImportProblem> Problems);

/// <summary>
/// A small RFC 4180 reader, written here because the domain may use no package: fields separated by commas; a field in
/// double quotes may hold commas, line breaks and doubled quotes (<c>""</c>); records end at CRLF, LF or a lone CR. A
/// leading byte-order mark is dropped. Records whose fields are all empty (a blank line, or <c>,,,,</c> as spreadsheets
/// write trailing rows) are left out. Syntax faults are problems (field <c>csv</c>) and reading goes on, so every bad
/// line is reported: a quote inside an unquoted field is kept as text, text after a closing quote is kept too, and a
/// quote left open to the end of the file ends the file.
/// </summary>
public static class CsvReader
{
    public const string SyntaxField = "csv";

    public static CsvDocument Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var problems = new List<ImportProblem>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        var recordLine = 1;
        var atFieldStart = true;
        var recordHasContent = false;
        var strayQuoteReported = false;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            atFieldStart = true;
            strayQuoteReported = false;
        }

        void EndRecord()
        {
            EndField();
            var record = new CsvRecord(recordLine, fields.ToArray());
            if (!record.IsBlank) records.Add(record);
            fields.Clear();
            recordHasContent = false;
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (atFieldStart && c == '"')
            {
                // A quoted field: read to the closing quote, through commas and line breaks.
                var openedOn = line;
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        closed = true;
                        break;
                    }
                    if (q == '\r' || q == '\n')
                    {
                        // Keep the break as written; count the line once for CRLF.
                        if (q == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { field.Append("\r\n"); i += 2; }
                        else { field.Append(q); i++; }
                        line++;
                        continue;
                    }
                    field.Append(q);
                    i++;
                }
                recordHasContent = true;
                atFieldStart = false;
                if (!closed)
                {
                    // The rest of the file is inside the quote: the record is cut short and is not kept.
                    problems.Add(new ImportProblem(openedOn, SyntaxField, $"a quoted field opened on line {openedOn} is never closed"));
                    return new CsvDocument(records, problems);
                }
                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    problems.Add(new ImportProblem(recordLine, SyntaxField, "text follows a closing quote; a field with quotes must be quoted whole, with each quote doubled"));
                    while (i < text.Length && text[i] is not (',' or '\r' or '\n')) field.Append(text[i++]);
                }
                continue;
            }

            switch (c)
            {
                case ',':
                    EndField();
                    recordHasContent = true;
                    i++;
                    break;
                case '\r':
                case '\n':
                    EndRecord();
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    line++;
                    recordLine = line;
                    break;
                case '"':
                    if (!strayQuoteReported)
                        problems.Add(new ImportProblem(recordLine, SyntaxField, "a quote inside an unquoted field; quote the whole field and double the quote"));
                    strayQuoteReported = true;
                    field.Append(c);
                    atFieldStart = false;
                    recordHasContent = true;
                    i++;
                    break;
                default:
                    field.Append(c);
                    atFieldStart = false;
                    recordHasContent = true;
                    i++;
                    break;
            }
        }

        if (recordHasContent || field.Length > 0 || fields.Count > 0) EndRecord();
        return new CsvDocument(records, problems);
    }
}
