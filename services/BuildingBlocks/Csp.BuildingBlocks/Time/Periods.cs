using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Csp.BuildingBlocks.Time;

/// <summary>
/// A UK financial year, April to March, written <c>2019-20</c>.
/// </summary>
[JsonConverter(typeof(FinancialYearJsonConverter))]
public readonly partial record struct FinancialYear(int StartYear) : IComparable<FinancialYear>
{
    public DateOnly Start => new(StartYear, 4, 1);
    public DateOnly End => new(StartYear + 1, 3, 31);

    public static FinancialYear Containing(DateOnly date) => new(date.Month >= 4 ? date.Year : date.Year - 1);

    public static bool TryParse(string? text, out FinancialYear year)
    {
        year = default;
        if (text is null || !FinancialYearPattern().IsMatch(text)) return false;
        var start = int.Parse(text[..4], CultureInfo.InvariantCulture);
        if ((start + 1) % 100 != int.Parse(text[5..], CultureInfo.InvariantCulture)) return false;
        year = new FinancialYear(start);
        return true;
    }

    public static FinancialYear Parse(string text) =>
        TryParse(text, out var year) ? year : throw new FormatException($"'{text}' is not a financial year such as 2019-20");

    public override string ToString() => $"{StartYear}-{(StartYear + 1) % 100:00}";

    public int CompareTo(FinancialYear other) => StartYear.CompareTo(other.StartYear);

    [GeneratedRegex(@"\A[0-9]{4}-[0-9]{2}\z")] private static partial Regex FinancialYearPattern();
}

/// <summary>
/// A quarter of the UK financial year, written <c>2023-Q1</c>: Q1 = April-June 2023, Q4 = January-March 2024
/// (the way councils and the PCC report: "Q1 2023/24").
/// </summary>
[JsonConverter(typeof(FinancialQuarterJsonConverter))]
public readonly partial record struct FinancialQuarter(int Year, int Quarter) : IComparable<FinancialQuarter>
{
    public DateOnly Start => new DateOnly(Year, 4, 1).AddMonths(3 * (Quarter - 1));
    public DateOnly End => Start.AddMonths(3).AddDays(-1);
    public FinancialYear FinancialYear => new(Year);
    public FinancialQuarter Previous => Quarter == 1 ? new(Year - 1, 4) : new(Year, Quarter - 1);

    public static FinancialQuarter Containing(DateOnly date)
    {
        var fy = FinancialYear.Containing(date);
        var monthsIn = (date.Year - fy.StartYear) * 12 + date.Month - 4;
        return new FinancialQuarter(fy.StartYear, monthsIn / 3 + 1);
    }

    public static bool TryParse(string? text, out FinancialQuarter quarter)
    {
        quarter = default;
        if (text is null) return false;
        var m = QuarterPattern().Match(text);
        if (!m.Success) return false;
        quarter = new FinancialQuarter(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        return true;
    }

    public static FinancialQuarter Parse(string text) =>
        TryParse(text, out var q) ? q : throw new FormatException($"'{text}' is not a quarter such as 2023-Q1");

    public override string ToString() => $"{Year}-Q{Quarter}";

    public int CompareTo(FinancialQuarter other) => (Year, Quarter).CompareTo((other.Year, other.Quarter));

    [GeneratedRegex(@"\A([0-9]{4})-Q([1-4])\z")] private static partial Regex QuarterPattern();
}

public sealed class FinancialYearJsonConverter : JsonConverter<FinancialYear>
{
    public override FinancialYear Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && FinancialYear.TryParse(reader.GetString(), out var y)
            ? y : throw new JsonException("expected a financial year such as 2019-20");

    public override void Write(Utf8JsonWriter writer, FinancialYear value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

public sealed class FinancialQuarterJsonConverter : JsonConverter<FinancialQuarter>
{
    public override FinancialQuarter Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && FinancialQuarter.TryParse(reader.GetString(), out var q)
            ? q : throw new JsonException("expected a quarter such as 2023-Q1");

    public override void Write(Utf8JsonWriter writer, FinancialQuarter value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
