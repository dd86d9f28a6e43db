using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Csp.Portal.Pages;

/// <summary>The start page; once signed in, the partnerships the user belongs to (from the action plan) and what they can do in each.</summary>
[AllowAnonymous]
public sealed class IndexModel(GatewayApi api) : PageModel
{
    public bool SignedIn { get; private set; }
    public Caller Caller { get; private set; } = null!;
    public IReadOnlyList<PartnershipSummary> Partnerships { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        SignedIn = User.Identity?.IsAuthenticated == true;
        Caller = Caller.From(User);
        if (SignedIn) Partnerships = (await api.GetAsync<List<PartnershipSummary>>("api/partnerships", cancellationToken)).Value ?? [];
    }
}
