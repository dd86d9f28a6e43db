using System.Globalization;
using Csp.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>The base of the manager's pages about one allocation: its id from the route, the allocation (with its
/// ETag) and the UK-date fields the forms share.</summary>
public abstract class FundingPage : PartnershipPage
{
    [FromRoute] public string AllocationId { get; set; } = "";

    public Allocation Allocation { get; private set; } = null!;
    public string? AllocationETag { get; private set; }

    protected string AllocationPath => $"{ApiPath}/funding/allocations/{Uri.EscapeDataString(AllocationId)}";

    public string AllocationPage => $"{PagePath}/funding/{Uri.EscapeDataString(AllocationId)}";

    protected async Task LoadAllocationAsync(CancellationToken cancellationToken, bool withPlans = false)
    {
        await LoadPartnershipAsync(cancellationToken, withPlans);
        var read = await Api.GetAsync<Allocation>(AllocationPath, cancellationToken);
        Allocation = read.Value!;
        AllocationETag = read.ETag;
    }

    /// <summary>A GOV.UK date input's three fields as a date; an impossible date is an error against <paramref name="key"/>.</summary>
    protected DateOnly? ReadDate(string? day, string? month, string? year, string key, string label)
    {
        if (string.IsNullOrWhiteSpace(day) && string.IsNullOrWhiteSpace(month) && string.IsNullOrWhiteSpace(year)) return null;
        if (int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1000 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
            return new DateOnly(y, m, d);
        ModelState.AddModelError(key, $"{label} must be a real date, like 27 3 2025");
        return null;
    }
}
