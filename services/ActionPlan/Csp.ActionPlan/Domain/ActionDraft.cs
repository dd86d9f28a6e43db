using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Domain;

/// <summary>What the manager sends to create or revise an action; every field optional here (absent = null) so a missing one
/// is reported by name.</summary>
public sealed record ActionDraft(
    string? PlanId = null, string? PriorityId = null, string? AreaOfFocusId = null, string? Title = null, string? Description = null, Strand? Strand = null,
    string? LeadAgencyId = null, IReadOnlyList<string>? SupportingAgencyIds = null, string? Owner = null, DateOnly? StartDate = null, DateOnly? DueDate = null,
    IReadOnlyList<MilestoneDraft>? Milestones = null);

public sealed record MilestoneDraft(string? Title = null, DateOnly? DueDate = null, DateOnly? CompletedOn = null);

/// <summary>A validated action definition.</summary>
public sealed record ActionDefinition(
    string PlanId, string PriorityId, string? AreaOfFocusId, string Title, string? Description, Strand Strand,
    string LeadAgencyId, IReadOnlyList<string> SupportingAgencyIds, string Owner, DateOnly StartDate, DateOnly DueDate,
    IReadOnlyList<Milestone> Milestones)
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 4000;
    public const int OwnerMax = 120;
    public const int MaxMilestones = 50;

    /// <summary>
    /// The rules for an action's definition: the plan, priority and area of focus exist and belong together; the lead and
    /// supporting agencies are agencies of the partnership; due on or after start; milestones, and the days they were
    /// completed, within the action's dates (on or after its start, on or before its due date).
    /// </summary>
    public static ActionDefinition? Validate(ActionDraft draft, Func<string, Plan?> findPlan, Partnership partnership, ValidationErrors errors)
    {
        var title = errors.RequiredText("title", draft.Title, TitleMax);
        var description = errors.OptionalText("description", draft.Description, DescriptionMax);
        var owner = errors.RequiredText("owner", draft.Owner, OwnerMax);
        if (draft.Strand is null) errors.Add("strand", "is required: prevent, protect, pursue or prepare");

        Plan? plan = null;
        if (string.IsNullOrWhiteSpace(draft.PlanId)) errors.Add("planId", "is required");
        else if ((plan = findPlan(draft.PlanId)) is null) errors.Add("planId", $"no plan '{Truncate(draft.PlanId)}' in this partnership");

        Priority? priority = null;
        if (string.IsNullOrWhiteSpace(draft.PriorityId)) errors.Add("priorityId", "is required");
        else if (plan is not null && (priority = plan.FindPriority(draft.PriorityId)) is null)
            errors.Add("priorityId", $"the plan has no priority '{Truncate(draft.PriorityId)}'");

        var area = string.IsNullOrWhiteSpace(draft.AreaOfFocusId) ? null : draft.AreaOfFocusId;
        if (area is not null && priority is not null && !priority.HasAreaOfFocus(area))
            errors.Add("areaOfFocusId", $"the priority has no area of focus '{Truncate(area)}'");

        if (string.IsNullOrWhiteSpace(draft.LeadAgencyId)) errors.Add("leadAgencyId", "is required");
        else if (!partnership.HasAgency(draft.LeadAgencyId)) errors.Add("leadAgencyId", $"'{Truncate(draft.LeadAgencyId)}' is not an agency of this partnership");

        var supporting = (draft.SupportingAgencyIds ?? []).Distinct().ToList();
        for (var i = 0; i < supporting.Count; i++)
        {
            if (!partnership.HasAgency(supporting[i])) errors.Add($"supportingAgencyIds[{i}]", $"'{Truncate(supporting[i])}' is not an agency of this partnership");
            else if (supporting[i] == draft.LeadAgencyId) errors.Add($"supportingAgencyIds[{i}]", "the lead agency cannot also be a supporting agency");
        }

        if (draft.StartDate is null) errors.Add("startDate", "is required (yyyy-MM-dd)");
        if (draft.DueDate is null) errors.Add("dueDate", "is required (yyyy-MM-dd)");
        if (draft.StartDate is { } s && draft.DueDate is { } d && d < s) errors.Add("dueDate", "must be on or after startDate");

        var milestones = new List<Milestone>();
        var drafts = draft.Milestones ?? [];
        if (drafts.Count > MaxMilestones) errors.Add("milestones", $"at most {MaxMilestones} milestones");
        for (var i = 0; i < Math.Min(drafts.Count, MaxMilestones); i++)
        {
            var m = drafts[i];
            var mTitle = errors.RequiredText($"milestones[{i}].title", m?.Title, TitleMax);
            if (m?.DueDate is not { } md) errors.Add($"milestones[{i}].dueDate", "is required (yyyy-MM-dd)");
            else WithinActionDates($"milestones[{i}].dueDate", md, draft, errors);
            if (m?.CompletedOn is { } completedOn) WithinActionDates($"milestones[{i}].completedOn", completedOn, draft, errors);
            if (mTitle is not null && m?.DueDate is { } due) milestones.Add(new Milestone(mTitle, due, m.CompletedOn));
        }

        if (!errors.IsEmpty) return null;
        return new ActionDefinition(plan!.Id, priority!.Id, area, title!, description, draft.Strand!.Value, draft.LeadAgencyId!,
            supporting, owner!, draft.StartDate!.Value, draft.DueDate!.Value, milestones);
    }

    /// <summary>A milestone, and the day it was completed, fall within the action's dates: on or after its start, on or
    /// before its due date.</summary>
    private static void WithinActionDates(string field, DateOnly date, ActionDraft draft, ValidationErrors errors)
    {
        if (draft.StartDate is { } start && date < start) errors.Add(field, "must be on or after the action's startDate");
        else if (draft.DueDate is { } due && date > due) errors.Add(field, "must be on or before the action's dueDate");
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}

/// <summary>What a partner sends as an update.</summary>
public sealed record UpdateDraft(ActionStatus? Status = null, int? ProgressPercent = null, string? Commentary = null)
{
    public const int CommentaryMax = 2000;

    public UpdateDetails? Validate(ValidationErrors errors)
    {
        var commentary = errors.RequiredText("commentary", Commentary, CommentaryMax);
        if (ProgressPercent is < 0 or > 100) errors.Add("progressPercent", "must be between 0 and 100");
        return errors.IsEmpty ? new UpdateDetails(Status, ProgressPercent, commentary!) : null;
    }
}
