using System.Globalization;

namespace Csp.Kpi.Domain;

/// <summary>What a KPI's value is measured in.</summary>
public enum Unit { Count, Percentage, RatePer1000, Pounds, Days, Score }

/// <summary>Which way is better. A contextual KPI is never judged red or green: it shows its trend and needs a narrative
/// (seed 004: more domestic-abuse reports were welcome, because the crime is under-reported).</summary>
public enum Polarity { HigherIsBetter, LowerIsBetter, Contextual }

/// <summary>How a measurement came to be: typed by hand, imported from a file, or derived from other services' events.</summary>
public enum Provenance { Manual, Imported, Derived }

/// <summary>Values written the way a report writes them, by unit: <c>652</c>, <c>60.0%</c>, <c>23.4 per 1,000</c>,
/// <c>£1,234.56</c>, <c>12 days</c>, <c>3.5</c>.</summary>
public static class UnitFormat
{
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    public static string Format(decimal value, Unit unit) => unit switch
    {
        Unit.Count => Plain(value),
        Unit.Percentage => value.ToString("#,##0.0", Uk) + "%",
        Unit.RatePer1000 => value.ToString("#,##0.0", Uk) + " per 1,000",
        Unit.Pounds => (value < 0 ? "-£" : "£") + Math.Abs(value).ToString(Math.Abs(value) % 1 == 0 ? "#,##0" : "#,##0.00", Uk),
        Unit.Days => Plain(value) + (value == 1 ? " day" : " days"),
        _ => Plain(value),
    };

    /// <summary>A difference in the unit's terms: <c>3.4 per 1,000</c>, <c>2 percentage points</c>.</summary>
    public static string FormatDifference(decimal difference, Unit unit) => unit == Unit.Percentage
        ? difference.ToString("#,##0.0", Uk) + " percentage points"
        : Format(difference, unit);

    private static string Plain(decimal value) => (value % 1 == 0 ? value.ToString("#,##0", Uk) : value.Normalize().ToString("#,##0.############", Uk));

    private static decimal Normalize(this decimal value) => value / 1.000000000000000000000000000000000m;
}
