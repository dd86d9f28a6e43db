using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>An allocation's spend entries, a page at a time, in the order recorded; the manager and the finance contact
/// are offered "Record spend" and, on each entry, a correction (a negative entry naming it: entries are never edited).</summary>
public sealed class SpendModel : FundingPage
{
    public const int PageSize = 50;

    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public PageView<SpendEntry> Entries { get; private set; } = new([], 0, 1, PageSize);

    public bool CanRecord => (Caller.Has(Roles.Manager, PartnershipId) || Caller.Has(Roles.Finance, PartnershipId)) && Allocation.Status == "confirmed";

    public int PageCount => Math.Max(1, (Entries.Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAllocationAsync(cancellationToken);
        if (PageNumber < 1) PageNumber = 1;
        Entries = (await Api.GetAsync<PageView<SpendEntry>>($"{AllocationPath}/spend?page={PageNumber}&pageSize={PageSize}", cancellationToken)).Value!;
    }

    /// <summary>How much of an entry is left to take back: the entry less the corrections already made to it (on this page).</summary>
    public bool Corrected(SpendEntry entry) => Entries.Items.Where(e => e.CorrectsEntryId == entry.Id).Sum(e => -e.Amount.Pence) >= entry.Amount.Pence;
}
