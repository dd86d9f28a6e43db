using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// A scan that runs at start and then on a timer (overdue actions, overdue risk reviews...). A Redis hiccup is logged and
/// the scan tried again at the next tick; the host never stops for it. <see cref="ScanAsync"/> is public so tests can
/// run one pass.
/// </summary>
public abstract class PeriodicScan(IServiceScopeFactory scopes, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass, in its own DI scope; returns how many things it acted on.</summary>
    protected abstract Task<int> ScanAsync(IServiceProvider services, CancellationToken cancellationToken);

    public async Task<int> ScanAsync(CancellationToken cancellationToken = default)
    {
        using var scope = scopes.CreateScope();
        return await ScanAsync(scope.ServiceProvider, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await ScanAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "{Scan} failed; retrying at the next interval", GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
