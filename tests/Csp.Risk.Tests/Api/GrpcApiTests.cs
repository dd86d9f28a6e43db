using Csp.Contracts.Risk.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Csp.Risk.Tests.Api;

/// <summary>The gRPC queries other services use, over real HTTP/2 on the service's gRPC port.</summary>
public class GrpcApiTests(RiskHost host) : IClassFixture<RiskHost>
{
    private RiskQueries.RiskQueriesClient Client() => new(GrpcChannel.ForAddress(host.App.GrpcAddress));

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
