using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Validation;

namespace Csp.Funding.Domain;

/// <summary>
/// An exact amount of money in integer pence, stored and computed as a whole number, never floating point. Amounts enter as
/// a decimal string (<c>"39661.00"</c>) or a JSON number (<c>39661</c>) with at most two decimal places; a third decimal
/// place is refused naming the field. Every amount is at most <see cref="Max"/> in size, and every sum is checked
/// arithmetic (an overflow throws, it never wraps): with amounts at most £10 trillion, more than 900,000 of them add up
/// inside a 64-bit count of pence. Stored (and in the API's <c>...Pence</c> fields) as the integer number of pence.
/// </summary>
[JsonConverter(typeof(MoneyJsonConverter))]
public readonly record struct Money(long Pence) : IComparable<Money>, IComparable
{
    /// <summary>The largest amount one field may hold: £9,999,999,999,999.99 (10^15 − 1 pence).</summary>
    public static readonly Money Max = new(999_999_999_999_999);

    public static readonly Money Zero = new(0);

    public static Money Pounds(long pounds) => new(checked(pounds * 100));

    public bool IsNegative => Pence < 0;
    public bool IsZero => Pence == 0;
    public bool IsPositive => Pence > 0;

    public static Money operator +(Money a, Money b) => new(checked(a.Pence + b.Pence));
    public static Money operator -(Money a, Money b) => new(checked(a.Pence - b.Pence));
    public static Money operator -(Money a) => new(checked(-a.Pence));
    public static bool operator <(Money a, Money b) => a.Pence < b.Pence;
    public static bool operator >(Money a, Money b) => a.Pence > b.Pence;
    public static bool operator <=(Money a, Money b) => a.Pence <= b.Pence;
    public static bool operator >=(Money a, Money b) => a.Pence >= b.Pence;

    public static Money Sum(IEnumerable<Money> amounts) => amounts.Aggregate(Zero, (total, m) => total + m);

    public static Money Min(Money a, Money b) => a <= b ? a : b;
    public static Money Max0(Money a) => a.IsNegative ? Zero : a;

    public int CompareTo(Money other) => Pence.CompareTo(other.Pence);

    public int CompareTo(object? other) => other is Money m ? CompareTo(m) : throw new ArgumentException("not Money", nameof(other));

    /// <summary>Pounds and pence with two decimal places and no separators, e.g. <c>39661.00</c>, <c>-12.50</c> (the API's text form).</summary>
    public string ToDecimalString() => (Pence / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>As people read it: <c>£39,661.00</c>, <c>-£12.50</c>.</summary>
    public override string ToString() => (Pence < 0 ? "-" : "") + "£" + (Math.Abs((decimal)Pence) / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an amount from a decimal text: digits, an optional leading minus sign and at most two decimal places. No
    /// exponent, no thousands separators, no currency sign. Errors name <paramref name="field"/>. A negative amount is
    /// refused unless <paramref name="allowNegative"/>; zero unless <paramref name="allowZero"/>.
    /// </summary>
    public static Money? Read(string field, string? text, ValidationErrors errors, bool allowNegative = false, bool allowZero = false)
    {
        if (string.IsNullOrWhiteSpace(text)) { errors.Add(field, "is required: an amount in pounds, e.g. \"39661.00\""); return null; }
        var t = text.Trim();
        var negative = t.StartsWith('-');
        var digits = negative ? t[1..] : t;
        var point = digits.IndexOf('.');
        var whole = point < 0 ? digits : digits[..point];
        var fraction = point < 0 ? "" : digits[(point + 1)..];
        if (whole.Length == 0 || !whole.All(char.IsAsciiDigit) || (point >= 0 && (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit))))
        {
            errors.Add(field, "must be an amount in pounds with at most two decimal places, e.g. \"39661.00\" or 39661.5");
            return null;
        }
        if (fraction.Length > 2)
        {
            errors.Add(field, "has more than two decimal places: money is recorded to the penny");
            return null;
        }
        var wholeDigits = whole.TrimStart('0');
        if (wholeDigits.Length > 13) { errors.Add(field, $"is too large: at most {Max}"); return null; }
        var pence = (wholeDigits.Length == 0 ? 0 : long.Parse(wholeDigits, CultureInfo.InvariantCulture)) * 100
            + (fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(2, '0'), CultureInfo.InvariantCulture));
        var money = new Money(negative ? -pence : pence);
        if (pence > Max.Pence) { errors.Add(field, $"is too large: at most {Max}"); return null; }
        if (money.IsNegative && !allowNegative) { errors.Add(field, "must not be negative"); return null; }
        if (money.IsZero && !allowZero) { errors.Add(field, "must be more than zero"); return null; }
        return money;
    }

    /// <summary>Reads an amount from a JSON value: a string or a number, as <see cref="Read(string, string?, ValidationErrors, bool, bool)"/>
    /// (a number is read from its literal text, so <c>39661.67</c> is exact and <c>1.005</c> is refused, never rounded).</summary>
    public static Money? Read(string field, JsonElement? value, ValidationErrors errors, bool allowNegative = false, bool allowZero = false)
    {
        switch (value?.ValueKind)
        {
            case null or JsonValueKind.Null or JsonValueKind.Undefined:
                errors.Add(field, "is required: an amount in pounds, e.g. \"39661.00\"");
                return null;
            case JsonValueKind.String:
                return Read(field, value.Value.GetString(), errors, allowNegative, allowZero);
            case JsonValueKind.Number:
                var raw = value.Value.GetRawText();
                if (raw.Contains('e') || raw.Contains('E'))
                {
                    errors.Add(field, "must be written without an exponent, e.g. 39661.5");
                    return null;
                }
                return Read(field, raw, errors, allowNegative, allowZero);
            default:
                errors.Add(field, "must be an amount in pounds: a string such as \"39661.00\" or a number");
                return null;
        }
    }

    /// <summary>An optional amount: absent or null is null with no error.</summary>
    public static Money? ReadOptional(string field, JsonElement? value, ValidationErrors errors, bool allowNegative = false, bool allowZero = true) =>
        value is null || value.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : Read(field, value, errors, allowNegative, allowZero);
}

/// <summary>Money is stored as its integer number of pence.</summary>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var pence) ? new Money(pence) : throw new JsonException("expected a whole number of pence");

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Pence);
}
