namespace Csp.Contracts.IntegrationEvents;

// Integration events published by the risk-register service. Ratings are written in the partnership's own matrix
// notation (e.g. "D3"); band is a band id of that matrix (e.g. "red"); a higher score is a worse risk.
// Dates are UK calendar dates (yyyy-MM-dd); instants are UTC.

/// <summary>Every assessment of a risk (including the first, when the risk is created).</summary>
public sealed record RiskAssessed(
    string PartnershipId, long RiskId, string Register, string Title, string OwningAgencyId,
    string? PreviousRating, string? PreviousBand, string Rating, string Band, int Score, bool AboveTolerance,
    string? DirectionOfTravel, string AssessedBy, DateTimeOffset AssessedAt) : IIntegrationEvent
{
    public static string Topic => "risk.assessed";
}

/// <summary>The current rating moved into a band above the partnership's tolerance line, or worsened by at least a band.
/// Reason: <c>above-tolerance</c> or <c>worsened-band</c>.</summary>
public sealed record RiskEscalated(
    string PartnershipId, long RiskId, string Register, string Title, string OwningAgencyId, string Owner,
    string? PreviousRating, string? PreviousBand, string Rating, string Band, int Score, string Reason,
    string EscalatedBy, DateTimeOffset EscalatedAt) : IIntegrationEvent
{
    public static string Topic => "risk.escalated";
}

/// <summary>An open risk passed its next review date without being reassessed (raised once per review date).</summary>
public sealed record RiskReviewOverdue(
    string PartnershipId, long RiskId, string Register, string Title, string OwningAgencyId, string Owner, DateOnly NextReviewDate) : IIntegrationEvent
{
    public static string Topic => "risk.review-overdue";
}
