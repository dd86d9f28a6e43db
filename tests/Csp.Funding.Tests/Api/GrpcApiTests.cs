using System.Net.Http.Json;
using Csp.Contracts.Funding.V1;
using Csp.TestSupport;
using Grpc.Core;

namespace Csp.Funding.Tests.Api;

/// <summary>The gRPC queries (funding.v1) the KPI service and the governance pack use, over real HTTP/2 on the service's
/// gRPC port, called as the KPI service with its own service token.</summary>
public class GrpcApiTests(FundingHost host) : IClassFixture<FundingHost>
{
    private FundingQueries.FundingQueriesClient Client(string? token = "") =>
        new(TestAuth.Channel(host.App.GrpcAddress, token == "" ? TestAuth.ServiceToken("kpi") : token));

    private async Task<StatusCode> RefusalAsync(string? token, string partnershipId = "medway") =>
        (await Assert.ThrowsAsync<RpcException>(() => Client(token).GetPartnershipSummaryAsync(new GetPartnershipSummaryRequest { PartnershipId = partnershipId }).ResponseAsync)).StatusCode;

    [Fact]
    public async Task Only_an_allowed_service_with_its_own_token_is_answered()
    {
        Assert.Equal(StatusCode.Unauthenticated, await RefusalAsync(null));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(TestAuth.Token(FundingHost.FinanceOfficer)));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(TestAuth.ServiceToken("portal")));
        Assert.Equal(StatusCode.InvalidArgument, await RefusalAsync(TestAuth.ServiceToken("kpi"), "MEDWAY"));
        Assert.Equal(StatusCode.NotFound, await RefusalAsync(TestAuth.ServiceToken("kpi"), "nowhere"));
        Assert.NotNull(await Client().GetPartnershipSummaryAsync(new GetPartnershipSummaryRequest { PartnershipId = "medway" }));
    }

    [Fact]
    public async Task A_Host_header_naming_the_gRPC_port_does_not_reach_gRPC_on_the_REST_port()
    {
        using var http = new HttpClient { BaseAddress = host.App.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/funding.v1.FundingQueries/GetPartnershipSummary") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        request.Headers.Host = $"127.0.0.1:{host.App.GrpcPort}";
        request.Content.Headers.ContentType = new("application/grpc");
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_allocations_position_and_a_partnerships_summary_are_in_pence()
    {
        var path = await host.ConfirmedWithProjectAsync("crg-grpc");
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        using var manager = host.App.Client(TestUser.Manager());
        (await finance.PutAsJsonAsync($"{path}/schedule", new { template = "two-thirds-then-one-third" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"{path}/tranches/1/release", new { releasedOn = "2024-05-01" })).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"{path}/spend", new { projectId = 1, date = "2024-06-01", amount = "123.45", description = "Venue" })).EnsureSuccessStatusCode();

        var position = await Client().GetAllocationPositionAsync(new GetAllocationPositionRequest { PartnershipId = "medway", AllocationId = "crg-grpc" });
        Assert.Equal(("confirmed", "2024-25", "kent-pcc"), (position.Status, position.FinancialYear, position.FunderId));
        Assert.Equal((3_966_100L, 1_000_000L, 2_644_067L, 12_345L), (position.AwardedPence, position.CommittedPence, position.ReleasedPence, position.SpentPence));
        Assert.Equal(3_966_100L - 12_345L, position.RemainingPence);
        Assert.False(position.HasForecastOutturnPence);
        Assert.Equal(1, position.Projects);

        var summary = await Client().GetPartnershipSummaryAsync(new GetPartnershipSummaryRequest { PartnershipId = "medway", FinancialYear = "2024-25" });
        Assert.Contains(summary.Allocations, a => a.AllocationId == "crg-grpc");
        Assert.Equal(summary.Allocations.Where(a => a.Status != "withdrawn").Sum(a => a.AwardedPence), summary.AwardedPence);

        var missing = await Assert.ThrowsAsync<RpcException>(() => Client().GetAllocationPositionAsync(new GetAllocationPositionRequest { PartnershipId = "medway", AllocationId = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var badYear = await Assert.ThrowsAsync<RpcException>(() => Client().GetPartnershipSummaryAsync(new GetPartnershipSummaryRequest { PartnershipId = "medway", FinancialYear = "2024" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badYear.StatusCode);
    }
}
