using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// Correlation is the W3C trace context (<c>traceparent</c>), which ASP.NET Core reads on every request and HttpClient,
/// Grpc.Net.Client, YARP and Dapr carry onward; the event bus carries it in the CloudEvents <c>traceparent</c> extension.
/// Logs carry the trace and span ids (the host's activity tracking). This middleware only shows callers the trace id as
/// <c>X-Correlation-Id</c> on every response, the alias they quote when they report a problem.
/// </summary>
public sealed class TraceContextMiddleware(RequestDelegate next)
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public Task InvokeAsync(HttpContext context)
    {
        // One static callback with the context as its state: no closure or delegate allocated per request. The trace id is
        // read when the response starts, from the request's own activity (the one ASP.NET Core started for it).
        if (CurrentTraceId() is not null) context.Response.OnStarting(WriteCorrelationHeader, context);
        return next(context);
    }

    private static readonly Func<object, Task> WriteCorrelationHeader = static state =>
    {
        var context = (HttpContext)state;
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
        if (activity is { IdFormat: ActivityIdFormat.W3C }) context.Response.Headers[CorrelationHeader] = activity.TraceId.ToHexString();
        return Task.CompletedTask;
    };

    /// <summary>The current trace id (32 hex digits), or null outside any trace.</summary>
    public static string? CurrentTraceId() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;
}

public static class TraceContextApplicationBuilderExtensions
{
    private static int _listening;

    /// <summary>
    /// Makes ASP.NET Core create the request's Activity (continuing the caller's <c>traceparent</c>) whatever the log level:
    /// without a listener it creates one only while its own log category is enabled, and trace context must not depend
    /// on logging configuration. Propagation data only, unless the caller's trace is sampled.
    /// </summary>
    public static void AlwaysTraceRequests()
    {
        if (Interlocked.Exchange(ref _listening, 1) == 1) return;
        ActivitySource.AddActivityListener(new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Csp.EventBus",
            // Keep the caller's sampling decision (the traceparent flags) so a trace sampled upstream stays sampled.
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
        });
    }

    public static IApplicationBuilder UseCspTraceContext(this IApplicationBuilder app) => app.UseMiddleware<TraceContextMiddleware>();
}
