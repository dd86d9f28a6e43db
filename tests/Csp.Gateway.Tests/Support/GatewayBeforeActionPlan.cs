namespace Csp.Gateway.Tests.Support;

/// <summary>The real gateway in front of a stand-in action-plan service that counts what reaches it: for tests of what
/// the gateway refuses itself (<see cref="Requests"/> stays 0) and what it forwards.</summary>
public abstract class GatewayBeforeActionPlan : IAsyncLifetime
{
    protected StandInService ActionPlan { get; private set; } = null!;
    protected GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ActionPlan = await StandInService.StartAsync("actionplan");
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = ActionPlan.Address;
        Gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }
}
