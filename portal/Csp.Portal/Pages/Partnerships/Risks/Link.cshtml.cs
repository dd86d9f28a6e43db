using System.Globalization;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Risks;

/// <summary>
/// Linking an action of the plan as a mitigation of a risk (the owning agency's partners and the manager). The choice is
/// the partnership's actions not linked yet; the risk service checks the action with the action plan (a 400 naming
/// <c>actionId</c> when it is not there). No If-Match: a link adds to the risk and does not depend on its ratings.
/// </summary>
public sealed class LinkModel : PartnershipPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["actionId"] = ("ActionId", "Action"),
    };

    [FromRoute] public long RiskId { get; set; }
    [BindProperty] public string? ActionId { get; set; }

    public RiskView Risk { get; private set; } = null!;
    public IReadOnlyList<IGrouping<string, ActionView>> Choices { get; private set; } = [];

    public bool CanLink => Caller.Has(Roles.Manager, PartnershipId) || (Caller.Has(Roles.Partner, PartnershipId) && Caller.Agency == Risk.OwningAgencyId);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        long? actionId = null;
        if (string.IsNullOrWhiteSpace(ActionId)) ModelState.AddModelError(nameof(ActionId), "Choose the action that mitigates this risk");
        else if (long.TryParse(ActionId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) actionId = id;
        else ModelState.AddModelError(nameof(ActionId), "Action must be one of the plan's actions");
        if (ModelState.IsValid)
        {
            var result = await Api.PostAsync<RiskView>($"{ApiPath}/risks/{RiskId}/mitigations", new MitigationDraft(actionId),
                idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{PagePath}/risks/{RiskId}?linked={actionId}");
            ModelState.AddProblem(result.Problem!, ApiFields);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken, withPlans: true);
        Risk = (await Api.GetAsync<RiskView>($"{ApiPath}/risks/{RiskId}", cancellationToken)).Value!;
        var linked = Risk.Mitigations.Select(m => m.ActionId).ToHashSet();
        var actions = await ListActionsAsync("", cancellationToken);
        Choices = actions.Where(a => a.Open && !linked.Contains(a.Id))
            .OrderBy(a => PriorityTitle(a.PriorityId), StringComparer.Ordinal).ThenBy(a => a.Title, StringComparer.Ordinal)
            .GroupBy(a => PriorityTitle(a.PriorityId)).ToList();
    }
}
