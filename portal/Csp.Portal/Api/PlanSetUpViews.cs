namespace Csp.Portal.Api;

/// <summary>
/// What the manager's plan set-up pages send to the action plan (docs/api.md "Plans", "Actions") and the audit entries
/// they read back after a conflict. Nested so the names cannot clash with the records other pages read (<see cref="PlanView"/>,
/// <see cref="ActionView"/> are shared). Enum values go as the service spells them (<c>prevent</c>); the service owns
/// every rule and names each field it refuses (<c>priorities[1].areasOfFocus[0].title</c>, <c>milestones[0].dueDate</c>).
/// </summary>
public static class PlanSetUp
{
    public sealed record AreaDraft(string? Id, string? Title);

    public sealed record PriorityDraft(string? Id, string? Title, IReadOnlyList<AreaDraft> AreasOfFocus);

    public sealed record PlanDraft(string? Title, int? StartYear, int? EndYear, IReadOnlyList<PriorityDraft> Priorities);

    public sealed record MilestoneDraft(string? Title, DateOnly? DueDate, DateOnly? CompletedOn);

    public sealed record ActionDraft(
        string? PlanId, string? PriorityId, string? AreaOfFocusId, string? Title, string? Description, string? Strand,
        string? LeadAgencyId, IReadOnlyList<string> SupportingAgencyIds, string? Owner, DateOnly? StartDate, DateOnly? DueDate,
        IReadOnlyList<MilestoneDraft> Milestones);

    /// <summary>One entry of a record's audit trail (manager only): who, when, what, and the changed fields before and after
    /// as the service stores them (JSON text).</summary>
    public sealed record AuditEntry(string Actor, DateTimeOffset At, string Action, string EntityType, string EntityId, string? Before, string? After, string? CorrelationId);

    /// <summary>A lower-case slug from a title, as the action plan's ids are (<c>Reducing reoffending</c> → <c>reducing-reoffending</c>),
    /// at most 64 characters; empty when the title has no letters or digits.</summary>
    public static string SlugOf(string? title)
    {
        var chars = new System.Text.StringBuilder();
        var dash = false;
        foreach (var c in (title ?? "").ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') { if (dash && chars.Length > 0) chars.Append('-'); chars.Append(c); dash = false; }
            else dash = true;
            if (chars.Length >= 64) break;
        }
        return chars.ToString().TrimEnd('-');
    }
}
