using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Grpc;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.PartnershipCopy;
using Csp.Contracts.ActionPlan.V1;
using Csp.Kpi.Api;
using Csp.Contracts.IntegrationEvents;
using Csp.Kpi.Commands;
using Csp.Kpi.DemoData;
using Csp.Kpi.Events;
using Csp.Kpi.Storage;
using Microsoft.Extensions.Options;

namespace Csp.Kpi;

/// <summary>The KPI service, composed. Tests build it in-process on real Kestrel with their own configuration.</summary>
public static class KpiApp
{
    public const string ServiceName = "kpi";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddCspEventBus()
            .AddSubscription<ActionCreated, ActionCreatedHandler>()
            .AddSubscription<ActionStatusChanged, ActionStatusChangedHandler>()
            .AddSubscription<ActionCompleted, ActionCompletedHandler>()
            .AddSubscription<ActionOverdue, ActionOverdueHandler>()
            .AddSubscription<RiskAssessed, RiskAssessedHandler>()
            .AddSubscription<FundingAllocationConfirmed, FundingAllocationConfirmedHandler>()
            .AddSubscription<FundingSpendRecorded, FundingSpendRecordedHandler>();
        builder.AddKpiServices();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapEventBusEndpoints();
        app.MapKpisApi();
        app.MapBoardFiguresApi();
        app.MapPublicScorecardApi();
        app.MapCspGrpcService<KpiGrpcService, KnownPartnership>();
        app.Services.GetRequiredService<KpiMetrics>().Register(app.Services);
        return app;
    }

    private static void AddKpiServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KpiOptions>().Bind(builder.Configuration.GetSection(KpiOptions.Section))
            .Validate(o => o.ActionPlanGrpc.IsAbsoluteUri, "Kpi:ActionPlanGrpc must be an absolute URI.")
            .ValidateOnStart();
        // The partnership copy is rebuilt from the action plan's ListPartnerships when incomplete (with this service's token).
        builder.Services.AddCspGrpcClient<ActionPlanQueries.ActionPlanQueriesClient>(sp => sp.GetRequiredService<IOptions<KpiOptions>>().Value.ActionPlanGrpc);
        builder.Services.AddSingleton<KpiStore>();
        builder.Services.AddSingleton<ScorecardResponses>();
        builder.AddPartnershipCopy();
        builder.Services.AddScoped<KpiCommands>();
        builder.Services.AddSingleton<KpiMetrics>();
        builder.AddDemoData<DemoDataLoader>();
    }
}
