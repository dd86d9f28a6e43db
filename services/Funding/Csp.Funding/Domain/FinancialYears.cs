using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;

namespace Csp.Funding.Domain;

/// <summary>Reading typed periods (the building blocks' <see cref="FinancialYear"/> <c>2024-25</c> and
/// <see cref="FinancialQuarter"/> <c>2024-Q2</c>) from requests, with errors naming the field.</summary>
public static class Periods
{
    public static FinancialYear? ReadYear(string field, string? text, ValidationErrors errors)
    {
        if (FinancialYear.TryParse(text, out var year)) return year;
        errors.Add(field, string.IsNullOrWhiteSpace(text) ? "is required: a financial year such as 2024-25" : "must be a financial year such as 2024-25");
        return null;
    }

    public static FinancialQuarter? ReadQuarter(string field, string? text, ValidationErrors errors)
    {
        if (FinancialQuarter.TryParse(text, out var quarter)) return quarter;
        errors.Add(field, string.IsNullOrWhiteSpace(text) ? "is required: a quarter such as 2024-Q2" : "must be a quarter such as 2024-Q2");
        return null;
    }
}
