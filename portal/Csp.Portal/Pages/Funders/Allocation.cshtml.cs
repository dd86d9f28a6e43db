using System.Globalization;
using Csp.Portal.Api;
using Csp.Portal.Api.Funding;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// One partnership's allocation as the funder's finance officer works on it: its state and totals; confirming it with the
/// Police and Crime Panel's date and reference; the payment schedule (a template, or tranches by hand in pounds and pence)
/// and a Release button on each scheduled tranche; monitoring returns to accept or send back with a reason; variations to
/// approve or reject. Every form posts with the antiforgery token and the allocation's ETag as If-Match; the service's
/// problem details are shown in the GOV.UK error summary against the fields, a 412 shows the allocation as it is now and
/// keeps what was typed. Forms are offered to a finance officer acting for the funder; anyone else who may read the
/// allocation sees it without them, and a crafted POST is refused by the service.
/// </summary>
public sealed class AllocationModel : FunderPage
{
    public const int HandTranches = 4;

    public static readonly IReadOnlyList<(string Value, string Text, string Hint)> Templates =
    [
        ("single", "Single payment", "The full award on confirmation."),
        ("two-thirds-then-one-third", "Two-thirds, then one-third", "Two-thirds once business cases are approved, one-third once the Q2 return is accepted. The odd penny falls on the first tranche."),
        ("quarterly", "Quarterly", "A quarter on confirmation, then a quarter after each of the Q1 to Q3 returns is accepted."),
        ("by-hand", "Enter the tranches", "Up to four tranches that add up to the award to the penny."),
    ];

    [FromRoute(Name = "partnership")] public string PartnershipId { get; set; } = "";
    [FromRoute] public string AllocationId { get; set; } = "";
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [FromQuery(Name = "item")] public string? DoneItem { get; set; }

    [BindProperty] public string? Version { get; set; }
    [BindProperty] public string? PanelDateDay { get; set; }
    [BindProperty] public string? PanelDateMonth { get; set; }
    [BindProperty] public string? PanelDateYear { get; set; }
    [BindProperty] public string? PanelReference { get; set; }
    [BindProperty] public string? ScheduleTemplate { get; set; }
    [BindProperty] public List<string?> TrancheLabel { get; set; } = [];
    [BindProperty] public List<string?> TrancheAmount { get; set; } = [];
    [BindProperty] public int? TrancheId { get; set; }
    [BindProperty] public string? Quarter { get; set; }
    [BindProperty] public string? ReturnReason { get; set; }
    [BindProperty] public int? VariationId { get; set; }
    [BindProperty] public string? VariationReason { get; set; }
    [BindProperty] public string? WithdrawReason { get; set; }

    public AllocationView Allocation { get; private set; } = null!;
    public PartnershipView? Partnership { get; private set; }

    /// <summary>Set when a write met a 412: the allocation changed since the page was read; nothing was saved.</summary>
    public bool Conflict { get; private set; }

    /// <summary>Which form the errors belong to (its fields carry the ids the error summary links to).</summary>
    public string? FailedForm { get; private set; }

    public string PagePath => $"{FunderPagePath}/allocations/{Uri.EscapeDataString(PartnershipId)}/{Uri.EscapeDataString(AllocationId)}";

    private string AllocationApiPath => $"api/partnerships/{Uri.EscapeDataString(PartnershipId)}/funding/allocations/{Uri.EscapeDataString(AllocationId)}";

    /// <summary>A project of a virement as the funder reads it: its title, id, status and amount now (so the decision is
    /// made knowing what each project has and has spent).</summary>
    public string ProjectName(int? id) => Allocation.Projects.FirstOrDefault(p => p.Id == id) is { } p
        ? $"“{p.Title}” (project {p.Id}, {StatusText(p.Status).ToLowerInvariant()}: {Pounds.Show(p.Amount)}, {Pounds.Show(p.Spent)} spent)"
        : $"project {id}";

    public bool CanConfirm => ActsForFunder && Allocation.Status == "provisional";

    public bool CanSchedule => ActsForFunder && Allocation.Status is "provisional" or "confirmed" && Allocation.Tranches.All(t => t.Status != "released");

    public bool CanWithdraw => ActsForFunder && Allocation.Status == "provisional";

    public bool CanCloseYear => ActsForFunder && Allocation.Status == "confirmed";

    public bool CanCancel(TrancheView t) => ActsForFunder && t.Status == "scheduled" && Allocation.Status is "provisional" or "confirmed";

    public string SubPagePath(string rest) => $"{PagePath}/{rest}";

    public bool CanRelease(TrancheView t) => ActsForFunder && t.Status == "scheduled" && Allocation.Status is "provisional" or "confirmed";

    public string PartnershipTitle => Partnership?.Name ?? PartnershipId;

