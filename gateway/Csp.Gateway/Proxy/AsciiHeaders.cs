using Yarp.ReverseProxy.Model;

namespace Csp.Gateway.Proxy;

/// <summary>
/// HTTP header values are ASCII (RFC 9110 5.5: other octets are opaque, and our services read none). Kestrel accepts a
/// Latin-1 header value, but the proxy's HTTP client refuses to send one ("Request headers must contain only ASCII
/// characters"), which used to surface as a 503 "service unavailable". The gateway refuses such a request itself: 400
/// problem details naming the header, before anything is forwarded.
/// </summary>
public static class AsciiHeaders
{
    public static IReverseProxyApplicationBuilder UseAsciiHeaders(this IReverseProxyApplicationBuilder proxy, bool before = false)
    {
        proxy.Use(GatewayProxy.Step(before, (context, next) => FirstNonAscii(context.Request.Headers) is { } name ? RefuseAsync(context, name) : next(context)));
        return proxy;
    }

    private static Task RefuseAsync(HttpContext context, string name) =>
        Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "A request header is not ASCII",
            detail: $"The value of the {name} header has characters outside ASCII; header values must be ASCII.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [name] = ["Header values must be ASCII."] } })
            .ExecuteAsync(context);

    /// <returns>The name of the first header whose value has a character above 0x7F, or null.</returns>
    public static string? FirstNonAscii(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
            foreach (var value in values)
                if (value is not null && !System.Text.Ascii.IsValid(value)) return name;
        return null;
    }
}
