using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Csp.BuildingBlocks.Time;

namespace Csp.Kpi.Domain;

/// <summary>How often a KPI is measured; it fixes how its periods are written.</summary>
public enum Frequency { Monthly, Quarterly, Annual }

/// <summary>
/// A reporting period, typed by its frequency: monthly <c>2023-04</c> (April 2023), quarterly <c>2023-Q1</c> (April-June
/// 2023, the first quarter of financial year 2023-24) and annual <c>2023-24</c> (the financial year April 2023 - March 2024).
/// Periods of one frequency are numbered consecutively (<see cref="Ordinal"/>), so the previous period, the same period
/// last year and "the last 8 periods" are arithmetic. <c>2003-04</c> reads as April 2003 or financial year 2003-04: the
/// KPI's frequency decides (<see cref="TryParse(string?, Frequency, out Period)"/>).
/// </summary>
[JsonConverter(typeof(PeriodJsonConverter))]
public readonly partial record struct Period(Frequency Frequency, int Ordinal) : IComparable<Period>
{
    public static Period Month(int year, int month) => new(Frequency.Monthly, year * 12 + month - 1);
    public static Period Quarter(FinancialQuarter quarter) => new(Frequency.Quarterly, quarter.Year * 4 + quarter.Quarter - 1);
    public static Period Year(FinancialYear year) => new(Frequency.Annual, year.StartYear);

    /// <summary>How many periods make a year: 12, 4 or 1.</summary>
    public int PerYear => Frequency switch { Frequency.Monthly => 12, Frequency.Quarterly => 4, _ => 1 };

    public Period Previous => this with { Ordinal = Ordinal - 1 };
    public Period Next => this with { Ordinal = Ordinal + 1 };
    public Period SamePeriodLastYear => this with { Ordinal = Ordinal - PerYear };
    public Period Minus(int periods) => this with { Ordinal = Ordinal - periods };

    /// <summary>The financial year the period falls in (a monthly period of January-March falls in the year that began the April before).</summary>
    public FinancialYear FinancialYear => FinancialYear.Containing(Start);

    public DateOnly Start => Frequency switch
    {
        Frequency.Monthly => new DateOnly(Ordinal / 12, Ordinal % 12 + 1, 1),
        Frequency.Quarterly => AsQuarter.Start,
        _ => new FinancialYear(Ordinal).Start,
    };

    public DateOnly End => Frequency switch
    {
        Frequency.Monthly => Start.AddMonths(1).AddDays(-1),
        Frequency.Quarterly => AsQuarter.End,
        _ => new FinancialYear(Ordinal).End,
    };

    private FinancialQuarter AsQuarter => new(Ordinal / 4, Ordinal % 4 + 1);

    /// <summary>The period of <paramref name="frequency"/> that contains <paramref name="date"/>.</summary>
    public static Period Containing(DateOnly date, Frequency frequency) => frequency switch
    {
        Frequency.Monthly => Month(date.Year, date.Month),
        Frequency.Quarterly => Quarter(FinancialQuarter.Containing(date)),
        _ => Year(FinancialYear.Containing(date)),
    };

    /// <summary>Reads a period of the given frequency; anything else (another frequency's form, month 13) is false.</summary>
    public static bool TryParse(string? text, Frequency frequency, out Period period)
    {
        period = default;
        if (text is null) return false;
        switch (frequency)
        {
            case Frequency.Quarterly when FinancialQuarter.TryParse(text, out var q) && q.Year is >= 1900 and <= 2999:
                period = Quarter(q);
                return true;
            case Frequency.Annual when FinancialYear.TryParse(text, out var y) && y.StartYear is >= 1900 and <= 2999:
                period = Year(y);
                return true;
            case Frequency.Monthly:
                var m = MonthPattern().Match(text);
                if (!m.Success) return false;
                var (year, month) = (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                if (year is < 1900 or > 2999 || month is < 1 or > 12) return false;
                period = Month(year, month);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The frequency a written period has, when only one reading is possible (<c>2023-Q1</c>, <c>2023-24</c>,
    /// <c>2023-04</c>); null when it is not a period or could be a month or a year (<c>2003-04</c>).</summary>
    public static Frequency? FrequencyOf(string? text)
    {
        var readings = Enum.GetValues<Frequency>().Where(f => TryParse(text, f, out _)).ToList();
        return readings.Count == 1 ? readings[0] : null;
    }

    /// <summary>The canonical written form of each frequency, for messages.</summary>
    public static string Example(Frequency frequency) => frequency switch
    {
        Frequency.Monthly => "a month such as 2023-04",
        Frequency.Quarterly => "a financial quarter such as 2023-Q1 (April-June 2023)",
        _ => "a financial year such as 2023-24",
    };

    /// <summary>A period of any frequency (the scorecard's <c>period</c>): null when empty; one that reads as a month and
    /// as a year (<c>2003-04</c>) must be asked for as a quarter instead.</summary>
    public static Period? ReadAny(string field, string? text, Csp.BuildingBlocks.Validation.ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (FrequencyOf(text) is { } f) return Parse(text, f);
        errors.Add(field, Enum.GetValues<Frequency>().Count(fr => TryParse(text, fr, out _)) > 1
            ? $"'{text}' reads as a month and as a financial year; ask for a quarter such as 2003-Q1 instead"
            : "must be a month such as 2023-04, a financial quarter such as 2023-Q1 or a financial year such as 2023-24");
        return null;
    }

    public static Period Parse(string text, Frequency frequency) =>
        TryParse(text, frequency, out var p) ? p : throw new FormatException($"'{text}' is not {Example(frequency)}");

    public override string ToString() => Frequency switch
    {
        Frequency.Monthly => $"{Ordinal / 12:0000}-{Ordinal % 12 + 1:00}",
        Frequency.Quarterly => AsQuarter.ToString(),
        _ => new FinancialYear(Ordinal).ToString(),
    };

    public int CompareTo(Period other) => Frequency != other.Frequency
        ? throw new InvalidOperationException($"A {Frequency} period cannot be compared with a {other.Frequency} one.")
        : Ordinal.CompareTo(other.Ordinal);

    public static bool operator <(Period a, Period b) => a.CompareTo(b) < 0;
    public static bool operator >(Period a, Period b) => a.CompareTo(b) > 0;
    public static bool operator <=(Period a, Period b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Period a, Period b) => a.CompareTo(b) >= 0;

    [GeneratedRegex(@"^(\d{4})-(\d{2})$")] private static partial Regex MonthPattern();
}

/// <summary>A period in JSON is its written form (<c>2023-Q1</c>). The few forms that read both as a month and as a financial
/// year (<c>2003-04</c>) are written with their frequency's letter (<c>m:2003-04</c>, <c>a:2003-04</c>) so they read back as they were.</summary>
public sealed class PeriodJsonConverter : JsonConverter<Period>
{
    public override Period Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        // Stored periods carry a frequency prefix where the form is ambiguous (m:2003-04, a:2003-04).
        if (text is { Length: > 2 } && text[1] == ':')
        {
            var frequency = text[0] switch { 'm' => Frequency.Monthly, 'q' => Frequency.Quarterly, 'a' => Frequency.Annual, _ => (Frequency?)null };
            if (frequency is { } f && Period.TryParse(text[2..], f, out var tagged)) return tagged;
        }
        if (Period.FrequencyOf(text) is { } only && Period.TryParse(text, only, out var period)) return period;
        throw new JsonException("expected a period such as 2023-04, 2023-Q1 or 2023-24");
    }

    public override void Write(Utf8JsonWriter writer, Period value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Period.FrequencyOf(value.ToString()) is null ? $"{char.ToLowerInvariant(value.Frequency.ToString()[0])}:{value}" : value.ToString());
}
