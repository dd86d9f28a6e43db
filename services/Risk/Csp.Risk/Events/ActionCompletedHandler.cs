using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk.Commands;

namespace Csp.Risk.Events;

/// <summary>
/// <c>action.completed</c> from the action-plan service: the mitigations that link to the action show done. Idempotent by
/// nature as well as by the dispatcher's event-id check: a mitigation already done is left alone. Failures propagate, so
/// the bus retries and finally dead-letters.
/// </summary>
public sealed class ActionCompletedHandler(RiskCommands commands) : IIntegrationEventHandler<ActionCompleted>
{
    public Task HandleAsync(ActionCompleted @event, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.MarkMitigationDoneAsync(@event.PartnershipId, @event.ActionId, @event.CompletedAt);
}
