using Csp.ActionPlan.Api;
using Csp.ActionPlan.Commands;
using Csp.ActionPlan.DemoData;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Events;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Grpc;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan;

/// <summary>The action-plan service, composed. Tests build it in-process on real Kestrel with their own configuration.</summary>
public static class ActionPlanApp
{
    public const string ServiceName = "actionplan";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddCspEventBus();
        builder.Services.AddSingleton<ActionPlanStore>();
        builder.Services.Configure<ActionListOptions>(o => o.Mode = builder.Configuration.GetValue(ActionListOptions.Key, ActionListMode.Index));
        builder.Services.AddSingleton<IPartnershipLookup<Partnership>, ActionPlanPartnerships>();
        builder.Services.AddScoped<ActionPlanCommands>();
        builder.Services.AddSingleton<ActionPlanMetrics>();
        builder.AddPeriodicScan<OverdueMonitor, OverdueOptions>(OverdueOptions.Section);
        builder.AddDemoData<DemoDataLoader>();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapEventBusEndpoints();
        app.MapPartnershipsApi();
        app.MapPlansApi();
        app.MapActionsApi();
        app.MapBoardFiguresApi();
        app.MapUpdateRoundsApi();
        app.MapCspGrpcService<ActionPlanGrpcService, Partnership>();
        app.Services.GetRequiredService<ActionPlanMetrics>().Register(app.Services);
        return app;
    }
}
