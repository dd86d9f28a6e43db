using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Funding.Commands;

namespace Csp.Funding.Events;

/// <summary><c>action.completed</c>: the projects that deliver the action show it completed ("delivered: ready to close" once
/// all their actions are). Idempotent: a link already completed is left alone. Failures propagate, so the bus retries.</summary>
public sealed class ActionCompletedHandler(FundingCommands commands) : IIntegrationEventHandler<ActionCompleted>
{
    public Task HandleAsync(ActionCompleted @event, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.UpdateActionAsync(@event.PartnershipId, @event.ActionId, completed: true, offTrack: false, @event.CompletedAt);
}

/// <summary><c>action.status-changed</c>: a project with an off-track action is flagged on the PCC's view (and unflagged when it
/// is back on track); a move to completed counts as completion.</summary>
public sealed class ActionStatusChangedHandler(FundingCommands commands) : IIntegrationEventHandler<ActionStatusChanged>
{
    public Task HandleAsync(ActionStatusChanged @event, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.UpdateActionAsync(@event.PartnershipId, @event.ActionId, completed: @event.Status == "completed",
            offTrack: @event.Status == ActionStatuses.OffTrack, @event.ChangedAt);
}
