using Csp.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Rounds;

/// <summary>One round: what is still owed, by lead agency (members may read it; the navigation offers it to managers).</summary>
public sealed class RoundModel : PartnershipPage
{
    [FromRoute] public string RoundId { get; set; } = "";
    public UpdateRoundView Round { get; private set; } = null!;
    public IReadOnlyList<OutstandingView> Outstanding { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        var path = $"{ApiPath}/update-rounds/{Uri.EscapeDataString(RoundId)}";
        Round = (await Api.GetAsync<UpdateRoundView>(path, cancellationToken)).Value!;
        Outstanding = (await Api.GetAsync<List<OutstandingView>>(path + "/outstanding", cancellationToken)).Value ?? [];
    }
}
