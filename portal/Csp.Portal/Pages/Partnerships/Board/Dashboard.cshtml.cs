using Csp.Portal.Packs;

namespace Csp.Portal.Pages.Partnerships.Board;

/// <summary>The board dashboard of one partnership (members may open it; the navigation offers it to the board and the
/// manager): the figures read live from the services (the partnership, its plans and its risk matrix from the user's
/// copy of the last minute, see <see cref="BoardFiguresReader.ReadAsync"/>).</summary>
public sealed class DashboardModel : BoardPage
{
    public BoardFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Figures = await Reader.ReadAsync(PartnershipId, null, cancellationToken, cacheFor: Caller.Subject);
    }
}
