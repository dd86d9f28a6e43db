using System.Globalization;
using Csp.Portal.Api;
using Csp.Portal.Api.Funding;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// The base of the funder's pages for one decision on an allocation (a project's decision, a tranche's cancellation, the
/// year end), under <c>/funders/{f}/allocations/{partnership}/{allocationId}/...</c>: reads the allocation with its ETag;
/// a write is sent with that ETag as If-Match; on success back to the allocation page with a success banner; a 412 shows
/// the allocation as it is now and keeps what was typed (the next send carries the new ETag); any other refusal is the
/// service's problem, on the fields or in the error summary. The service decides every write.
/// </summary>
public abstract class AllocationSubPage : FunderPage
{
    [FromRoute(Name = "partnership")] public string PartnershipId { get; set; } = "";
    [FromRoute] public string AllocationId { get; set; } = "";
    [BindProperty] public string? Version { get; set; }

    public AllocationView Allocation { get; private set; } = null!;
    public PartnershipView? Partnership { get; private set; }

    /// <summary>Set when a write met a 412: the allocation changed since the page was read; nothing was saved.</summary>
    public bool Conflict { get; private set; }

    public string PartnershipTitle => Partnership?.Name ?? PartnershipId;
    public string AgencyName(string id) => Partnership?.AgencyName(id) ?? id;

    public string AllocationPagePath => $"{FunderPagePath}/allocations/{Uri.EscapeDataString(PartnershipId)}/{Uri.EscapeDataString(AllocationId)}";
    protected string AllocationApiPath => $"api/partnerships/{Uri.EscapeDataString(PartnershipId)}/funding/allocations/{Uri.EscapeDataString(AllocationId)}";

    /// <summary>These pages are the funder's decisions: anyone else is shown the permission page (403) and never offered a
    /// link to them. A POST is not stopped here: the funding service refuses it (so a crafted one proves the service's rule).</summary>
    protected void RequireFunder()
    {
        if (!ActsForFunder)
            throw new ApiFailure(System.Net.HttpStatusCode.Forbidden, new ApiProblem(403, "Only a finance officer acting for the funder makes these decisions", null, ApiProblem.NoErrors, null));
    }

    protected virtual Task LoadMoreAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected async Task LoadAsync(CancellationToken cancellationToken, bool keepVersion = false)
    {
        var allocation = await Api.GetAsync<AllocationView>(AllocationApiPath, cancellationToken);
        Allocation = allocation.Value!;
        if (!keepVersion || string.IsNullOrEmpty(Version)) Version = allocation.ETag;
        Partnership = (await Api.GetAsync<PartnershipView>("api/partnerships/" + Uri.EscapeDataString(PartnershipId), cancellationToken)).Value;
        await LoadMoreAsync(cancellationToken);
    }

    /// <summary>Sends one write when the local checks passed: on success to the allocation page saying what was done; on a
    /// 412 this page again with the allocation as it is now and the input kept; otherwise the service's problem.</summary>
    protected async Task<IActionResult> WriteAsync(Func<Task<ApiResult<AllocationView>>> send, IReadOnlyDictionary<string, (string Key, string Label)> fields,
        string done, int? item, CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await send();
            if (result.Succeeded)
                return Redirect($"{AllocationPagePath}?done={done}{(item is null ? "" : "&item=" + item.Value.ToString(CultureInfo.InvariantCulture))}#outcome");
            if (result.Status == StatusCodes.Status412PreconditionFailed)
            {
                Conflict = true;
                await LoadAsync(cancellationToken);
                return Page();
            }
            ModelState.AddProblem(result.Problem!, fields);
        }
        await LoadAsync(cancellationToken, keepVersion: true);
        return Page();
    }

    /// <summary>A day, month and year typed in the GOV.UK date pattern: null when all three are empty; an error against
    /// <paramref name="key"/> when they are not a real date.</summary>
    protected DateOnly? ReadDate(string? day, string? month, string? year, string key, string label)
    {
        if (string.IsNullOrWhiteSpace(day) && string.IsNullOrWhiteSpace(month) && string.IsNullOrWhiteSpace(year)) return null;
        if (int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1000 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
            return new DateOnly(y, m, d);
        ModelState.AddModelError(key, $"{label} must be a real date, like 31 3 2025");
        return null;
    }
}
