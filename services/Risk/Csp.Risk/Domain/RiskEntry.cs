using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Time;

namespace Csp.Risk.Domain;

/// <summary>
/// A risk in a partnership's register (or one of its sub-registers, e.g. the Medway Task Force's). Named RiskEntry so the
/// namespace <c>Csp.Risk</c> and the type do not collide. Its assessments are append-only history, kept beside the risk
/// (never inside it, so a reassessment costs the same however long the history): the risk holds only its latest assessment
/// (current, inherent and target ratings), the current rating before it (for the direction of travel) and how many there
/// have been. Its state changes only through the methods below, each returning the changed risk (the setters are private;
/// stored documents are read back through them). A change that adds an assessment leaves it in <see cref="Latest"/> for
/// the store to append to the history.
/// </summary>
public sealed record RiskEntry
{
    public long Id { get; private init; }
    public string PartnershipId { get; private init; } = "";
    public string Register { get; private init; } = "";
    public RiskDetails Details { get; private init; } = RiskDetails.None;
    public RiskStatus Status { get; private init; } = RiskStatus.Open;
    public DateOnly NextReviewDate { get; private init; }

    /// <summary>The newest assessment: its current rating is the risk's, and inherent and target carry forward into it.</summary>
    public Assessment Latest { get; private init; } = Assessment.None;

    /// <summary>The current rating of the assessment before <see cref="Latest"/> (null until there are two).</summary>
    public RiskRating? PreviousRating { get; private init; }

    public int AssessmentCount { get; private init; }
    public IReadOnlyList<Mitigation> Mitigations { get; private init; } = [];
    public DateTimeOffset CreatedAt { get; private init; }
    public string CreatedBy { get; private init; } = "";
    public DateTimeOffset? ClosedAt { get; private init; }
    public string? ClosedBecause { get; private init; }

    /// <summary>The review date for which <c>risk.review-overdue</c> has been raised; raised again only when the date moves.</summary>
    public DateOnly? ReviewOverdueRaisedFor { get; private init; }

    [JsonIgnore] public RiskRating Current => Latest.Current;
    [JsonIgnore] public RiskRating? Inherent => Latest.Inherent;
    [JsonIgnore] public RiskRating? Target => Latest.Target;
    [JsonIgnore] public bool IsOpen => Status == RiskStatus.Open;

    [JsonIgnore] public Direction? DirectionOfTravel => RiskRules.DirectionOfTravel(PreviousRating, Current);

    /// <summary>Open and currently rated above the matrix's tolerance line (a closed risk is never above tolerance).</summary>
    public bool IsAboveTolerance(RiskMatrix matrix) => IsOpen && matrix.IsAboveTolerance(Current);

    public bool IsReviewOverdue(DateOnly today) => IsOpen && today > NextReviewDate;

    /// <summary>Every linked mitigation is done (and there is at least one).</summary>
    [JsonIgnore] public bool MitigationsComplete => Mitigations.Count > 0 && Mitigations.All(m => m.Done);

    /// <summary>"mitigations complete: review the rating" when every linked mitigation is done and the risk has not been
    /// reassessed since the last one was finished.</summary>
    [JsonIgnore] public string? ReviewPrompt =>
        IsOpen && MitigationsComplete && Mitigations.Max(m => m.DoneAt) > Latest.At
            ? "mitigations complete: review the rating" : null;

    /// <summary>Whether the rating at <paramref name="instant"/> is older than <see cref="Latest"/>, so only the history
    /// knows it (see <see cref="CurrentAt"/>).</summary>
    public bool NeedsHistoryAt(DateTimeOffset instant) => ExistedAt(instant) && Latest.At > instant;

    /// <summary>The current rating as it stood at <paramref name="instant"/> (null if the risk did not exist or was closed).</summary>
    /// <param name="inForceThen">The newest assessment made at or before the instant, from the history; needed only when
    /// <see cref="NeedsHistoryAt"/>.</param>
    public RiskRating? CurrentAt(DateTimeOffset instant, Assessment? inForceThen = null)
    {
        if (!ExistedAt(instant)) return null;
        return Latest.At <= instant ? Latest.Current : inForceThen?.Current;
    }

    private bool ExistedAt(DateTimeOffset instant) => CreatedAt <= instant && !(ClosedAt is { } closed && closed <= instant);

    public static RiskEntry Create(long id, string partnershipId, string register, RiskDetails details, AssessmentDetails first,
        string by, string byName, DateTimeOffset now, DateOnly? nextReviewDate)
    {
        var assessment = new Assessment(now, by, byName, first.Inherent ?? first.Current, first.Current, first.Target, first.Rationale, Number: 1);
        return new RiskEntry
        {
            Id = id, PartnershipId = partnershipId, Register = register, Details = details, Status = RiskStatus.Open,
            NextReviewDate = nextReviewDate ?? RiskRules.NextReview(UkTime.DateOf(now), details.ReviewFrequency),
            Latest = assessment, AssessmentCount = 1, CreatedAt = now, CreatedBy = by,
        };
    }

