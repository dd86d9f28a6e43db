using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Hosting;
using Csp.Gateway.DevTokens;
using Csp.Gateway.Hosting;
using Csp.Gateway.Proxy;
using Csp.Gateway.RateLimiting;
using Csp.Gateway.Security;

namespace Csp.Gateway;

/// <summary>The gateway composed from its parts; tests build it in-process with configuration overrides.</summary>
public static class GatewayApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(GatewayApp).Assembly.GetName().Name });
        // Routes, clusters and defaults; environment variables and arguments are added again after it so they still win.
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "gateway.json"), optional: false)
            .AddEnvironmentVariables().AddCommandLine(args);
        configure?.Invoke(builder);

        var pipeline = GatewayPipelineOptions.From(builder);
        builder.Services.AddSingleton(pipeline);
        builder.AddGatewayHosting();
        builder.AddCspAuthentication();
        // The benchmark's before pipeline: ASP.NET Core's bearer handler itself, without the remembered-identity shortcut.
        if (pipeline.Before)
            builder.Services.Configure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(o =>
                o.SchemeMap[Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme].HandlerType = typeof(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler));
        builder.AddTrustedProxies();
        builder.AddCallerRateLimiting(aspNetLimiter: pipeline.Before);
        builder.AddGatewayProxy();

        var app = builder.Build();
        app.UseGatewayPipeline();
        return app;
    }

    /// <summary>Order matters: the client address from trusted proxies first; routing before metrics; authentication before
    /// the per-caller rate limiter (which counts by the validated token's subject, or by that address); authorization last.
    /// docs/gateway.md "What the gateway does per request" lists each step.</summary>
    private static void UseGatewayPipeline(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var pipeline = app.Services.GetRequiredService<GatewayPipelineOptions>();
        if (pipeline.Before)
        {
            if (pipeline.SecurityHeaders) app.UseSecurityHeaders();
            if (pipeline.CorrelationHeader) app.UseCspTraceContext();
        }
        else app.UseGatewayResponseHeaders(pipeline.SecurityHeaders, pipeline.CorrelationHeader);
        app.UseRouting();
        if (pipeline.RequestMetrics) app.UseGatewayMetrics(exemplars: pipeline.Before);
        app.UseAuthentication();
        if (pipeline.RateLimiter)
        {
            if (pipeline.Before) app.UseRateLimiter();
            else app.UseCallerRateLimiting();
        }
        if (pipeline.Before) app.UseAuthorization();
        else app.UseAuthorizationWithShortcut();

        app.MapGatewayHealth();
        app.MapDevTokenEndpoints();
        app.MapGatewayProxy();
    }
}
