using Csp.ActionPlan.Api;
using Csp.ActionPlan.DemoData;
using Csp.ActionPlan.Events;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;

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
        builder.AddActionPlanServices();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapEventBusEndpoints();
        app.MapPartnershipsApi();
        app.MapPlansApi();
        app.MapActionsApi();
        app.MapUpdateRoundsApi();
        app.MapGrpcService<ActionPlanGrpcService>().RequireGrpcPort(app.Services);
        app.Services.GetRequiredService<ActionPlanMetrics>().Register(app.Services);
        return app;
    }

    private static void AddActionPlanServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AggregateWriter>();
        builder.Services.AddSingleton<ActionPlanStore>();
        builder.Services.AddScoped<ActionCommands>();
        builder.Services.AddSingleton<ActionPlanMetrics>();
        builder.Services.AddOptions<OverdueOptions>().Bind(builder.Configuration.GetSection(OverdueOptions.Section))
            .Validate(o => o.ScanInterval > TimeSpan.Zero, "ActionPlan:Overdue:ScanInterval must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<OverdueMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OverdueMonitor>());
        builder.AddDemoData<DemoDataLoader>();
    }
}
