using Csp.Portal.Packs;

namespace Csp.Portal.Pages.Partnerships.Board;

/// <summary>The board dashboard of one partnership (members may open it; the navigation offers it to the board and the
/// manager): the figures read live from the services.</summary>
public sealed class DashboardModel : BoardPage
{
    public BoardFigures Figures { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Figures = await ReadFiguresAsync(null, cancellationToken);
    }
}
