using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// Business gauges (actions by status, risks by band...) are computed from Redis when Prometheus scrapes, so they are
/// never stale and cost nothing between scrapes. Every replica of a service reads the same shared state, so if each
/// exported them a <c>sum()</c> across pods would count everything once per replica. Only one replica exports them: the
/// holder of the lease <c>{service}:business-gauges</c> (<see cref="BusinessGaugeLease"/>), taken or renewed at each
/// scrape. The others export none of these series (a replica that loses the lease removes its series), so dashboards may
/// aggregate with <c>sum</c> or <c>max</c> and get the same answer. Every service registers its refresh here and sets
/// series with <see cref="Replace"/>.
/// </summary>
public static class BusinessGauges
{
    /// <summary>Runs <paramref name="refresh"/> in a fresh DI scope before each scrape, if this replica holds the lease; a
    /// replica without it clears <paramref name="gauges"/> once, when it loses the lease. A stopped host (several hosts share
    /// one process in tests) reports nothing instead of failing the scrape.</summary>
    public static void Register(IServiceProvider services, Func<IServiceProvider, CancellationToken, Task> refresh, params Gauge[] gauges)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var lease = services.GetRequiredService<BusinessGaugeLease>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            IServiceScope scope;
            try { scope = scopes.CreateScope(); }
            catch (ObjectDisposedException) { return; }
            using (scope)
            {
                var wasHolder = lease.IsHolder;
                if (await lease.HoldAsync())
                {
                    await refresh(scope.ServiceProvider, cancellationToken);
                    return;
                }
                if (wasHolder)
                    foreach (var gauge in gauges)
                        foreach (var labels in gauge.GetAllLabelValues().ToList()) gauge.RemoveLabelled(labels);
            }
        });
    }

    /// <summary>Sets <paramref name="gauge"/> to exactly these series for the given partnerships (the first label):
    /// series of theirs that no longer exist are removed rather than left stale; other partnerships' series are untouched.</summary>
    public static void Replace(Gauge gauge, IReadOnlyDictionary<string[], int> values, IReadOnlyCollection<string> partnerships)
    {
        var keep = values.Keys.Select(Key).ToHashSet();
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            if (partnerships.Contains(labels[0]) && !keep.Contains(Key(labels))) gauge.RemoveLabelled(labels);
        foreach (var (labels, value) in values) gauge.WithLabels(labels).Set(value);
    }

    /// <summary>As <see cref="Replace(Gauge, IReadOnlyDictionary{string[], int}, IReadOnlyCollection{string})"/>, for whole
    /// numbers beyond an int (amounts in pence; a double holds every whole number up to 2^53 exactly).</summary>
    public static void Replace(Gauge gauge, IReadOnlyDictionary<string[], long> values, IReadOnlyCollection<string> partnerships)
    {
        var keep = values.Keys.Select(Key).ToHashSet();
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            if (partnerships.Contains(labels[0]) && !keep.Contains(Key(labels))) gauge.RemoveLabelled(labels);
        foreach (var (labels, value) in values) gauge.WithLabels(labels).Set(value);
    }

    private static string Key(string[] labels) => string.Join('\u001f', labels);
}

/// <summary>
/// Which replica exports the business gauges: the holder of <c>{service}:business-gauges</c> (a single key, any slot),
/// taken with SET NX PX and renewed at each scrape for <see cref="LeaseTime"/>. Prometheus scrapes every pod every 15-60 s,
/// so the holder renews long before it runs out; when the holder dies (or stops: it gives the lease back) the next replica
/// scraped takes over. <c>csp_business_gauges_exporter{service}</c> is 1 on the holder, 0 elsewhere.
/// </summary>
public sealed class BusinessGaugeLease(IConnectionMultiplexer redis, IOptions<RedisOptions> options, RedisKeys keys, ReplicaIdentity replica,
    ServiceIdentity service, ILogger<BusinessGaugeLease> logger) : IHostedService
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(2);

    private static readonly Gauge Exporter = Metrics.CreateGauge("csp_business_gauges_exporter",
        "1 on the one replica of a service that exports its business gauges, 0 on the others.", "service");

    private volatile bool _isHolder;

    public string Key => keys.Global("business-gauges");

    public bool IsHolder => _isHolder;

    /// <summary>Takes or renews the lease; false when another replica holds it (or Redis cannot say).</summary>
    public async Task<bool> HoldAsync()
    {
        bool holds;
        try { holds = await RedisLease.HoldAsync(redis.GetDatabase(options.Value.Database), Key, replica.Name, LeaseTime); }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not renew the business gauges lease; exporting none until Redis answers");
            holds = false;
        }
        if (holds != _isHolder) logger.LogInformation("This replica {Replica} {Change} the business gauges", replica.Name, holds ? "now exports" : "no longer exports");
        _isHolder = holds;
        Exporter.WithLabels(service.Name).Set(holds ? 1 : 0);
        return holds;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Gives the lease back at shutdown, so another replica exports at its next scrape.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_isHolder) return;
        _isHolder = false;
        try { await RedisLease.ReleaseAsync(redis.GetDatabase(options.Value.Database), Key, replica.Name); }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not give back the business gauges lease; it runs out by itself");
        }
    }
}
