using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// Business gauges (actions by status, risks by band...) are computed from Redis when Prometheus scrapes, so they are
/// never stale and cost nothing between scrapes. Every service registers its refresh here and sets series with
/// <see cref="Replace"/>.
/// </summary>
public static class BusinessGauges
{
    /// <summary>Runs <paramref name="refresh"/> in a fresh DI scope before each scrape. A stopped host (several hosts share
    /// one process in tests) reports nothing instead of failing the scrape.</summary>
    public static void Register(IServiceProvider services, Func<IServiceProvider, CancellationToken, Task> refresh)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            IServiceScope scope;
            try { scope = scopes.CreateScope(); }
            catch (ObjectDisposedException) { return; }
            using (scope) await refresh(scope.ServiceProvider, cancellationToken);
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

    private static string Key(string[] labels) => string.Join('\u001f', labels);
}
