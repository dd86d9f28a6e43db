using System.Net;
using Csp.Portal.Api;
using Csp.Portal.Packs;
using Csp.Portal.Pages.Partnerships.Board;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Pack;

/// <summary>A stored governance pack, shown exactly as it was made (the board and the manager).</summary>
public sealed class ShowModel : BoardPage
{
    [FromRoute] public string Quarter { get; set; } = "";

    public GovernancePack Pack { get; private set; } = null!;

    public async Task OnGetAsync()
    {
        Pack = await ReadPackAsync(this, Quarter);
    }

    /// <summary>The stored pack, for the board and the manager only; a quarter without one is 404.</summary>
    internal static async Task<GovernancePack> ReadPackAsync(BoardPage page, string quarter)
    {
        page.RequirePackRole();
        return await page.Packs.GetAsync(page.PartnershipId, quarter)
               ?? throw new ApiFailure(HttpStatusCode.NotFound, new ApiProblem(404, $"No governance pack for {quarter}", null, ApiProblem.NoErrors, null));
    }
}