    public string AgencyName(string id) => Partnership?.AgencyName(id) ?? id;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        ScheduleTemplate ??= "two-thirds-then-one-third";
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        DateOnly? panelDate = null;
        if (!string.IsNullOrWhiteSpace(PanelDateDay) || !string.IsNullOrWhiteSpace(PanelDateMonth) || !string.IsNullOrWhiteSpace(PanelDateYear))
        {
            if (int.TryParse(PanelDateDay, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && int.TryParse(PanelDateMonth, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
                && int.TryParse(PanelDateYear, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1000 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
                panelDate = new DateOnly(y, m, d);
            else ModelState.AddModelError(nameof(PanelDateDay), "Panel date must be a real date, like 6 2 2024");
        }
        return await WriteAsync("confirm", () => Api.PostAsync<AllocationView>($"{AllocationApiPath}/confirm", new ConfirmationDraft(panelDate, PanelReference?.Trim()),
            ifMatch: Version, idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken), new Dictionary<string, (string, string)>
        {
            ["panelDate"] = (nameof(PanelDateDay), "Panel date"),
            ["panelReference"] = (nameof(PanelReference), "Panel reference"),
        }, "confirmed", null, cancellationToken);
    }

    public async Task<IActionResult> OnPostScheduleAsync(CancellationToken cancellationToken)
    {
        ScheduleDraft draft;
        var fields = new Dictionary<string, (string, string)>
        {
            ["template"] = (nameof(ScheduleTemplate), "Schedule"),
            ["tranches"] = (nameof(ScheduleTemplate), "Tranches"),
        };
        if (ScheduleTemplate == "by-hand")
        {
            var tranches = new List<TrancheDraft>();
            for (var i = 0; i < HandTranches; i++)
            {
                var label = i < TrancheLabel.Count ? TrancheLabel[i]?.Trim() : null;
                var amount = i < TrancheAmount.Count ? Pounds.Typed(TrancheAmount[i]) : null;
                if (string.IsNullOrEmpty(label) && amount is null) continue;
                // The API numbers the tranches it was sent; the form's row is what the user sees.
                fields[$"tranches[{tranches.Count}].label"] = ($"TrancheLabel{i}", $"Tranche {i + 1} label");
                fields[$"tranches[{tranches.Count}].amount"] = ($"TrancheAmount{i}", $"Tranche {i + 1} amount");
                tranches.Add(new TrancheDraft(label, amount, null, null));
            }
            draft = new ScheduleDraft(null, tranches);
        }
        else draft = new ScheduleDraft(ScheduleTemplate, null);
        return await WriteAsync("schedule", () => Api.PutAsync<AllocationView>($"{AllocationApiPath}/schedule", draft, ifMatch: Version, cancellationToken: cancellationToken),
            fields, "scheduled", null, cancellationToken);
    }

    public async Task<IActionResult> OnPostReleaseAsync(CancellationToken cancellationToken) =>
        await WriteAsync("release", () => Api.PostAsync<AllocationView>($"{AllocationApiPath}/tranches/{TrancheId ?? 0}/release", new ReleaseDraft(null),
            ifMatch: Version, idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken), new Dictionary<string, (string, string)>(),
            "released", TrancheId?.ToString(CultureInfo.InvariantCulture), cancellationToken);

    public async Task<IActionResult> OnPostWithdrawAsync(CancellationToken cancellationToken) =>
        await WriteAsync("withdraw", () => Api.PostAsync<AllocationView>($"{AllocationApiPath}/withdraw", new ReasonDraft(WithdrawReason?.Trim()),
            ifMatch: Version, cancellationToken: cancellationToken), new Dictionary<string, (string, string)> { ["reason"] = (nameof(WithdrawReason), "Reason for withdrawing") },
            "withdrawn", null, cancellationToken);

    public async Task<IActionResult> OnPostAcceptReturnAsync(CancellationToken cancellationToken) =>
        await DecideReturnAsync(true, cancellationToken);

    public async Task<IActionResult> OnPostSendBackReturnAsync(CancellationToken cancellationToken) =>
        await DecideReturnAsync(false, cancellationToken);

    private async Task<IActionResult> DecideReturnAsync(bool accept, CancellationToken cancellationToken) =>
        await WriteAsync(accept ? "accept-return" : "send-back-return", () => Api.PostAsync<AllocationView>(
                $"{AllocationApiPath}/returns/{Uri.EscapeDataString(Quarter ?? "")}/decision", new FundingDecisionDraft(accept, accept ? null : ReturnReason?.Trim()),
                ifMatch: Version, cancellationToken: cancellationToken),
            new Dictionary<string, (string, string)> { ["reason"] = (nameof(ReturnReason), "Reason") }, accept ? "accepted" : "sent-back", Quarter, cancellationToken);

    public async Task<IActionResult> OnPostApproveVariationAsync(CancellationToken cancellationToken) =>
        await DecideVariationAsync(true, cancellationToken);

    public async Task<IActionResult> OnPostRejectVariationAsync(CancellationToken cancellationToken) =>
        await DecideVariationAsync(false, cancellationToken);

    private async Task<IActionResult> DecideVariationAsync(bool approve, CancellationToken cancellationToken) =>
        await WriteAsync(approve ? "approve-variation" : "reject-variation", () => Api.PostAsync<AllocationView>(
                $"{AllocationApiPath}/variations/{VariationId ?? 0}/decision", new FundingDecisionDraft(approve, string.IsNullOrWhiteSpace(VariationReason) ? null : VariationReason.Trim()),
                ifMatch: Version, cancellationToken: cancellationToken),
            new Dictionary<string, (string, string)> { ["reason"] = (nameof(VariationReason), "Reason") }, approve ? "variation-approved" : "variation-rejected",
            VariationId?.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Sends one write (when the local checks passed); on success back to the page (POST-redirect-GET) saying what
    /// was done; on a 412 the allocation as it is now, the typed input kept; otherwise the service's problem on the fields.</summary>
    private async Task<IActionResult> WriteAsync(string form, Func<Task<ApiResult<AllocationView>>> send, IReadOnlyDictionary<string, (string Key, string Label)> fields,
        string done, string? item, CancellationToken cancellationToken)
    {
        FailedForm = form;
        if (ModelState.IsValid)
        {
            var result = await send();
            if (result.Succeeded) return Redirect($"{PagePath}?done={done}{(item is null ? "" : "&item=" + Uri.EscapeDataString(item))}#outcome");
            if (result.Status == StatusCodes.Status412PreconditionFailed)
            {
                Conflict = true;
                await LoadAsync(cancellationToken);
                return Page();
            }
            ModelState.AddProblem(result.Problem!, fields);
        }
        await LoadAsync(cancellationToken, keepVersion: true);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken, bool keepVersion = false)
    {
        var allocation = await Api.GetAsync<AllocationView>(AllocationApiPath, cancellationToken);
        Allocation = allocation.Value!;
        if (!keepVersion || string.IsNullOrEmpty(Version)) Version = allocation.ETag;
        Partnership = (await Api.GetAsync<PartnershipView>("api/partnerships/" + Uri.EscapeDataString(PartnershipId), cancellationToken)).Value;
    }

    /// <summary>What the last write did, in words, for the success banner.</summary>
    public string? Outcome => Done switch
    {
        "awarded" => $"Awarded {Pounds.Show(Allocation.Awarded)} to {PartnershipTitle} from {Allocation.ProgrammeTitle} ({Allocation.Year}): provisional until it is confirmed.",
        "withdrawn" => $"Allocation withdrawn: {Allocation.WithdrawnBecause}",
        "project-approved" => $"Project {DoneItem} approved.",
        "project-rejected" => $"Project {DoneItem} rejected, with your reason.",
        "cancelled" => Allocation.Tranches.FirstOrDefault(t => t.Id.ToString(CultureInfo.InvariantCulture) == DoneItem) is { } c1
            ? $"Cancelled tranche {c1.Id}: {c1.Label} ({Pounds.Show(c1.Amount)})." : "Tranche cancelled.",
        "closed" => Allocation.YearEnd is { } ye
            ? $"Year end recorded: outturn {Pounds.Show(ye.Outturn)}, {Pounds.Show(ye.FundsReturned)} returned; the allocation is closed." : "Allocation closed.",
        "confirmed" => $"Allocation confirmed by the Panel of {(Allocation.Confirmation is { } c ? Display.Date(c.PanelDate) : "")}.",
        "scheduled" => Allocation.Tranches.Count(t => t.Status != "cancelled") is var n ? $"Schedule set: {n} {(n == 1 ? "tranche" : "tranches")} adding up to {Pounds.Show(Allocation.Awarded)}." : null,
        "released" => Allocation.Tranches.FirstOrDefault(t => t.Id.ToString(CultureInfo.InvariantCulture) == DoneItem) is { } t
            ? $"Released {Pounds.Show(t.Amount)}: {t.Label}." : "Tranche released.",
        "accepted" => $"Return {DoneItem} accepted.",
        "sent-back" => $"Return {DoneItem} sent back to the partnership with your reason.",
        "variation-approved" => $"Variation {DoneItem} approved and applied.",
        "variation-rejected" => $"Variation {DoneItem} rejected.",
        _ => null,
    };

    public static string Condition(TrancheView t) => t.Condition switch
    {
        "business-cases-approved" => "Once business cases are approved",
        "return-accepted" => $"Once the {t.WaitsOnReturn} return is accepted",
        _ => "On confirmation",
    };

    public static string StatusText(string status) => status switch
    {
        "signed-off" => "Signed off",
        "end-date" => "End date",
        _ => status.Length == 0 ? status : char.ToUpperInvariant(status[0]) + status[1..].Replace('-', ' '),
    };

    public static string StatusTag(string status) => status switch
    {
        "confirmed" or "released" or "accepted" or "approved" or "completed" => "govuk-tag--green",
        "provisional" or "scheduled" or "submitted" or "requested" => "govuk-tag--yellow",
        "signed-off" => "govuk-tag--blue",
        "returned" or "rejected" or "withdrawn" => "govuk-tag--red",
        _ => "govuk-tag--grey",
    };

    /// <summary>The id of a field repeated in several forms (one per return or variation): the plain id, which the error
    /// summary links to, on the form that failed; suffixed on the others, so no two elements share an id.</summary>
    public string FieldId(string key, string form, string? item) =>
        FailedForm == form && (Quarter == item || VariationId?.ToString(CultureInfo.InvariantCulture) == item) ? Fields.Id(key) : $"{Fields.Id(key)}-{item}";
}
