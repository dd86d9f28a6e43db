using Csp.Risk.Api;
using Csp.Risk.Storage;
using Microsoft.Extensions.Options;

namespace Csp.Risk.Events;

public sealed class ReviewOptions
{
    public const string Section = "Risk:Reviews";

    /// <summary>How often open risks' next review dates are checked against today's UK date.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks every partnership's open risks on a timer and raises <c>risk.review-overdue</c> once per risk per review date.</summary>
public sealed class ReviewMonitor(IServiceScopeFactory scopes, IOptions<ReviewOptions> options, ILogger<ReviewMonitor> logger) : BackgroundService
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
                logger.LogWarning(ex, "Review scan failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> ScanAsync()
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<RiskStore>();
        var commands = scope.ServiceProvider.GetRequiredService<RiskCommands>();
        var raised = 0;
        foreach (var partnership in await store.ListPartnershipsAsync())
            raised += await commands.RaiseReviewsOverdueAsync(partnership);
        return raised;
    }
}
