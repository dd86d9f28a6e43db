using Csp.BuildingBlocks.Time;

namespace Csp.ActionPlan.Domain;

/// <summary>
/// An action of the plan (named PlanAction because <c>Action</c> is taken by the runtime). It sits under a priority and,
/// optionally, an area of focus; one 4P strand; one lead agency (whose partners update it). Its trail of dated updates is
/// history kept beside it (append-only, stored apart so the action stays small however long the trail grows); the action
/// carries only when it was last updated and how many updates there are.
/// </summary>
public sealed record PlanAction
{
    public required long Id { get; init; }
    public required string PartnershipId { get; init; }
    public required string PlanId { get; init; }
    public required string PriorityId { get; init; }
    public string? AreaOfFocusId { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public required Strand Strand { get; init; }
    public required string LeadAgencyId { get; init; }
    public IReadOnlyList<string> SupportingAgencyIds { get; init; } = [];
    public required string Owner { get; init; }
    public required DateOnly StartDate { get; init; }
    public required DateOnly DueDate { get; init; }
    public IReadOnlyList<Milestone> Milestones { get; init; } = [];
    public required ActionStatus Status { get; init; }
    public int ProgressPercent { get; init; }
    public DateTimeOffset? LastUpdatedAt { get; init; }
    public int UpdateCount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The due date for which <c>action.overdue</c> has been raised; raised again only if the due date moves.</summary>
    public DateOnly? OverdueRaisedFor { get; init; }

    /// <summary>Overdue = past its due date (UK calendar) and neither completed nor cancelled.</summary>
    public bool IsOverdue(DateOnly today) => !Status.IsClosed() && today > DueDate;

    public Rag RagOn(DateOnly today) => ActionStatusRules.RagFor(Status, IsOverdue(today), today >= StartDate);

    public bool UpdatedOnOrAfter(DateOnly date) => LastUpdatedAt is { } last && UkTime.DateOf(last) >= date;

    /// <summary>A new action: not started, no progress, no updates; everything else from the definition.</summary>
    public static PlanAction Create(long id, string partnershipId, ActionDefinition definition, string createdBy, DateTimeOffset now) => new PlanAction
    {
        Id = id,
        PartnershipId = partnershipId,
        PlanId = definition.PlanId,
        PriorityId = definition.PriorityId,
        Title = definition.Title,
        Strand = definition.Strand,
        LeadAgencyId = definition.LeadAgencyId,
        Owner = definition.Owner,
        StartDate = definition.StartDate,
        DueDate = definition.DueDate,
        Status = ActionStatus.NotStarted,
        CreatedAt = now,
        CreatedBy = createdBy,
    }.Revise(definition);

    /// <summary>The manager revises what the action is (not its progress: that comes from updates).</summary>
    public PlanAction Revise(ActionDefinition definition) => this with
    {
        PlanId = definition.PlanId,
        PriorityId = definition.PriorityId,
        AreaOfFocusId = definition.AreaOfFocusId,
        Title = definition.Title,
        Description = definition.Description,
        Strand = definition.Strand,
        LeadAgencyId = definition.LeadAgencyId,
        SupportingAgencyIds = definition.SupportingAgencyIds,
        Owner = definition.Owner,
        StartDate = definition.StartDate,
        DueDate = definition.DueDate,
        Milestones = definition.Milestones,
    };

    /// <summary>Records a dated update (returned in the result, to be appended to the action's history). Completing sets
    /// progress to 100; a closed action takes no more updates.</summary>
    public UpdateResult RecordUpdate(UpdateDetails details, string by, string byName, string? agencyId, DateTimeOffset now)
    {
        if (Status.IsClosed())
            return UpdateResult.Refused($"The action is {Status.ToString().ToLowerInvariant()}: it takes no more updates.");

        var status = details.Status ?? Status;
        var progress = status == ActionStatus.Completed ? 100 : details.ProgressPercent ?? ProgressPercent;
        var update = new ActionUpdate(now, by, byName, agencyId, status, progress, details.Commentary);
        var next = this with
        {
            Status = status,
            ProgressPercent = progress,
            LastUpdatedAt = LastUpdatedAt is { } last && last > now ? last : now,
            UpdateCount = UpdateCount + 1,
            CompletedAt = status == ActionStatus.Completed ? now : CompletedAt,
        };
        return UpdateResult.Accepted(next, update, previousStatus: Status);
    }

    /// <summary>True (with the marked action) the first time the action is seen overdue for its current due date.</summary>
    public bool TryRaiseOverdue(DateOnly today, out PlanAction marked)
    {
        marked = this;
        if (!IsOverdue(today) || OverdueRaisedFor == DueDate) return false;
        marked = this with { OverdueRaisedFor = DueDate };
        return true;
    }
}

public sealed record Milestone(string Title, DateOnly DueDate, DateOnly? CompletedOn);

/// <summary>One dated update in an action's history: who, when, status, progress, commentary.</summary>
public sealed record ActionUpdate(DateTimeOffset At, string By, string ByName, string? AgencyId, ActionStatus Status, int ProgressPercent, string Commentary);

/// <summary>What a partner reports: status and progress may be left as they were; commentary is required.</summary>
public sealed record UpdateDetails(ActionStatus? Status, int? ProgressPercent, string Commentary);

public sealed record UpdateResult(PlanAction? Action, ActionUpdate? Update, ActionStatus PreviousStatus, string? RefusedBecause)
{
    public bool IsAccepted => Action is not null;
    public bool StatusChanged => Action is not null && Action.Status != PreviousStatus;
    public bool Completed => StatusChanged && Action!.Status == ActionStatus.Completed;

    public static UpdateResult Accepted(PlanAction action, ActionUpdate update, ActionStatus previousStatus) => new(action, update, previousStatus, null);
    public static UpdateResult Refused(string why) => new(null, null, default, why);
}
