using System.Globalization;
using System.Text.RegularExpressions;
using Csp.BuildingBlocks.Time;

namespace Csp.Kpi.Domain.Imports;

/// <summary>
/// The periods an import writes, always in the canonical form: a month <c>2023-04</c>, a financial quarter
/// <c>2023-Q1</c> (April-June 2023; Q4 = January-March 2024) or a financial year <c>2023-24</c>. Years run from
/// <see cref="FirstYear"/> to <see cref="LastYear"/>. A text such as <c>2011-12</c> is both December 2011 and the
/// financial year 2011-12; it is accepted as written and the KPI's frequency decides which it is (only years before
/// 2012 can be read both ways).
/// </summary>
public static partial class ImportPeriods
{
    public const int FirstYear = 1990;
    public const int LastYear = 2100;

    public const string Forms = "a month such as 2023-04, a financial quarter such as 2023-Q1 (April to June 2023) or a financial year such as 2023-24";

    /// <summary>True when <paramref name="text"/> is one of the canonical forms, with a real month, quarter or year.</summary>
    public static bool IsCanonical(string text) => IsMonth(text) || IsQuarter(text) || IsFinancialYear(text);

    public static bool IsMonth(string text)
    {
        var m = MonthPattern().Match(text);
        return m.Success && InRange(m.Groups[1].Value) && int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) is >= 1 and <= 12;
    }

    public static bool IsQuarter(string text) => QuarterPattern().Match(text) is { Success: true } m && InRange(m.Groups[1].Value);

    // ASCII digits first: the building block's pattern (\d) also matches other scripts' digits, which int.Parse rejects.
    public static bool IsFinancialYear(string text) =>
        FinancialYearPattern().IsMatch(text) && FinancialYear.TryParse(text, out var year) && year.StartYear is >= FirstYear and <= LastYear;

    /// <summary>The canonical month: <c>2024-03</c>.</summary>
    public static string Month(int year, int month) => $"{year:0000}-{month:00}";

    private static bool InRange(string year) => int.Parse(year, CultureInfo.InvariantCulture) is >= FirstYear and <= LastYear;

    [GeneratedRegex(@"\A([0-9]{4})-([0-9]{2})\z")] private static partial Regex MonthPattern();
    [GeneratedRegex(@"\A([0-9]{4})-Q[1-4]\z")] private static partial Regex QuarterPattern();
    [GeneratedRegex(@"\A[0-9]{4}-[0-9]{2}\z")] private static partial Regex FinancialYearPattern();
}

/// <summary>
/// Numbers in import files: invariant culture, a point for decimals, an optional leading minus, no thousands
/// separators, no currency or percent signs, no exponent; at most 18 digits before the point and 10 after, so that
/// every accepted number is held exactly (a longer one would be rounded silently by <see cref="decimal"/>).
/// </summary>
public static partial class ImportNumbers
{
    public const string DecimalForm = "a number such as 12 or -3.75 (a point for decimals, no thousands separators)";
    public const string CountForm = "a whole number of 0 or more such as 1234 (no thousands separators)";

    public static bool TryDecimal(string text, out decimal value, out string error)
    {
        value = 0;
        error = "";
        if (text.Length == 0) { error = $"is empty: expected {DecimalForm}"; return false; }
        if (!DecimalPattern().IsMatch(text)) { error = Explain(text, DecimalForm); return false; }
        value = decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return true;
    }

    public static bool TryCount(string text, out long value, out string error)
    {
        value = 0;
        error = "";
        if (text.Length == 0) { error = $"is empty: expected {CountForm}"; return false; }
        if (!CountPattern().IsMatch(text)) { error = Explain(text, CountForm); return false; }
        value = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    private static string Explain(string text, string form)
    {
        if (text.Contains(',', StringComparison.Ordinal)) return $"'{text}' has a comma: write {form}";
        if (text.Contains('%', StringComparison.Ordinal)) return $"'{text}' has a percent sign: write the number alone, {form}";
        if (text.IndexOfAny(['£', '$', '€']) >= 0) return $"'{text}' has a currency sign: write the number alone, {form}";
        return $"'{text}' is not {form}";
    }

    [GeneratedRegex(@"\A-?[0-9]{1,18}(\.[0-9]{1,10})?\z")] private static partial Regex DecimalPattern();
    [GeneratedRegex(@"\A[0-9]{1,15}\z")] private static partial Regex CountPattern();
}