    /// <summary>New details (and register); the ratings stay, the next review date moves only when one is given.</summary>
    public RiskEntry Revise(string register, RiskDetails details, DateOnly? nextReviewDate) =>
        this with { Register = register, Details = details, NextReviewDate = nextReviewDate ?? NextReviewDate };

    /// <summary>Sets the next review date (e.g. a seeded risk whose review falls on a given day).</summary>
    public RiskEntry ScheduleReview(DateOnly nextReviewDate) => this with { NextReviewDate = nextReviewDate };

    /// <summary>Adds an assessment (it becomes <see cref="Latest"/>); inherent and target carry forward when not given. The
    /// next review date moves on by the review frequency (or to the date given).</summary>
    public RiskEntry Reassess(AssessmentDetails details, string by, string byName, DateTimeOffset now, DateOnly? nextReviewDate) => this with
    {
        Latest = new Assessment(now, by, byName, details.Inherent ?? Inherent, details.Current, details.Target ?? Target, details.Rationale, AssessmentCount + 1),
        PreviousRating = Current,
        AssessmentCount = AssessmentCount + 1,
        NextReviewDate = nextReviewDate ?? RiskRules.NextReview(UkTime.DateOf(now), Details.ReviewFrequency),
    };

    public RiskEntry Close(string because, DateTimeOffset now) => this with { Status = RiskStatus.Closed, ClosedAt = now, ClosedBecause = because };

    public bool IsLinkedTo(long actionId) => Mitigations.Any(m => m.ActionId == actionId);

    public RiskEntry Link(Mitigation mitigation) => this with { Mitigations = [.. Mitigations, mitigation] };

    /// <summary>Marks the mitigation of <paramref name="actionId"/> done. False (and unchanged) if it is not linked or
    /// already done: delivering the same completion twice changes nothing.</summary>
    public bool TryMarkMitigationDone(long actionId, DateTimeOffset at, out RiskEntry marked)
    {
        marked = this;
        var index = Mitigations.ToList().FindIndex(m => m.ActionId == actionId);
        if (index < 0 || Mitigations[index].Done) return false;
        var list = Mitigations.ToList();
        list[index] = list[index] with { Done = true, DoneAt = at };
        marked = this with { Mitigations = list };
        return true;
    }

    public bool TryRaiseReviewOverdue(DateOnly today, out RiskEntry marked)
    {
        marked = this;
        if (!IsReviewOverdue(today) || ReviewOverdueRaisedFor == NextReviewDate) return false;
        marked = this with { ReviewOverdueRaisedFor = NextReviewDate };
        return true;
    }
}

/// <summary>What the risk is: the seed tables' Risk, Description and "Action to avoid or mitigate risk", and the rest of a register row.</summary>
public sealed record RiskDetails(
    string Title, string? Summary, string? Cause, string? Event, string? Consequence, string? Category,
    string OwningAgencyId, string Owner, string? ExistingControls, string? MitigatingActions,
    Treatment Treatment, ReviewFrequency ReviewFrequency)
{
    /// <summary>No details: the starting value of a risk before it is created or read.</summary>
    internal static RiskDetails None { get; } = new("", null, null, null, null, null, "", "", null, null, Treatment.Tolerate, ReviewFrequency.Monthly);
}

/// <summary>One assessment: who, when, the three ratings and why; <see cref="Number"/> counts the risk's assessments from 1.</summary>
public sealed record Assessment(DateTimeOffset At, string By, string ByName, RiskRating? Inherent, RiskRating Current, RiskRating? Target, string Rationale, int Number)
{
    /// <summary>No assessment: the starting value of a risk before it is created or read.</summary>
    internal static Assessment None { get; } = new(default, "", "", null, new RiskRating("", "", "", "", 0), null, "", 0);
}

/// <summary>A validated assessment: the current rating and rationale are required; inherent and target may carry forward.</summary>
public sealed record AssessmentDetails(RiskRating? Inherent, RiskRating Current, RiskRating? Target, string Rationale);

/// <summary>An action of the action plan that mitigates the risk; done when the action-plan service reports it completed.</summary>
public sealed record Mitigation(long ActionId, string Title, string LeadAgencyId, DateTimeOffset LinkedAt, string LinkedBy, bool Done, DateTimeOffset? DoneAt);

public enum RiskStatus { Open, Closed }

/// <summary>The four Ts of risk treatment.</summary>
public enum Treatment { Tolerate, Treat, Transfer, Terminate }

public enum ReviewFrequency { Monthly, Quarterly, SixMonthly, Annual }

public enum Direction { Improving, Stable, Worsening }
