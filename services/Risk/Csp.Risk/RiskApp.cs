using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Grpc;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.PartnershipCopy;
using Csp.Contracts.ActionPlan.V1;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk.Api;
using Csp.Risk.Commands;
using Csp.Risk.DemoData;
using Csp.Risk.Domain;
using Csp.Risk.Events;
using Csp.Risk.Storage;
using Microsoft.Extensions.Options;

namespace Csp.Risk;

/// <summary>The risk-register service, composed. Tests build it in-process on real Kestrel with their own configuration.</summary>
public static class RiskApp
{
    public const string ServiceName = "risk";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddCspEventBus()
            .AddSubscription<ActionCompleted, ActionCompletedHandler>();
        builder.AddRiskServices();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapEventBusEndpoints();
        app.MapRiskMatrixApi();
        app.MapRisksApi();
        app.MapBoardFiguresApi();
        app.MapCspGrpcService<RiskGrpcService, KnownPartnership>();
        app.Services.GetRequiredService<RiskMetrics>().Register(app.Services);
        return app;
    }

    private static void AddRiskServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RiskOptions>().Bind(builder.Configuration.GetSection(RiskOptions.Section))
            .Validate(o => o.ActionPlanGrpc.IsAbsoluteUri && o.ActionPlanDeadline > TimeSpan.Zero, "Risk:ActionPlanGrpc must be an absolute URI and Risk:ActionPlanDeadline positive.")
            .ValidateOnStart();
        // With this service's own service token, retries of transient failures within each call's deadline, and the trace
        // context (Grpc.Net.Client carries the current activity's traceparent).
        builder.Services.AddCspGrpcClient<ActionPlanQueries.ActionPlanQueriesClient>(sp => sp.GetRequiredService<IOptions<RiskOptions>>().Value.ActionPlanGrpc);
        builder.Services.AddSingleton<RiskStore>();
        builder.Services.Configure<RiskListOptions>(o => o.Scan = string.Equals(builder.Configuration[RiskListOptions.Key], "Scan", StringComparison.OrdinalIgnoreCase));
        // The partnership copy: partnership.changed, and a full copy from the action plan (through the client above) when incomplete.
        builder.AddPartnershipCopy();
        builder.Services.AddScoped<RiskCommands>();
        builder.Services.AddSingleton<RiskMetrics>();
        builder.AddPeriodicScan<ReviewMonitor, ReviewOptions>(ReviewOptions.Section);
        builder.AddDemoData<DemoDataLoader>();
    }
}
