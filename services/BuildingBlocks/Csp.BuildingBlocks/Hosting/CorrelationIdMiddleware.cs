using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Csp.BuildingBlocks.Hosting;

// INTERIM: replaced by the gateway branch's version at merge.
public static class CorrelationIdMiddleware
{
    public static IApplicationBuilder UseCspCorrelationId(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        using var correlation = CorrelationContext.Begin(context.Request.Headers[CorrelationContext.HeaderName].ToString());
        context.Response.Headers[CorrelationContext.HeaderName] = CorrelationContext.Current;
        var logger = context.RequestServices.GetService(typeof(ILogger<CorrelationContext.Scope>)) as ILogger;
        using var scope = logger?.BeginScope(new Dictionary<string, object?> { [CorrelationContext.LogScopeKey] = CorrelationContext.Current });
        await next();
    });
}
