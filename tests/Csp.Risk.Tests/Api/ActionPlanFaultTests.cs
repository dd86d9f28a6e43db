using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Grpc;
using Csp.Contracts.ActionPlan.V1;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Csp.Risk.Tests.Api;

/// <summary>
/// A stand-in action-plan gRPC server (real HTTP/2 on loopback) that answers each call with the next scripted failure,
/// or with the action when the script is empty; it records every call and the bearer token it came with.
/// </summary>
public sealed class ScriptedActionPlan : ActionPlanQueries.ActionPlanQueriesBase
{
    public ConcurrentQueue<StatusCode> Failures { get; } = new();
    public ConcurrentQueue<string?> Calls { get; } = new();

    public override Task<ActionReply> GetAction(GetActionRequest request, ServerCallContext context)
    {
        Calls.Enqueue(context.RequestHeaders.GetValue("authorization"));
        if (Failures.TryDequeue(out var status)) throw new RpcException(new Status(status, $"scripted {status}"));
        return Task.FromResult(new ActionReply
        {
            Id = request.ActionId, PartnershipId = request.PartnershipId, Title = "Horizon scanning of national guidance", LeadAgencyId = "kent-police",
            Status = "on-track", Completed = false,
        });
    }

    public void Reset()
    {
        Failures.Clear();
        Calls.Clear();
    }
}

/// <summary>The risk service pointed at <see cref="ScriptedActionPlan"/>.</summary>
public sealed class ScriptedActionPlanHost : IAsyncLifetime
{
    public WebApplication ActionPlan { get; private set; } = null!;
    public ScriptedActionPlan Script => ActionPlan.Services.GetRequiredService<ScriptedActionPlan>();
    public RunningApp Risk { get; private set; } = null!;
    public IDatabase Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<ScriptedActionPlan>();
        ActionPlan = builder.Build();
        ActionPlan.MapGrpcService<ScriptedActionPlan>();
        await ActionPlan.StartAsync();

        var database = RedisServer.Instance.TakeDatabase();
        Redis = RedisServer.Instance.Connection.GetDatabase(database);
        Risk = await RunningApp.StartAsync(RiskApp.Build, RiskHost.RiskSettings(database, new Uri($"http://127.0.0.1:{port}")));
        var change = new PartnershipChanged(RiskHost.Partnership, "Medway CSP", [new PartnershipAgency("medway-council", "Medway Council", true), new PartnershipAgency("kent-police", "Kent Police", true)], 1);
        await Redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", "event", CloudEventEnvelope.Create(change, "/csp/actionplan", RiskHost.Partnership, null, DateTimeOffset.UtcNow).ToJson());
        await RiskHost.WaitForKnownPartnershipAsync(Redis, RiskHost.Partnership, 1);
    }

    public async Task DisposeAsync()
    {
        await Risk.DisposeAsync();
        await ActionPlan.StopAsync();
        await ActionPlan.DisposeAsync();
    }
}

/// <summary>
/// Faults of the action-plan service as the risk service meets them when a mitigation is linked: transient ones are
/// retried within the deadline; anything else it did not expect is a 503 problem, never a 500, and nothing is stored.
/// </summary>
public class ActionPlanFaultTests(ScriptedActionPlanHost host) : IClassFixture<ScriptedActionPlanHost>
{
    private async Task<long> CreateRiskAsync()
    {
        using var manager = host.Risk.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync(RiskHost.Risks, RiskHost.RiskBody());
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }

    private async Task<HttpResponseMessage> LinkAsync(long riskId, long actionId)
    {
        using var manager = host.Risk.Client(TestUser.Manager());
        return await manager.PostAsJsonAsync($"{RiskHost.Risks}/{riskId}/mitigations", new { actionId });
    }

    private Task<string> StoredRiskAsync(long id) => host.Redis.HashGetAsync($"risk:{{{RiskHost.Partnership}}}:risk:{id}", "data").ContinueWith(t => (string)t.Result!);

    [Fact]
    public async Task A_transient_Unavailable_is_retried_and_the_link_succeeds()
    {
        host.Script.Reset();
        var riskId = await CreateRiskAsync();
        host.Script.Failures.Enqueue(StatusCode.Unavailable);

        var response = await LinkAsync(riskId, 41);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, host.Script.Calls.Count);
        // Each attempt carried the risk service's own service token.
        Assert.All(host.Script.Calls, token => Assert.StartsWith("Bearer ", token));
    }

    [Fact]
    public async Task Unavailable_on_every_attempt_is_503_after_the_retries_within_the_deadline()
    {
        host.Script.Reset();
        var riskId = await CreateRiskAsync();
        var before = await StoredRiskAsync(riskId);
        for (var i = 0; i < 10; i++) host.Script.Failures.Enqueue(StatusCode.Unavailable);
        var clock = Stopwatch.StartNew();

        var response = await LinkAsync(riskId, 42);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(GrpcClients.MaxAttempts, host.Script.Calls.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(before, await StoredRiskAsync(riskId));
    }

    [Theory]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unknown)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.FailedPrecondition)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.InvalidArgument)]
    public async Task A_status_the_risk_service_does_not_expect_is_a_503_problem_not_a_500(StatusCode status)
    {
        host.Script.Reset();
        var riskId = await CreateRiskAsync();
        var before = await StoredRiskAsync(riskId);
        host.Script.Failures.Enqueue(status);

        var response = await LinkAsync(riskId, 43);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("action-plan", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
        Assert.Single(host.Script.Calls); // not a transient failure: asked once
        Assert.Equal(before, await StoredRiskAsync(riskId));
        Assert.False(await host.Redis.KeyExistsAsync($"risk:{{{RiskHost.Partnership}}}:action-risks:43"));
    }
}
