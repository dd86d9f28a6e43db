using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// Takes the caller's <c>X-Correlation-Id</c> (or starts one), keeps it for the request in <see cref="CorrelationContext"/>
/// and a logging scope, leaves it on the request headers (so a proxy forwards it) and returns it on the response.
/// </summary>
public sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[CorrelationContext.HeaderName].ToString();
        using var correlation = CorrelationContext.Begin(IsWellFormed(incoming) ? incoming : null);
        var id = CorrelationContext.Current!;

        context.Request.Headers[CorrelationContext.HeaderName] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationContext.HeaderName] = id;
            return Task.CompletedTask;
        });

        using (logger.BeginScope("CorrelationId:{" + CorrelationContext.LogScopeKey + "}", id))
        {
            await next(context);
        }
    }

    // A client-supplied id goes into logs and onward headers, so only short, plain tokens are kept.
    private static bool IsWellFormed(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}

public static class CorrelationIdApplicationBuilderExtensions
{
    public static IApplicationBuilder UseCspCorrelationId(this IApplicationBuilder app) => app.UseMiddleware<CorrelationIdMiddleware>();
}
