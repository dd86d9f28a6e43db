using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>
/// Requesting a virement (manager): money moved from one project of the allocation to another, typed in pounds and sent
/// exactly as typed (less the pound sign and separators), with the reason. The funding service checks the request (both
/// projects exist and differ, an amount with at most two decimal places) and the funder's finance officer decides it on the
/// funder's allocation page; approving it moves the money (only between approved projects, within what is unspent).
/// Offered to the manager; anyone else's POST goes to the service, which refuses it.
/// </summary>
public sealed class NewVirementModel : FundingPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["fromProjectId"] = ("FromProjectId", "Move money from"),
        ["toProjectId"] = ("ToProjectId", "Move money to"),
        ["amount"] = ("Amount", "Amount to move"),
        ["reason"] = ("Reason", "Reason"),
        ["kind"] = ("FromProjectId", "Virement:"),
    };

    /// <summary>The service's messages name the other project field as the API spells it; the page uses the form's words.</summary>
    private static readonly IReadOnlyDictionary<string, string> ApiWords = new Dictionary<string, string>
    {
        ["fromProjectId"] = "the project the money comes from",
    };

    [BindProperty] public int? FromProjectId { get; set; }
    [BindProperty] public int? ToProjectId { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public bool IsManager => Caller.Has(Roles.Manager, PartnershipId);

    /// <summary>The projects money can move between: the approved ones (the funder's rule when deciding), then the rest.</summary>
    public IReadOnlyList<Project> Choices => [.. Allocation.Projects.Where(p => p.Status == "approved"), .. Allocation.Projects.Where(p => p.Status != "approved")];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAllocationAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var draft = new VirementDraft("virement", FromProjectId, ToProjectId, MoneyTyped(Amount), string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim());
        var result = await Api.PostAsync<Allocation>($"{AllocationPath}/variations", draft, idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
        if (result.Succeeded) return Redirect($"{AllocationPage}?done=virement#variations");
        ModelState.AddProblem(Reworded(result.Problem!), ApiFields);
        await LoadAllocationAsync(cancellationToken);
        return Page();
    }

    private static ApiProblem Reworded(ApiProblem problem) => problem with
    {
        Errors = problem.Errors.ToDictionary(e => e.Key, e => e.Value.Select(m => ApiWords.Aggregate(m, (s, w) => s.Replace(w.Key, w.Value, StringComparison.Ordinal))).ToArray()),
    };

    public static string Choice(Project p) =>
        $"{p.Title}: {p.Amount.Shown}, {ManagerFunding.Amount.Show(p.Amount.Pence - p.Spent.Pence)} unspent" + (p.Status == "approved" ? "" : $" ({StatusText(p.Status).ToLowerInvariant()})");
}
