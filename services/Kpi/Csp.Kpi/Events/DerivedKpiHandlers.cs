using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Kpi.Commands;

namespace Csp.Kpi.Events;

// Derived KPIs from the action plan's and the risk register's events. Each handler hands the event to the commands,
// which merge it (newer only) and recompute; a failure propagates so the bus retries and finally dead-letters. The
// dispatcher also skips an event id it has handled; handling one twice would change nothing anyway.

public sealed class ActionCreatedHandler(KpiCommands commands) : IIntegrationEventHandler<ActionCreated>
{
    /// <summary>The status an action was created with is older than any change of it, whenever the events arrive.</summary>
    public Task HandleAsync(ActionCreated e, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.ApplyActionEventAsync(e.PartnershipId, e.ActionId, e.PriorityId, e.Status, DateTimeOffset.MinValue, overdue: false);
}

public sealed class ActionStatusChangedHandler(KpiCommands commands) : IIntegrationEventHandler<ActionStatusChanged>
{
    public Task HandleAsync(ActionStatusChanged e, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.ApplyActionEventAsync(e.PartnershipId, e.ActionId, e.PriorityId, e.Status, e.ChangedAt, overdue: false);
}

public sealed class ActionCompletedHandler(KpiCommands commands) : IIntegrationEventHandler<ActionCompleted>
{
    public Task HandleAsync(ActionCompleted e, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.ApplyActionEventAsync(e.PartnershipId, e.ActionId, e.PriorityId, "completed", e.CompletedAt, overdue: false);
}

public sealed class ActionOverdueHandler(KpiCommands commands) : IIntegrationEventHandler<ActionOverdue>
{
    /// <summary>Carries the action's status too; it is applied only if nothing newer is known (the report's own time is the envelope's).</summary>
    public Task HandleAsync(ActionOverdue e, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.ApplyActionEventAsync(e.PartnershipId, e.ActionId, e.PriorityId, e.Status, envelope.Time, overdue: true);
}

public sealed class RiskAssessedHandler(KpiCommands commands) : IIntegrationEventHandler<RiskAssessed>
{
    public Task HandleAsync(RiskAssessed e, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.ApplyRiskAssessedAsync(e.PartnershipId, e.RiskId, e.AboveTolerance, e.AssessedAt);
}

// Derived KPIs from the funding service's events: the share of each grant spent against its profile.

public sealed class FundingAllocationConfirmedHandler(KpiCommands commands) : IIntegrationEventHandler<FundingAllocationConfirmed>
{
    public Task HandleAsync(FundingAllocationConfirmed e, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.ApplyGrantEventAsync(e.PartnershipId, e.AllocationId, e.FinancialYear, e.AwardedPence, spentPence: null, e.ConfirmedAt);
}

public sealed class FundingSpendRecordedHandler(KpiCommands commands) : IIntegrationEventHandler<FundingSpendRecorded>
{
    /// <summary>Carries the allocation's spend to date and award, so a missed entry is made good by the next one.</summary>
    public Task HandleAsync(FundingSpendRecorded e, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.ApplyGrantEventAsync(e.PartnershipId, e.AllocationId, financialYear: null, e.AwardedPence, e.SpentPence, e.RecordedAt);
}
