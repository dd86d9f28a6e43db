using Microsoft.AspNetCore.Builder;
using Prometheus;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// How every process of the platform records Prometheus metrics. <b>No exemplars</b>: prometheus-net, by default, attaches
/// the current trace's ids to every counter increment and histogram observation (two per request in the request metrics
/// alone). Nothing reads them: Prometheus keeps exemplars only behind a feature flag and only from an OpenMetrics scrape,
/// and no rule or dashboard of the chart uses one; a request is found from its <c>X-Correlation-Id</c> in the logs
/// (docs/operations.md). Turning them off is the cheapest per-request saving in the gateway (docs/performance.md).
/// </summary>
public static class PlatformMetrics
{
    /// <summary>Called before any metric is created (exemplar behaviour is fixed when a metric is created): by
    /// <c>AddServiceDefaults</c> and the gateway's and portal's hosting.</summary>
    public static void UseNoExemplars() => Metrics.DefaultFactory.ExemplarBehavior = ExemplarBehavior.NoExemplars();

    /// <summary>prometheus-net's request metrics (<c>http_requests_received_total</c>, <c>http_request_duration_seconds</c>,
    /// and <c>http_requests_in_progress</c> unless <paramref name="inProgress"/> is false), made by the default factory so
    /// they too carry no exemplar (left alone, the middleware makes its own factory with exemplars on).</summary>
    public static IApplicationBuilder UsePlatformHttpMetrics(this IApplicationBuilder app, bool inProgress = true) =>
        app.UseHttpMetrics(o =>
        {
            o.InProgress.Enabled = inProgress;
            o.SetMetricFactory(Metrics.DefaultFactory);
        });
}
