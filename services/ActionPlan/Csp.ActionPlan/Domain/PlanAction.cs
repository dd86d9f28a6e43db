using System.Text.Json.Serialization;
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
    // State changes only through the methods below. The setters are private: stored documents are read back through them
    // (the storage format reads private setters), and the property names are the stored JSON's, so they do not change.
    public long Id { get; private init; }
    public string PartnershipId { get; private init; } = "";
    public string PlanId { get; private init; } = "";
    public string PriorityId { get; private init; } = "";
    public string? AreaOfFocusId { get; private init; }
    public string Title { get; private init; } = "";
    public string? Description { get; private init; }
    public Strand Strand { get; private init; }
    public string LeadAgencyId { get; private init; } = "";
    public IReadOnlyList<string> SupportingAgencyIds { get; private init; } = [];
    public string Owner { get; private init; } = "";
    public DateOnly StartDate { get; private init; }
    public DateOnly DueDate { get; private init; }
    public IReadOnlyList<Milestone> Milestones { get; private init; } = [];
    public ActionStatus Status { get; private init; }
    public int ProgressPercent { get; private init; }
    public DateTimeOffset? LastUpdatedAt { get; private init; }
    public int UpdateCount { get; private init; }
    public DateTimeOffset CreatedAt { get; private init; }
    public string CreatedBy { get; private init; } = "";
    public DateTimeOffset? CompletedAt { get; private init; }

    /// <summary>The due date for which <c>action.overdue</c> has been raised; raised again only if the due date moves.</summary>
    public DateOnly? OverdueRaisedFor { get; private init; }

    [JsonConstructor]
    private PlanAction() { }

    /// <summary>Completed (the rule other services ask for instead of comparing status names).</summary>
    [JsonIgnore] public bool IsCompleted => Status.IsCompleted();

    /// <summary>Completed or cancelled: no more updates, never overdue, not owed an update in a round.</summary>
    [JsonIgnore] public bool IsClosed => Status.IsClosed();

    /// <summary>Overdue = past its due date (UK calendar) and neither completed nor cancelled.</summary>
    public bool IsOverdue(DateOnly today) => !IsClosed && today > DueDate;

    public Rag RagOn(DateOnly today) => ActionStatusRules.RagFor(Status, IsOverdue(today), today >= StartDate);

    public bool UpdatedOnOrAfter(DateOnly date) => LastUpdatedAt is { } last && UkTime.DateOf(last) >= date;

    /// <summary>A new action: not started, no progress, no updates; everything else from the definition.</summary>
    public static PlanAction Create(long id, string partnershipId, ActionDefinition definition, string createdBy, DateTimeOffset now) => new PlanAction
    {
        Id = id,
        PartnershipId = partnershipId,
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
        if (IsClosed)
            return UpdateResult.Refused($"The action is {Status.ToString().ToLowerInvariant()}: it takes no more updates.");

        var status = details.Status ?? Status;
        var progress = status.IsCompleted() ? 100 : details.ProgressPercent ?? ProgressPercent;
        var update = new ActionUpdate(now, by, byName, agencyId, status, progress, details.Commentary);
        var next = this with
        {
            Status = status,
            ProgressPercent = progress,
            LastUpdatedAt = LastUpdatedAt is { } last && last > now ? last : now,
            UpdateCount = UpdateCount + 1,
            CompletedAt = status.IsCompleted() ? now : CompletedAt,
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
    public bool Completed => StatusChanged && Action!.IsCompleted;

    public static UpdateResult Accepted(PlanAction action, ActionUpdate update, ActionStatus previousStatus) => new(action, update, previousStatus, null);
    public static UpdateResult Refused(string why) => new(null, null, default, why);
}
