using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.Contracts.IntegrationEvents;
using Csp.Kpi.Domain;

namespace Csp.Kpi.Commands;

/// <summary>The integration events a write of measurements causes (written to the outbox with it).</summary>
public static class KpiEvents
{
    public static PendingEvent Recorded(string partnershipId, KpiDefinition kpi, Measurement m) =>
        PendingEvent.Of(new KpiMeasurementRecorded(partnershipId, kpi.Code, kpi.Spec.PriorityId, m.Period.ToString(), m.Revision, m.Value,
            ApiJson.Name(kpi.Spec.Unit), ApiJson.Name(m.Judgement.Rag), ApiJson.Name(m.Provenance), m.SubmittedBy, m.RecordedAt), Subject(kpi));

    public static PendingEvent RagChanged(string partnershipId, KpiDefinition kpi, RagChange change, DateTimeOffset at) =>
        PendingEvent.Of(new KpiRagChanged(partnershipId, kpi.Code, kpi.Spec.PriorityId, change.Period.ToString(),
            change.PreviousRag is { } before ? ApiJson.Name(before) : null, change.PreviousValue, ApiJson.Name(change.Rag), change.Value,
            change.Target, change.Reason, at), Subject(kpi));

    private static string Subject(KpiDefinition kpi) => $"kpis/{kpi.Code}";
}
