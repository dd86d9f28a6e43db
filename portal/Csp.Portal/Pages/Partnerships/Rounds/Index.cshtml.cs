using Csp.Portal.Api;

namespace Csp.Portal.Pages.Partnerships.Rounds;

/// <summary>The partnership's update rounds with the number of updates each is still owed (manager).</summary>
public sealed class RoundsModel : PartnershipPage
{
    public IReadOnlyList<UpdateRoundView> Rounds { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        Rounds = (await Api.GetAsync<List<UpdateRoundView>>(ApiPath + "/update-rounds", cancellationToken)).Value ?? [];
    }
}
