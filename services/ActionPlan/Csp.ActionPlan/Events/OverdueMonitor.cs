using Csp.ActionPlan.Api;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Hosting;
using Microsoft.Extensions.Options;

namespace Csp.ActionPlan.Events;

public sealed class OverdueOptions
{
    public const string Section = "ActionPlan:Overdue";

    /// <summary>How often open actions are checked against today's UK date.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks every partnership's actions on a timer and raises <c>action.overdue</c> once per action per due date.</summary>
public sealed class OverdueMonitor(IServiceScopeFactory scopes, IOptions<OverdueOptions> options, ILogger<OverdueMonitor> logger) : PeriodicScan(scopes, logger)
{
    protected override TimeSpan Interval => options.Value.ScanInterval;

    protected override async Task<int> ScanAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ActionPlanStore>();
        var commands = services.GetRequiredService<ActionCommands>();
        var raised = 0;
        foreach (var partnership in await store.ListPartnershipsAsync())
            raised += await commands.RaiseOverdueAsync(partnership.Value.Id);
        return raised;
    }
}
