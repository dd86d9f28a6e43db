using System.Diagnostics;
using System.Net.Http.Json;
using Csp.Contracts.ActionPlan.V1;
using Csp.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>The gRPC queries other services use, over real HTTP/2 on the service's gRPC port, called as the risk service
/// with its own service token.</summary>
public class GrpcApiTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private ActionPlanQueries.ActionPlanQueriesClient Client(string? token = null) =>
        new(TestAuth.Channel(host.App.GrpcAddress, token ?? TestAuth.ServiceToken("risk")));

    private async Task<RpcException> RefusedAsync(string? token, string partnershipId = "medway") =>
        await Assert.ThrowsAsync<RpcException>(() => new ActionPlanQueries.ActionPlanQueriesClient(TestAuth.Channel(host.App.GrpcAddress, token))
            .GetSummaryAsync(new GetSummaryRequest { PartnershipId = partnershipId }).ResponseAsync);

    [Fact]
    public async Task A_call_without_a_token_is_Unauthenticated()
    {
        Assert.Equal(StatusCode.Unauthenticated, (await RefusedAsync(token: null)).StatusCode);
    }

    [Fact]
    public async Task A_service_token_signed_with_another_key_is_Unauthenticated()
    {
        var forged = TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueForService("risk");
        Assert.Equal(StatusCode.Unauthenticated, (await RefusedAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task A_persons_token_is_PermissionDenied_even_an_admins()
    {
        Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(TestAuth.Token(TestUser.Manager()))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(TestAuth.Token(TestUser.Admin))).StatusCode);
    }

    [Fact]
    public async Task A_service_not_allowed_to_call_is_PermissionDenied()
    {
        Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(TestAuth.ServiceToken("gateway"))).StatusCode);
    }

    [Fact]
    public async Task A_malformed_partnership_id_is_InvalidArgument_and_an_unknown_one_NotFound()
    {
        var service = TestAuth.ServiceToken("risk");
        Assert.Equal(StatusCode.InvalidArgument, (await RefusedAsync(service, "Medway; DROP")).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await RefusedAsync(service, "")).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await RefusedAsync(service, "nowhere")).StatusCode);
        var list = await Assert.ThrowsAsync<RpcException>(() => Client().ListActionsAsync(new ListActionsRequest { PartnershipId = "nowhere" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, list.StatusCode);
    }

    [Fact]
    public async Task A_Host_header_naming_the_gRPC_port_does_not_reach_gRPC_on_the_REST_port()
    {
        using var http = new HttpClient { BaseAddress = host.App.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/actionplan.v1.ActionPlanQueries/GetSummary")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Headers.Host = $"127.0.0.1:{host.App.GrpcPort}";
        request.Headers.Authorization = new("Bearer", TestAuth.ServiceToken("risk"));
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("grpc-status") || response.TrailingHeaders.Contains("grpc-status"));
        // The same call on the gRPC port is served.
        Assert.NotNull(await Client().GetSummaryAsync(new GetSummaryRequest { PartnershipId = "medway" }));
    }

    [Fact]
    public async Task GetAction_answers_whether_an_action_exists_in_a_partnership()
    {
        var id = await host.CreateActionAsync();
        var reply = await Client().GetActionAsync(new GetActionRequest { PartnershipId = "medway", ActionId = id });
        Assert.Equal(id, reply.Id);
        Assert.Equal("safeguarding", reply.PriorityId);
        Assert.Equal("protect", reply.Strand);
        Assert.Equal("2027-03-31", reply.DueDate);
        Assert.False(reply.Completed);

        var missing = await Assert.ThrowsAsync<RpcException>(() => Client().GetActionAsync(new GetActionRequest { PartnershipId = "medway", ActionId = 999_999 }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var otherPartnership = await Assert.ThrowsAsync<RpcException>(() => Client().GetActionAsync(new GetActionRequest { PartnershipId = "other", ActionId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, otherPartnership.StatusCode);
    }

    [Fact]
    public async Task GetAction_says_whether_the_action_is_completed()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"/api/partnerships/medway/actions/{id}/updates", new { status = "completed", commentary = "Done." })).EnsureSuccessStatusCode();
        var reply = await Client().GetActionAsync(new GetActionRequest { PartnershipId = "medway", ActionId = id });
        Assert.True(reply.Completed);
        Assert.Equal("blue", reply.Rag);
    }

    [Fact]
    public async Task ListActions_filters_and_GetSummary_counts()
    {
        var id = await host.CreateActionAsync(b => b["strand"] = "pursue");
        var list = await Client().ListActionsAsync(new ListActionsRequest { PartnershipId = "medway", Strand = "pursue", PageSize = 100 });
        Assert.Contains(list.Actions, a => a.Id == id);
        Assert.All(list.Actions, a => Assert.Equal("pursue", a.Strand));

        var bad = await Assert.ThrowsAsync<RpcException>(() => Client().ListActionsAsync(new ListActionsRequest { PartnershipId = "medway", Strand = "nonsense" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);

        var summary = await Client().GetSummaryAsync(new GetSummaryRequest { PartnershipId = "medway" });
        Assert.Contains(summary.Counts, c => c.Strand == "pursue" && c.Status == "not-started" && c.Count >= 1);
    }

    [Fact]
    public async Task The_REST_port_does_not_serve_gRPC()
    {
        var channel = TestAuth.Channel(host.App.BaseAddress, TestAuth.ServiceToken("risk"));
        var error = await Assert.ThrowsAsync<RpcException>(() => new ActionPlanQueries.ActionPlanQueriesClient(channel).GetSummaryAsync(new GetSummaryRequest { PartnershipId = "medway" }).ResponseAsync);
        Assert.NotEqual(StatusCode.OK, error.StatusCode);
    }

    [Fact]
    public async Task The_callers_trace_id_is_carried_into_and_back_from_a_gRPC_call()
    {
        var trace = ActivityTraceId.CreateRandom().ToHexString();
        var call = Client().GetSummaryAsync(new GetSummaryRequest { PartnershipId = "medway" },
            new Metadata { { "traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01" } });
        var headers = await call.ResponseHeadersAsync;
        await call.ResponseAsync;
        Assert.Equal(trace, headers.GetValue("x-correlation-id"));
    }
}
