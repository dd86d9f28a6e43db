using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>The partnership's allocations from every funder, newest year first, with their totals (the manager, the
/// partnership's finance contact and the board read them; the funding service decides).</summary>
public sealed class FundingModel : PartnershipPage
{
    public IReadOnlyList<Allocation> Allocations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        Allocations = ((await Api.GetAsync<List<Allocation>>(ApiPath + "/funding/allocations", cancellationToken)).Value ?? [])
            .OrderByDescending(a => a.Year, StringComparer.Ordinal).ThenBy(a => a.ProgrammeTitle, StringComparer.Ordinal).ToList();
    }
}
