using Csp.Contracts.Risk.V1;
using Grpc.Core;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Api;

/// <summary>The gRPC queries other services use, over real HTTP/2 on the service's gRPC port, called as the KPI service
/// with its own service token.</summary>
public class GrpcApiTests(RiskHost host) : IClassFixture<RiskHost>
{
    private RiskQueries.RiskQueriesClient Client(string? token = "") =>
        new(TestAuth.Channel(host.App.GrpcAddress, token == "" ? TestAuth.ServiceToken("kpi") : token));

    private async Task<StatusCode> RefusalAsync(string? token, string partnershipId = "medway") =>
        (await Assert.ThrowsAsync<RpcException>(() => Client(token).ListRisksByBandAsync(new ListRisksByBandRequest { PartnershipId = partnershipId }).ResponseAsync)).StatusCode;

    [Fact]
    public async Task Only_an_allowed_service_with_its_own_token_is_answered()
    {
        Assert.Equal(StatusCode.Unauthenticated, await RefusalAsync(null));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(TestAuth.Token(TestUser.Manager())));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(TestAuth.ServiceToken("gateway")));
        Assert.Equal(StatusCode.InvalidArgument, await RefusalAsync(TestAuth.ServiceToken("kpi"), "MEDWAY"));
        Assert.Equal(StatusCode.NotFound, await RefusalAsync(TestAuth.ServiceToken("kpi"), "nowhere"));
        Assert.NotNull(await Client().ListRisksByBandAsync(new ListRisksByBandRequest { PartnershipId = "medway" }));
    }

    [Fact]
    public async Task A_Host_header_naming_the_gRPC_port_does_not_reach_gRPC_on_the_REST_port()
    {
        using var http = new HttpClient { BaseAddress = host.App.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/risk.v1.RiskQueries/ListRisksByBand") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        request.Headers.Host = $"127.0.0.1:{host.App.GrpcPort}";
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetRisk_answers_with_the_current_rating_and_band()
    {
        var id = await host.CreateRiskAsync();
        var reply = await Client().GetRiskAsync(new GetRiskRequest { PartnershipId = "medway", RiskId = id });
        Assert.Equal("Legislation", reply.Title);
        Assert.Equal("D3", reply.Current.Rating_);
        Assert.Equal("green", reply.Current.Band);
        Assert.Equal("C2", reply.Inherent.Rating_);
        Assert.Equal("open", reply.Status);

        var missing = await Assert.ThrowsAsync<RpcException>(() => Client().GetRiskAsync(new GetRiskRequest { PartnershipId = "medway", RiskId = 999_999 }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ListRisksByBand_lists_the_open_risks_of_a_band()
    {
        var red = await host.CreateRiskAsync(b => b["current"] = "A1");
        var green = await host.CreateRiskAsync();
        var reply = await Client().ListRisksByBandAsync(new ListRisksByBandRequest { PartnershipId = "medway", Band = "red" });
        Assert.Contains(reply.Risks, r => r.Id == red);
        Assert.DoesNotContain(reply.Risks, r => r.Id == green);
        Assert.All(reply.Risks, r => Assert.True(r.AboveTolerance));

        var bad = await Assert.ThrowsAsync<RpcException>(() => Client().ListRisksByBandAsync(new ListRisksByBandRequest { PartnershipId = "medway", Band = "purple" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }
}
