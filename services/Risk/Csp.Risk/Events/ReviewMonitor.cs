using Csp.Risk.Api;
using Csp.Risk.Storage;
using Csp.BuildingBlocks.Hosting;
using Microsoft.Extensions.Options;

namespace Csp.Risk.Events;

public sealed class ReviewOptions
{
    public const string Section = "Risk:Reviews";

    /// <summary>How often open risks' next review dates are checked against today's UK date.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks every partnership's open risks on a timer and raises <c>risk.review-overdue</c> once per risk per review date.</summary>
public sealed class ReviewMonitor(IServiceScopeFactory scopes, IOptions<ReviewOptions> options, ILogger<ReviewMonitor> logger) : PeriodicScan(scopes, logger)
{
    protected override TimeSpan Interval => options.Value.ScanInterval;

    protected override async Task<int> ScanAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<RiskStore>();
        var commands = services.GetRequiredService<RiskCommands>();
        var raised = 0;
        foreach (var partnership in await store.ListPartnershipsAsync())
            raised += await commands.RaiseReviewsOverdueAsync(partnership);
        return raised;
    }
}
