using System.Globalization;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Actions;

/// <summary>
/// Recording an update: status, progress and commentary in one form, posted to the action plan with the ETag read with
/// the form (If-Match). The service's field errors are shown against the fields; a 412 shows what changed meanwhile and
/// keeps what the user typed, ready to send again against the new version.
/// </summary>
public sealed class UpdateModel : PartnershipPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["status"] = ("Status", "Status"),
        ["progressPercent"] = ("ProgressPercent", "Progress"),
        ["commentary"] = ("Commentary", "Commentary"),
    };

    [FromRoute] public long ActionId { get; set; }
    [BindProperty] public string? Status { get; set; }
    [BindProperty] public string? ProgressPercent { get; set; }
    [BindProperty] public string? Commentary { get; set; }
    [BindProperty] public string? Version { get; set; }

    public ActionView Action { get; private set; } = null!;
    public IReadOnlyList<ActionUpdate> Updates { get; private set; } = [];
    public IReadOnlyList<string>? Conflict { get; private set; }

    /// <summary>Offer the form to those the action plan lets update it: a partner of the lead agency, or the manager. A
    /// crafted POST by anyone else is still sent, and refused by the service.</summary>
    public bool CanUpdate => Caller.Has(Roles.Manager, PartnershipId) || (Caller.Has(Roles.Partner, PartnershipId) && Caller.Agency == Action.LeadAgencyId);

    public IEnumerable<(string Value, string Text)> StatusChoices =>
        Display.Statuses.Where(s => s.Value != "cancelled" || Caller.Has(Roles.Manager, PartnershipId));

    private string ActionPath => $"{ApiPath}/actions/{ActionId}";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Status = Action.Status;
        ProgressPercent = Action.ProgressPercent.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        int? progress = null;
        if (!string.IsNullOrWhiteSpace(ProgressPercent))
        {
            if (int.TryParse(ProgressPercent.Trim().TrimEnd('%'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) progress = value;
            else ModelState.AddModelError(nameof(ProgressPercent), "Progress must be a whole number, like 40");
        }
        if (ModelState.IsValid)
        {
            var result = await Api.PostAsync<ActionView>($"{ActionPath}/updates", new UpdateDraft(Status, progress, Commentary), ifMatch: Version, cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{PagePath}/my-actions?updated={ActionId}");
            if (result.Status == StatusCodes.Status412PreconditionFailed)
            {
                var before = Version;
                await LoadAsync(cancellationToken);
                Conflict = await ChangesSinceAsync(before, cancellationToken);
                return Page();
            }
            ModelState.AddProblem(result.Problem!, ApiFields);
        }
        await LoadAsync(cancellationToken, keepVersion: true);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken, bool keepVersion = false)
    {
        await LoadPartnershipAsync(cancellationToken, withPlans: true);
        var action = await Api.GetAsync<ActionView>(ActionPath, cancellationToken);
        Action = action.Value!;
        if (!keepVersion || string.IsNullOrEmpty(Version)) Version = action.ETag;
        Updates = (await Api.GetAsync<List<ActionUpdate>>($"{ActionPath}/updates", cancellationToken)).Value ?? [];
    }

    /// <summary>The updates recorded after the version the user's form was read at (the action's version counts its
    /// writes), described in words; the new version is what the form now sends.</summary>
    private Task<IReadOnlyList<string>> ChangesSinceAsync(string? version, CancellationToken cancellationToken)
    {
        var read = long.TryParse(version?.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        var newer = (int)Math.Max(0, Math.Min(Updates.Count, Action.Version - read));
        var changes = Updates.Skip(Updates.Count - newer)
            .Select(u => $"{u.ByName} recorded an update on {Display.Date(u.At)}: {Display.Status(u.Status)}, {u.ProgressPercent}% done. “{u.Commentary}”")
            .ToList();
        if (changes.Count == 0) changes.Add($"The action was changed: it is now {Display.Status(Action.Status)}, {Action.ProgressPercent}% done.");
        return Task.FromResult<IReadOnlyList<string>>(changes);
    }
}
