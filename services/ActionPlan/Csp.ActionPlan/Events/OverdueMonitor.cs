using Csp.ActionPlan.Commands;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Hosting;
using Microsoft.Extensions.Options;

namespace Csp.ActionPlan.Events;

/// <summary>Configuration section <c>ActionPlan:Overdue</c>: how often open actions are checked against today's UK date.</summary>
public sealed class OverdueOptions : ScanOptions
{
    public const string Section = "ActionPlan:Overdue";
}

/// <summary>Checks every partnership's actions on a timer: each partnership is handed to the overdue command, which raises
/// <c>action.overdue</c> once per action per due date.</summary>
public sealed class OverdueMonitor(IServiceScopeFactory scopes, IOptions<OverdueOptions> options, ILogger<OverdueMonitor> logger)
    : PeriodicScan<OverdueOptions>(scopes, options, logger)
{
    protected override async Task<int> ScanAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ActionPlanStore>();
        var commands = services.GetRequiredService<ActionPlanCommands>();
        var raised = 0;
        foreach (var partnership in await store.ListPartnershipsAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            raised += await commands.RaiseOverdueAsync(partnership.Value.Id);
        }
        return raised;
    }
}
