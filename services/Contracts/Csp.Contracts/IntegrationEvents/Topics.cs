namespace Csp.Contracts.IntegrationEvents;

/// <summary>Topic names are stable strings declared once here; never derived from CLR type names.</summary>
public static class Topics
{
    public const string PartnershipChanged = "partnership.changed";
    public const string ActionCreated = "action.created";
    public const string ActionStatusChanged = "action.status-changed";
    public const string ActionCompleted = "action.completed";
    public const string ActionOverdue = "action.overdue";

    public const string RiskAssessed = "risk.assessed";
    public const string RiskEscalated = "risk.escalated";
    public const string RiskReviewOverdue = "risk.review-overdue";
}
