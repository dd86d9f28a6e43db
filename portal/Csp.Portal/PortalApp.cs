using System.Net;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Csp.Portal.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Prometheus;
using StackExchange.Redis;

namespace Csp.Portal;

/// <summary>
/// The portal's composition: the building blocks' logs, trace context, ports, health and metrics (not their JWT bearer
/// default: the portal's users have a cookie session), sign-in, the gateway client and the Razor Pages.
/// </summary>
public static class PortalApp
{
    public const string ServiceName = "portal";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The pages are found in this assembly even when a test host is the entry assembly.
            ApplicationName = typeof(PortalApp).Assembly.GetName().Name,
            ContentRootPath = ContentRoot(),
        });
        configure?.Invoke(builder);

        builder.Services.AddSingleton(new ServiceIdentity(ServiceName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddJsonLogs();
        PlatformMetrics.UseNoExemplars();
        TraceContextApplicationBuilderExtensions.AlwaysTraceRequests();

        var ports = builder.Configuration.GetSection(ServicePorts.Section).Get<ServicePorts>() ?? new ServicePorts();
        builder.Services.AddOptions<ServicePorts>().Bind(builder.Configuration.GetSection(ServicePorts.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ports.MaxRequestBodyBytes;
            kestrel.Listen(IPAddress.Parse(ports.Address), ports.Http, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.AddManagementPort(ports.Address);

        // Redis holds the Data Protection key ring, so every replica reads the others' session and antiforgery cookies.
        // Only the multiplexer (as the building blocks make it), not AddCspRedis: the portal stores no aggregates.
        builder.Services.AddOptions<RedisOptions>().Bind(builder.Configuration.GetSection(RedisOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var redis = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            var options = ConfigurationOptions.Parse(redis.Configuration);
            options.AbortOnConnectFail = false;
            return KeyPrefixedMultiplexer.Wrap(ConnectionMultiplexer.Connect(options), redis.KeyPrefix);
        });
        builder.Services.AddDataProtection().SetApplicationName("csp-portal");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
            o.XmlRepository = new RedisXmlRepository(sp.GetServiceDatabase, DataProtectionKey));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);

        builder.AddPortalSignIn();
        builder.AddPortalApi();

        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Partnerships");
            o.Conventions.AllowAnonymousToFolder("/Public");
            o.Conventions.AllowAnonymousToFolder("/Help");
        }).AddMvcOptions(o => o.Filters.Add<ApiFailurePageFilter>());
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "csp-antiforgery";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__csrf";
        });
        builder.Services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        var app = builder.Build();
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseCspTraceContext();
        app.UsePortalSecurityHeaders();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Versioned URLs (asp-append-version) may be cached for a year; the vendored files change only with a release.
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = c.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        });
        app.UseRouting();
        app.UsePlatformHttpMetrics();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains("ready") }).AllowAnonymous();
        app.MapMetrics("/metrics").AllowAnonymous().RequireManagementPort(app.Services);
        app.MapRazorPages();
        return app;
    }

    /// <summary>The working directory when it holds wwwroot (a local run from the project, a published image); otherwise
    /// the directory of the assemblies when wwwroot was copied there (the browser tests).</summary>
    private static string? ContentRoot() =>
        !Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "wwwroot")) && Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
            ? AppContext.BaseDirectory
            : null;

    /// <summary>The Redis key of the Data Protection key ring (under the process's <c>Redis:KeyPrefix</c>).</summary>
    public const string DataProtectionKey = "portal:dataprotection-keys";
}
