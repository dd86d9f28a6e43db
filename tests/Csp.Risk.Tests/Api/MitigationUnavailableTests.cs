using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Api;

/// <summary>The RiskHost's action-plan address is a port with nothing listening: the action-plan service is down.</summary>
public class MitigationUnavailableTests(RiskHost host) : IClassFixture<RiskHost>
{
    [Fact]
    public async Task Linking_a_mitigation_while_the_action_plan_service_is_down_is_503_and_stores_nothing()
    {
        var id = await host.CreateRiskAsync();
        var before = await host.StoredRiskAsync(id);
        var audit = await host.AuditLengthAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var started = DateTime.UtcNow;
        var response = await manager.PostAsJsonAsync($"{RiskHost.Risks}/{id}/mitigations", new { actionId = 1 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("action-plan", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal(before, await host.StoredRiskAsync(id));
        Assert.Equal(audit, await host.AuditLengthAsync());
        Assert.False(await host.Redis.KeyExistsAsync($"risk:{{{RiskHost.Partnership}}}:action-risks:1"));
    }
}
