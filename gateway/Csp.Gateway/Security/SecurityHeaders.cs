namespace Csp.Gateway.Security;

/// <summary>Browser hardening headers on every response, proxied or local; the <c>Server</c> header is removed. The gateway
/// writes them with <see cref="GatewayResponseHeaders"/>; this middleware of its own (a closure per request) is the pipeline
/// before that change, kept for the benchmark's same-run comparison (<c>Gateway:Pipeline:Before</c>).</summary>
public static class SecurityHeaders
{
    internal static readonly KeyValuePair<string, string>[] Always =
    [
        new("X-Content-Type-Options", "nosniff"),
        new("X-Frame-Options", "DENY"),
        new("Referrer-Policy", "no-referrer"),
        new("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
        new("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
        new("Cross-Origin-Opener-Policy", "same-origin"),
    ];

    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            // A downstream service may set a stricter or page-specific value; the gateway fills in what is missing.
            foreach (var (name, value) in Always)
                if (!headers.ContainsKey(name)) headers[name] = value;
            if (http.Request.IsHttps) headers.StrictTransportSecurity = StrictTransportSecurity;
            headers.Remove("Server");
            headers.Remove("X-Powered-By");
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
