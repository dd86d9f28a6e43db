using System.Diagnostics;
using Csp.BuildingBlocks.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Csp.Gateway.Security;

/// <summary>
/// What the gateway adds to every response, proxied or its own (a 401, 429, 413, 503, health), in ONE middleware with ONE
/// static callback when the response starts: the browser hardening headers (<see cref="SecurityHeaders"/>: filled in where
/// the service did not set its own; <c>Strict-Transport-Security</c> on HTTPS; <c>Server</c> and <c>X-Powered-By</c>
/// removed) and <c>X-Correlation-Id</c>, the request's W3C trace id. Values are built once; nothing is allocated per
/// request but the trace id's 32 hex digits.
/// <para>
/// When the response starts, not before the request is forwarded: the proxy appends the service's headers to what is
/// already set (a service's own Content-Security-Policy would become two values), and a problem written after an error
/// clears the response's headers first. A callback at the start sees the final headers in every case.
/// </para>
/// </summary>
public static class GatewayResponseHeaders
{
    private static readonly (string Name, StringValues Value)[] Always =
        [.. SecurityHeaders.Always.Select(h => (h.Key, new StringValues(h.Value)))];

    private static readonly StringValues Hsts = new(SecurityHeaders.StrictTransportSecurity);

    public static IApplicationBuilder UseGatewayResponseHeaders(this IApplicationBuilder app, bool security, bool correlation)
    {
        if (!security && !correlation) return app;
        Func<object, Task> callback = (security, correlation) switch
        {
            (true, true) => static state => Write((HttpContext)state, security: true, correlation: true),
            (true, false) => static state => Write((HttpContext)state, security: true, correlation: false),
            _ => static state => Write((HttpContext)state, security: false, correlation: true),
        };
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(callback, context);
            return next(context);
        });
    }

    private static Task Write(HttpContext context, bool security, bool correlation)
    {
        var headers = context.Response.Headers;
        if (security)
        {
            // A downstream service may set a stricter or page-specific value; the gateway fills in what is missing.
            foreach (var (name, value) in Always)
                if (!headers.ContainsKey(name)) headers[name] = value;
            if (context.Request.IsHttps) headers.StrictTransportSecurity = Hsts;
            headers.Remove("Server");
            headers.Remove("X-Powered-By");
        }
        if (correlation && (context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } activity)
            headers[TraceContextMiddleware.CorrelationHeader] = activity.TraceId.ToHexString();
        return Task.CompletedTask;
    }
}
