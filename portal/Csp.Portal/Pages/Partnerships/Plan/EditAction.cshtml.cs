using System.Globalization;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Plan;

/// <summary>
/// Revising an action (manager): <c>PUT .../actions/{id}</c> with the ETag read with the form as If-Match. A 412 shows
/// what changed since the form was read (the action as read is kept in a hidden field and compared with the action now),
/// keeps everything typed and sends it again against the new version.
/// </summary>
public sealed class EditActionModel : ActionFormPage
{
    [FromRoute] public long ActionId { get; set; }
    [BindProperty] public string? Version { get; set; }
    [BindProperty] public string? Read { get; set; }

    public ActionView Action { get; private set; } = null!;
    public IReadOnlyList<string>? Conflict { get; private set; }

    public override string SubmitText => Conflict is null ? "Save the action" : "Send my changes again";

    private string ActionPath => $"{ApiPath}/actions/{ActionId}";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequireManager();
        await ReadActionAsync(cancellationToken);
        Fill(Action);
        await LoadFormAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        var (draft, fields) = Draft();
        if (ModelState.IsValid)
        {
            var result = await Api.PutAsync<ActionView>(ActionPath, draft, ifMatch: Version, cancellationToken: cancellationToken);
            if (result.Succeeded)
                return Redirect($"{PagePath}/plan?plan={Uri.EscapeDataString(result.Value!.PlanId)}&done=action-changed&action={ActionId}#priority-{Uri.EscapeDataString(result.Value.PriorityId)}");
            if (result.Status == StatusCodes.Status412PreconditionFailed)
            {
                var before = FromSnapshot<ActionView>(Read);
                await ReadActionAsync(cancellationToken);
                Conflict = Changes(before, Action, Partnership);
                if (before is not null) Merge(before, Action);
                await LoadFormAsync(cancellationToken);
                return Page();
            }
            ModelState.AddProblem(Readable(result.Problem!), fields);
        }
        var kept = Version;
        var read = Read;
        await ReadActionAsync(cancellationToken);
        (Version, Read) = (kept, read);
        await LoadFormAsync(cancellationToken);
        return Page();
    }

    private async Task ReadActionAsync(CancellationToken cancellationToken)
    {
        var read = await Api.GetAsync<ActionView>(ActionPath, cancellationToken);
        Action = read.Value!;
        Version = read.ETag;
        Read = Snapshot(Action);
    }

    /// <summary>After a 412: a field the user did not change (what they send is what the form read) takes the value it has
    /// now, so sending again keeps the other person's change; a field the user changed keeps what they typed.</summary>
    private void Merge(ActionView before, ActionView now)
    {
        static bool Same(string? typed, string? read) => (string.IsNullOrWhiteSpace(typed) ? null : typed.Trim()) == (string.IsNullOrEmpty(read) ? null : read);
        static bool SameDate(DateParts typed, DateOnly? read) => typed.IsEmpty ? read is null : typed.TryRead(out var d) && d == read;
        if (Same(PriorityId, before.PriorityId)) PriorityId = now.PriorityId;
        if (Same(AreaOfFocusId, before.AreaOfFocusId)) AreaOfFocusId = now.AreaOfFocusId;
        if (Same(Title, before.Title)) Title = now.Title;
        if (Same(Description, before.Description)) Description = now.Description;
        if (Same(Strand, before.Strand)) Strand = now.Strand;
        if (Same(LeadAgencyId, before.LeadAgencyId)) LeadAgencyId = now.LeadAgencyId;
        if (Same(Owner, before.Owner)) Owner = now.Owner;
        if (SupportingAgencyIds.Order().SequenceEqual(before.SupportingAgencyIds.Order())) SupportingAgencyIds = now.SupportingAgencyIds.ToList();
        if (SameDate(Start, before.StartDate)) Start = DateParts.Of(now.StartDate);
        if (SameDate(Due, before.DueDate)) Due = DateParts.Of(now.DueDate);
        var typed = Milestones.Where(m => !m.IsBlank).ToList();
        var unchanged = typed.Count == before.Milestones.Count && typed.Zip(before.Milestones).All(x =>
            Same(x.First.Title, x.Second.Title) && SameDate(x.First.Due ?? new DateParts(), x.Second.DueDate) && SameDate(x.First.Done ?? new DateParts(), x.Second.CompletedOn));
        if (unchanged) Milestones = now.Milestones.Select(m => new MilestoneInput { Title = m.Title, Due = DateParts.Of(m.DueDate), Done = DateParts.Of(m.CompletedOn) }).ToList();
    }

    /// <summary>What changed between the action as the form read it and the action now, in words.</summary>
    internal static IReadOnlyList<string> Changes(ActionView? before, ActionView now, PartnershipView partnership)
    {
        if (before is null) return ["The action was changed by someone else."];
        var changes = new List<string>();
        void Was(string what, string? old, string? current)
        {
            if (old != current) changes.Add($"{what} is now {(string.IsNullOrEmpty(current) ? "empty" : $"“{current}”")} (was {(string.IsNullOrEmpty(old) ? "empty" : $"“{old}”")}).");
        }
        Was("The title", before.Title, now.Title);
        Was("The description", before.Description, now.Description);
        Was("The strand", Display.Strand(before.Strand), Display.Strand(now.Strand));
        Was("The lead agency", partnership.AgencyName(before.LeadAgencyId), partnership.AgencyName(now.LeadAgencyId));
        Was("The supporting agencies", string.Join(", ", before.SupportingAgencyIds.Select(partnership.AgencyName)), string.Join(", ", now.SupportingAgencyIds.Select(partnership.AgencyName)));
        Was("The owner", before.Owner, now.Owner);
        Was("The start date", Display.Date(before.StartDate), Display.Date(now.StartDate));
        Was("The due date", Display.Date(before.DueDate), Display.Date(now.DueDate));
        Was("The priority", before.PriorityId, now.PriorityId);
        Was("The area of focus", before.AreaOfFocusId, now.AreaOfFocusId);
        string Milestones(ActionView a) => string.Join("; ", a.Milestones.Select(m => $"{m.Title}, due {Display.Date(m.DueDate)}{(m.CompletedOn is { } on ? $", done {Display.Date(on)}" : "")}"));
        Was("The milestones", Milestones(before), Milestones(now));
        if (before.UpdateCount != now.UpdateCount)
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"{now.UpdateCount - before.UpdateCount} update(s) were recorded: it is now {Display.Status(now.Status)}, {now.ProgressPercent}% done."));
        if (changes.Count == 0) changes.Add("The action was saved again with no change you can see here.");
        return changes;
    }
}
