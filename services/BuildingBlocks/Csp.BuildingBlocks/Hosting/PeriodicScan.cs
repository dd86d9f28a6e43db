using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>Options of a <see cref="PeriodicScan{TOptions}"/>: how often it runs (validated positive at start-up).</summary>
public class ScanOptions
{
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A scan that runs at start and then on a timer (overdue actions, overdue risk reviews...). A Redis hiccup is logged and
/// the scan tried again at the next tick; the host never stops for it, nor for anything else a pass throws. A record that
/// cannot be read is skipped where the lists read it (<see cref="Redis.AggregateWriter.ReadManyAsync{T}"/>); one read on
/// its own that fails ends only that pass, reported with its key (<see cref="Redis.UnreadableRecords"/>). <see cref="ScanAsync(CancellationToken)"/> is public
/// so tests can run one pass. A scan finds work and hands each piece to the service's commands.
/// </summary>
public abstract class PeriodicScan<TOptions>(IServiceScopeFactory scopes, IOptions<TOptions> options, ILogger logger) : BackgroundService
    where TOptions : ScanOptions
{
    /// <summary>One pass, in its own DI scope; returns how many things it acted on.</summary>
    protected abstract Task<int> ScanAsync(IServiceProvider services, CancellationToken cancellationToken);

    public async Task<int> ScanAsync(CancellationToken cancellationToken = default)
    {
        using var scope = scopes.CreateScope();
        return await ScanAsync(scope.ServiceProvider, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ScanInterval);
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
            catch (Redis.UnreadableRecordException ex)
            {
                using var scope = scopes.CreateScope();
                Redis.UnreadableRecords.Report(logger, scope.ServiceProvider.GetService<ServiceIdentity>()?.Name ?? "unknown", ex);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A bug in one pass must not take the service down with it: log it and try again at the next tick.
                logger.LogError(ex, "{Scan} failed unexpectedly; retrying at the next interval", GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public static class PeriodicScanExtensions
{
    /// <summary>Registers <typeparamref name="TScan"/> as a hosted service (and as itself, for tests) with its options bound
    /// from <paramref name="section"/>; a non-positive <c>ScanInterval</c> stops the service at start-up.</summary>
    public static IHostApplicationBuilder AddPeriodicScan<TScan, TOptions>(this IHostApplicationBuilder builder, string section)
        where TScan : PeriodicScan<TOptions>
        where TOptions : ScanOptions
    {
        builder.Services.AddOptions<TOptions>().Bind(builder.Configuration.GetSection(section))
            .Validate(o => o.ScanInterval > TimeSpan.Zero, $"{section}:ScanInterval must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<TScan>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TScan>());
        return builder;
    }
}
