namespace Csp.Kpi.Domain;

/// <summary>
/// What a KPI is, as the manager defined it (one version of it). Changing a definition makes a new version
/// (<see cref="Version"/> 1, 2, ...); every earlier version is kept, and a judgement (RAG) records the version it was made
/// against, so a new target never rewrites a past RAG.
/// </summary>
public sealed record KpiSpec(
    string Title, string Counting, string PriorityId, string OwningAgencyId, string DataSource, int PublicationLagDays,
    Unit Unit, string? DenominatorSource, Polarity Polarity, Frequency Frequency, Baseline? Baseline, Target? Target, Tolerance? Tolerance,
    bool ActivityIndicator, bool Published);

public sealed class KpiDefinition
{
    public string Code { get; private set; } = "";
    public string PartnershipId { get; private set; } = "";
    public KpiSpec Spec { get; private set; } = null!;
    /// <summary>The definition's own version: 1 when created, +1 per change.</summary>
    public int Version { get; private set; }
    /// <summary>Derived KPIs are defined and measured by the platform from other services' events, never typed in.</summary>
    public bool Derived { get; private set; }
    public string ChangedBy { get; private set; } = "";
    public DateTimeOffset ChangedAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static KpiDefinition Create(string partnershipId, string code, KpiSpec spec, string by, DateTimeOffset at, bool derived = false) =>
        new() { PartnershipId = partnershipId, Code = code, Spec = spec, Version = 1, Derived = derived, ChangedBy = by, ChangedAt = at, CreatedAt = at };

    public KpiDefinition Change(KpiSpec spec, string by, DateTimeOffset at) =>
        new() { PartnershipId = PartnershipId, Code = Code, Spec = spec, Version = Version + 1, Derived = Derived, ChangedBy = by, ChangedAt = at, CreatedAt = CreatedAt };

    /// <summary>The target for a period, if this KPI has one (activity indicators and contextual KPIs may not).</summary>
    public decimal? TargetFor(Period period) => Spec.ActivityIndicator || Spec.Target is null ? null : Spec.Target.For(period);
}
