using Csp.Risk.Domain;

namespace Csp.Risk.Api;

/// <summary>A risk as the API shows it: stored fields plus what is derived today (tolerance, direction, review due, prompt).</summary>
public sealed record RiskView(
    long Id, string PartnershipId, string Register, string Title, string? Summary, string? Cause, string? Event, string? Consequence,
    string? Category, string OwningAgencyId, string Owner, string? ExistingControls, string? MitigatingActions, Treatment Treatment,
    ReviewFrequency ReviewFrequency, DateOnly NextReviewDate, bool ReviewOverdue, RiskStatus Status,
    RiskRating? Inherent, RiskRating Current, RiskRating? Target, bool AboveTolerance, Direction? DirectionOfTravel,
    IReadOnlyList<Mitigation> Mitigations, bool MitigationsComplete, string? ReviewPrompt,
    int AssessmentCount, DateTimeOffset LastAssessedAt, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ClosedAt, string? ClosedBecause, long Version)
{
    public static RiskView Of(RiskEntry r, long version, RiskMatrix matrix, DateOnly today)
    {
        var d = r.Details;
        return new RiskView(r.Id, r.PartnershipId, r.Register, d.Title, d.Summary, d.Cause, d.Event, d.Consequence, d.Category, d.OwningAgencyId, d.Owner,
            d.ExistingControls, d.MitigatingActions, d.Treatment, d.ReviewFrequency, r.NextReviewDate, r.IsReviewOverdue(today), r.Status,
            r.Inherent, r.Current, r.Target, r.IsAboveTolerance(matrix), r.DirectionOfTravel,
            r.Mitigations, r.MitigationsComplete, r.ReviewPrompt,
            r.AssessmentCount, r.Latest.At, r.CreatedAt, r.CreatedBy, r.ClosedAt, r.ClosedBecause, version);
    }
}

/// <summary>A page of the assessment history, oldest first (each numbered from 1), with the direction of travel from the
/// last two and how many assessments there are.</summary>
public sealed record AssessmentHistoryView(long RiskId, Direction? DirectionOfTravel, IReadOnlyList<Assessment> Assessments, int Total, int Page, int PageSize);

/// <summary>The matrix in force; <c>isDefault</c> when the partnership has not loaded its own.</summary>
public sealed record RiskMatrixView(string PartnershipId, bool IsDefault, RiskMatrix Matrix, long? Version);
