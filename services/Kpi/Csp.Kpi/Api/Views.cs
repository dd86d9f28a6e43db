using Csp.Kpi.Domain;

namespace Csp.Kpi.Api;

/// <summary>A KPI definition as the API shows it (the fields a PUT sends back, plus its identity and version).</summary>
public sealed record KpiView(
    string Code, string PartnershipId, int Version, bool Derived, string Title, string Counting, string PriorityId, string OwningAgencyId,
    string DataSource, int PublicationLagDays, Unit Unit, string? DenominatorSource, Polarity Polarity, Frequency Frequency, BaselineView? Baseline,
    Target? Target, Tolerance? Tolerance, bool ActivityIndicator, bool Published, string ChangedBy, DateTimeOffset ChangedAt, DateTimeOffset CreatedAt)
{
    public static KpiView Of(KpiDefinition k)
    {
        var s = k.Spec;
        return new KpiView(k.Code, k.PartnershipId, k.Version, k.Derived, s.Title, s.Counting, s.PriorityId, s.OwningAgencyId, s.DataSource,
            s.PublicationLagDays, s.Unit, s.DenominatorSource, s.Polarity, s.Frequency, BaselineView.Of(s.Baseline), s.Target, s.Tolerance,
            s.ActivityIndicator, s.Published, k.ChangedBy, k.ChangedAt, k.CreatedAt);
    }
}

/// <summary>A measurement as recorded, with the RAG it was judged with, and whether a later revision superseded it.</summary>
public sealed record MeasurementView(
    string KpiCode, string Period, int Revision, bool Superseded, decimal Value, decimal? Numerator, decimal? Denominator, string Source, string? Note,
    Provenance Provenance, string SubmittedBy, string SubmittedByName, DateTimeOffset RecordedAt,
    Rag Rag, string RagReason, decimal? Target, int JudgedAgainstVersion)
{
    public static MeasurementView Of(Measurement m, bool superseded) =>
        new(m.KpiCode, m.Period.ToString(), m.Revision, superseded, m.Value, m.Numerator, m.Denominator, m.Source, m.Note, m.Provenance,
            m.SubmittedBy, m.SubmittedByName, m.RecordedAt, m.Judgement.Rag, m.Judgement.Reason, m.Judgement.Target, m.Judgement.DefinitionVersion);
}

public sealed record MeasurementPageView(string KpiCode, IReadOnlyList<MeasurementView> Items, int Total, int Page, int PageSize);
