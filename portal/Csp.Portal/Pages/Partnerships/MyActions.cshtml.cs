using Csp.Portal.Api;

namespace Csp.Portal.Pages.Partnerships;

/// <summary>A partner's actions: those their agency leads, grouped by priority, overdue and due soon first, with the current
/// update round's deadline and the updates still owed.</summary>
public sealed class MyActionsModel : PartnershipPage
{
    public string? Agency { get; private set; }
    public IReadOnlyList<IGrouping<string, ActionView>> Groups { get; private set; } = [];
    public UpdateRoundView? Round { get; private set; }
    public IReadOnlySet<long> Owed { get; private set; } = new HashSet<long>();
    public ActionView? Updated { get; private set; }
    private DateOnly _today;

    public bool DueSoon(ActionView a) => a.Open && !a.Overdue && a.DueDate <= _today.AddDays(Options.DueSoonDays);

    public async Task OnGetAsync(long? updated, CancellationToken cancellationToken)
    {
        _today = Today;
        Agency = Caller.Agency;
        await LoadPartnershipAsync(cancellationToken, withPlans: true);
        // The API's agency filter also matches supporting agencies; My actions are the ones the agency leads.
        var actions = Agency is null ? [] : (await ListActionsAsync("&agency=" + Uri.EscapeDataString(Agency), cancellationToken)).Where(a => a.LeadAgencyId == Agency).ToList();
        Groups = actions
            .OrderBy(a => a.Overdue ? 0 : DueSoon(a) ? 1 : a.Open ? 2 : 3)
            .ThenBy(a => a.DueDate)
            .GroupBy(a => a.PriorityId)
            .OrderBy(g => g.Min(a => a.Overdue ? 0 : DueSoon(a) ? 1 : 2))
            .ThenBy(g => PriorityTitle(g.Key), StringComparer.Ordinal)
            .ToList();
        Updated = updated is { } id ? actions.FirstOrDefault(a => a.Id == id) : null;

        var rounds = (await Api.GetAsync<List<UpdateRoundView>>(ApiPath + "/update-rounds", cancellationToken)).Value ?? [];
        Round = rounds.Where(r => r.OpensOn <= _today).OrderBy(r => r.PastDeadline).ThenByDescending(r => r.Deadline).FirstOrDefault();
        if (Round is not null && Agency is not null)
        {
            var owed = (await Api.GetAsync<List<OutstandingView>>($"{ApiPath}/update-rounds/{Uri.EscapeDataString(Round.Id)}/outstanding?agency={Uri.EscapeDataString(Agency)}", cancellationToken)).Value ?? [];
            Owed = owed.Select(o => o.ActionId).ToHashSet();
        }
    }
}
