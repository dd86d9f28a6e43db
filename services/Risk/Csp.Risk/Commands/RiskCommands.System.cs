using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Validation;
using Csp.Risk.Domain;
using RiskOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Risk.Domain.RiskEntry>>;

namespace Csp.Risk.Commands;

/// <summary>A demo risk as the seed reports give it: its details, its assessment history (oldest first, each with who
/// made it and when) and, if the demo says so, its next review date. <see cref="SeedRef"/> is loaded once.</summary>
public sealed record SeededRisk(string SeedRef, RiskDraft Details, IReadOnlyList<SeededAssessment> Assessments, DateOnly? NextReviewDate);

public sealed record SeededAssessment(AssessmentDraft Draft, string By, string ByName, DateTimeOffset At);

/// <summary>The platform's own writes: review-overdue scans and demo data, as <see cref="Caller.System"/>. (The partnership
/// copy is the building blocks' <c>PartnershipCopyKeeper</c>.)</summary>
public sealed partial class RiskCommands
{
    /// <summary>Raises <c>risk.review-overdue</c> once per risk per review date. Safe with several replicas: the version
    /// check lets only one of them mark a risk.</summary>
    public async Task<int> RaiseReviewsOverdueAsync(string partnershipId)
    {
        var raised = 0;
        var today = Today;
        foreach (var current in await store.ListRisksAsync(partnershipId))
        {
            if (!current.Value.TryRaiseReviewOverdue(today, out var marked)) continue;
            var entry = audit.For(Caller.System, "risk.review-overdue-raised", "risk", marked.Id, current.Value, marked);
            var version = await store.SaveRiskAsync(marked, current.Version, entry, RiskEvents.ReviewOverdue(marked), before: current.Value);
            if (version is null) continue; // changed meanwhile: the next scan looks again
            raised++;
            logger.LogInformation("Risk {RiskId} in {PartnershipId} review overdue since {NextReviewDate}", marked.Id, partnershipId, marked.NextReviewDate);
        }
        return raised;
    }

    /// <summary>
    /// Stores a demo risk with its whole assessment history, as created by the system, together with its seed reference in
    /// one transaction: a seed reference already loaded is a conflict and changes nothing. The details go through the same
    /// validation as the API's, except the owning-agency check (demo data may load before the partnership's
    /// <c>partnership.changed</c> has arrived). Publishes <c>risk.assessed</c> (and <c>risk.escalated</c>) for the latest assessment.
    /// </summary>
    public async Task<RiskOutcome> SeedAsync(string partnershipId, SeededRisk seed)
    {
        if (await store.GetSeededRiskIdAsync(partnershipId, seed.SeedRef) is not null) return RiskOutcome.Conflict($"Demo risk {seed.SeedRef} is already loaded.");
        var errors = new ValidationErrors();
        if (seed.Assessments.Count == 0) return RiskOutcome.Invalid(errors.Add("assessments", "a demo risk needs at least one assessment"));
        var matrix = await store.GetMatrixAsync(partnershipId);
        var details = seed.Details.ValidateDetails(errors, out var register, partnership: null);
        var assessments = seed.Assessments.Select(a => a.Draft.Validate(matrix, errors)).ToList();
        if (details is null || !errors.IsEmpty) return RiskOutcome.Invalid(errors);

        var id = await store.NextRiskIdAsync(partnershipId);
        var first = seed.Assessments[0];
        var risk = RiskEntry.Create(id, partnershipId, register, details, assessments[0]!, first.By, first.ByName, first.At, null);
        var history = new List<Assessment> { risk.Latest };
        RiskRating? previous = null;
        for (var i = 1; i < assessments.Count; i++)
        {
            previous = risk.Current;
            risk = risk.Reassess(assessments[i]!, seed.Assessments[i].By, seed.Assessments[i].ByName, seed.Assessments[i].At, null);
            history.Add(risk.Latest);
        }
        if (seed.NextReviewDate is { } next) risk = risk.ScheduleReview(next);

        var version = await store.SaveRiskAsync(risk, 0, audit.For(Caller.System, "risk.created", "risk", id, null, risk),
            RiskEvents.Assessed(matrix, previous, risk), newAssessments: history, seedRef: seed.SeedRef);
        if (version is null) return RiskOutcome.Conflict($"Demo risk {seed.SeedRef} is already loaded.");
        return RiskOutcome.Ok(new(risk, version.Value));
    }
}
