using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Grpc;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.PartnershipCopy;
using Csp.Contracts.ActionPlan.V1;
using Csp.Contracts.IntegrationEvents;
using Csp.Funding.Api;
using Csp.Funding.Commands;
using Csp.Funding.DemoData;
using Csp.Funding.Events;
using Csp.Funding.Storage;
using Microsoft.Extensions.Options;

namespace Csp.Funding;

/// <summary>The funding service, composed. Tests build it in-process on real Kestrel with their own configuration.</summary>
public static class FundingApp
{
    public const string ServiceName = "funding";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddCspEventBus()
            .AddSubscription<ActionCompleted, ActionCompletedHandler>()
            .AddSubscription<ActionStatusChanged, ActionStatusChangedHandler>();
        builder.AddFundingServices();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapEventBusEndpoints();
        app.MapFundersApi();
        app.MapOpenDataApi();
        app.MapAllocationsApi();
        app.MapBoardFiguresApi();
        app.MapCspGrpcService<FundingGrpcService, KnownPartnership>();
        app.Services.GetRequiredService<FundingMetrics>().Register(app.Services);
        return app;
    }

    private static void AddFundingServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FundingOptions>().Bind(builder.Configuration.GetSection(FundingOptions.Section))
            .Validate(o => o.ActionPlanGrpc.IsAbsoluteUri && o.ActionPlanDeadline > TimeSpan.Zero, "Funding:ActionPlanGrpc must be an absolute URI and Funding:ActionPlanDeadline positive.")
            .ValidateOnStart();
        builder.Services.AddCspGrpcClient<ActionPlanQueries.ActionPlanQueriesClient>(sp => sp.GetRequiredService<IOptions<FundingOptions>>().Value.ActionPlanGrpc);
        builder.Services.AddSingleton<FundingStore>();
        builder.AddPartnershipCopy();
        builder.Services.AddScoped<FundingCommands>();
        builder.Services.AddSingleton<FundingMetrics>();
        builder.AddDemoData<DemoDataLoader>();
    }
}
