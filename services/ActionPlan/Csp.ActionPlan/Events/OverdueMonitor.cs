using Csp.ActionPlan.Api;
using Csp.ActionPlan.Storage;
using Microsoft.Extensions.Options;

namespace Csp.ActionPlan.Events;

public sealed class OverdueOptions
{
    public const string Section = "ActionPlan:Overdue";

    /// <summary>How often open actions are checked against today's UK date.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks every partnership's actions on a timer and raises <c>action.overdue</c> once per action per due date.</summary>
public sealed class OverdueMonitor(IServiceScopeFactory scopes, IOptions<OverdueOptions> options, ILogger<OverdueMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ScanInterval);
        do
        {
            try
            {
                await ScanAsync();
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Overdue scan failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> ScanAsync()
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ActionPlanStore>();
        var commands = scope.ServiceProvider.GetRequiredService<ActionCommands>();
        var raised = 0;
        foreach (var partnership in await store.ListPartnershipsAsync())
            raised += await commands.RaiseOverdueAsync(partnership.Value.Id);
        return raised;
    }
}
