using System.Text;

namespace Csp.Portal.Hosting;

/// <summary>RFC 4180 CSV rows. A cell that a spreadsheet would run as a formula (starting = + - @, tab or carriage
/// return) is prefixed with an apostrophe: the text comes from users.</summary>
public static class Csv
{
    public static void Row(StringBuilder csv, params string?[] cells)
    {
        csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
    }

    public static string Cell(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }
}
