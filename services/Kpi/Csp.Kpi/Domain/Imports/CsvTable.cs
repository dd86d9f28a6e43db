namespace Csp.Kpi.Domain.Imports;

/// <summary>
/// A CSV file read against the columns its format names. Header names match trimmed and ignoring case, in any order.
/// A missing column, a column named twice, or (where the format does not allow them) an unknown column is a problem on
/// line 1, and then no row is read (every row would be wrong). A data row with more or fewer fields than the header is
/// a problem (field <c>columns</c>) and its fields are not checked further: a value with an unquoted comma shifts them.
/// </summary>
internal sealed class CsvTable
{
    public const string HeaderField = "header";
    public const string WidthField = "columns";

    private readonly Dictionary<string, int> _index;

    private CsvTable(Dictionary<string, int> index, IReadOnlyList<CsvRow> rows, int dataRows)
    {
        _index = index;
        Rows = rows;
        DataRows = dataRows;
    }

    /// <summary>Rows of the header's width, in file order.</summary>
    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Every non-blank record after the header, of any width.</summary>
    public int DataRows { get; }

    public bool Has(string column) => _index.ContainsKey(column);

    public static CsvTable? Open(string csv, IReadOnlyList<string> required, IReadOnlyList<string> optional, bool unknownColumnsAllowed, List<ImportProblem> problems)
    {
        var document = CsvReader.Read(csv);
        problems.AddRange(document.Problems);
        if (document.Records.Count == 0)
        {
            problems.Add(new ImportProblem(1, HeaderField, $"the file is empty: the first line must name the columns {string.Join(", ", required)}"));
            return null;
        }

        var header = document.Records[0];
        var known = required.Concat(optional).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var headerOk = true;
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim();
            var column = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (column is null)
            {
                if (unknownColumnsAllowed || name.Length == 0) continue;
                problems.Add(new ImportProblem(header.Line, HeaderField, $"unknown column '{name}': the columns are {string.Join(", ", known)}"));
                headerOk = false;
            }
            else if (!index.TryAdd(column, i))
            {
                problems.Add(new ImportProblem(header.Line, column, $"the column '{column}' is named twice"));
                headerOk = false;
            }
        }
        foreach (var column in required.Where(c => !index.ContainsKey(c)))
        {
            problems.Add(new ImportProblem(header.Line, column, $"the column '{column}' is missing"));
            headerOk = false;
        }
        if (!headerOk) return null;

        var rows = new List<CsvRow>();
        foreach (var record in document.Records.Skip(1))
        {
            if (record.Fields.Count != header.Fields.Count)
            {
                problems.Add(new ImportProblem(record.Line, WidthField, $"has {record.Fields.Count} fields; the header has {header.Fields.Count}"));
                continue;
            }
            rows.Add(new CsvRow(record, index));
        }
        return new CsvTable(index, rows, document.Records.Count - 1);
    }
}

/// <summary>One data row: its line and its fields by column name, trimmed (an absent optional column reads as empty).</summary>
internal readonly struct CsvRow(CsvRecord record, IReadOnlyDictionary<string, int> index)
{
    public int Line => record.Line;

    public string this[string column] => index.TryGetValue(column, out var i) ? record.Fields[i].Trim() : "";
}
