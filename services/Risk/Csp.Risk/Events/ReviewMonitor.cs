using Csp.BuildingBlocks.Hosting;
using Csp.Risk.Commands;
using Csp.Risk.Storage;
using Microsoft.Extensions.Options;

namespace Csp.Risk.Events;

/// <summary>Configuration section <c>Risk:Reviews</c>: how often open risks' next review dates are checked against
/// today's UK date (<see cref="ScanOptions.ScanInterval"/>).</summary>
public sealed class ReviewOptions : ScanOptions
{
    public const string Section = "Risk:Reviews";
}

/// <summary>Checks every partnership's open risks on a timer and raises <c>risk.review-overdue</c> once per risk per review date.</summary>
public sealed class ReviewMonitor(IServiceScopeFactory scopes, IOptions<ReviewOptions> options, ILogger<ReviewMonitor> logger)
    : PeriodicScan<ReviewOptions>(scopes, options, logger)
{
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
