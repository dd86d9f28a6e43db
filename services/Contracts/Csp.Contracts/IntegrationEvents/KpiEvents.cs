namespace Csp.Contracts.IntegrationEvents;

// Integration events published by the KPI service. Periods are written 2023-04 (month), 2023-Q1 (financial quarter,
// April-June 2023) or 2023-24 (financial year); values are exact decimals in the KPI's unit; RAG is green, amber, red or
// none. Instants are UTC.

/// <summary>A measurement was recorded for a period: the first (<see cref="Revision"/> 1) or a revision that supersedes
/// the earlier one. Provenance: manual, imported or derived.</summary>
public sealed record KpiMeasurementRecorded(
    string PartnershipId, string KpiCode, string PriorityId, string Period, int Revision, decimal Value, string Unit,
    string Rag, string Provenance, string RecordedBy, DateTimeOffset RecordedAt) : IIntegrationEvent
{
    public static string Topic => "kpi.measurement-recorded";
}

/// <summary>A KPI's current RAG (that of its latest period) changed, with the reason in words and both values.
/// <see cref="PreviousRag"/> is null for the first RAG a KPI gets.</summary>
public sealed record KpiRagChanged(
    string PartnershipId, string KpiCode, string PriorityId, string Period, string? PreviousRag, decimal? PreviousValue,
    string Rag, decimal Value, decimal? Target, string Reason, DateTimeOffset ChangedAt) : IIntegrationEvent
{
    public static string Topic => "kpi.rag-changed";
}
