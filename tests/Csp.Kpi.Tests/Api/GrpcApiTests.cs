using Csp.Contracts.Kpi.V1;
using Csp.TestSupport;
using Grpc.Core;

namespace Csp.Kpi.Tests.Api;

/// <summary>The gRPC scorecard (kpi.v1) over real HTTP/2 on the service's gRPC port, called by an allowed service with
/// its own service token.</summary>
public class GrpcApiTests(KpiHost host) : IClassFixture<KpiHost>
{
    private KpiQueries.KpiQueriesClient Client(string? token = "") =>
        new(TestAuth.Channel(host.App.GrpcAddress, token == "" ? TestAuth.ServiceToken("risk") : token));

    private async Task<StatusCode> RefusalAsync(string? token, string partnershipId = "medway", string period = "") =>
        (await Assert.ThrowsAsync<RpcException>(() => Client(token).GetScorecardAsync(new GetScorecardRequest { PartnershipId = partnershipId, Period = period }).ResponseAsync)).StatusCode;

    [Fact]
    public async Task Only_an_allowed_service_with_its_own_token_is_answered()
    {
        Assert.Equal(StatusCode.Unauthenticated, await RefusalAsync(null));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(TestAuth.Token(TestUser.Manager())));
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(TestAuth.ServiceToken("gateway")));
        Assert.Equal(StatusCode.InvalidArgument, await RefusalAsync(TestAuth.ServiceToken("risk"), "MEDWAY"));
        Assert.Equal(StatusCode.NotFound, await RefusalAsync(TestAuth.ServiceToken("risk"), "nowhere"));
        Assert.Equal(StatusCode.InvalidArgument, await RefusalAsync(TestAuth.ServiceToken("risk"), period: "2023-Q9"));
    }

    [Fact]
    public async Task The_scorecard_comes_with_values_as_exact_decimals_RAG_reasons_and_trends()
    {
        var code = await host.DefineAsync(change: b => { b["priorityId"] = "grpc-priority"; b["published"] = false; });
        await host.RecordAsync(code, "2023-Q1", 400m);
        await host.RecordAsync(code, "2023-Q2", 1150m);
        var reply = await Client().GetScorecardAsync(new GetScorecardRequest { PartnershipId = "medway" });
        var card = reply.Priorities.Single(p => p.PriorityId == "grpc-priority").Kpis.Single(k => k.Code == code);
        Assert.Equal(("1150", "1000", "red", "2023-Q2"), (card.Value, card.Target, card.Rag, card.Period));
        Assert.Equal("red: 1,150 against a target of 1,000, beyond the 10% tolerance", card.RagReason);
        Assert.Equal(("worsening", "significant"), (card.VsPrevious.Verdict, card.VsPrevious.Significance));
        Assert.Equal(8, card.Sparkline.Count);

        var published = await Client().GetScorecardAsync(new GetScorecardRequest { PartnershipId = "medway", PublishedOnly = true });
        Assert.DoesNotContain(published.Priorities.SelectMany(p => p.Kpis), k => k.Code == code);
    }

    [Fact]
    public async Task A_Host_header_naming_the_gRPC_port_does_not_reach_gRPC_on_the_REST_port()
    {
        using var http = new HttpClient { BaseAddress = host.App.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/kpi.v1.KpiQueries/GetScorecard") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        request.Headers.Host = $"127.0.0.1:{host.App.GrpcPort}";
        request.Content.Headers.ContentType = new("application/grpc");
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}

public class KpiMetricsTests(KpiHost host) : IClassFixture<KpiHost>
{
    [Fact]
    public async Task Business_gauges_show_value_target_RAG_and_data_age_by_partnership_priority_and_KPI()
    {
        const string p = "gauges"; // a partnership only this test uses: other hosts in the process report their own
        await host.AnnouncePartnershipAsync(p, 1, "medway-council", "kent-police");
        using var manager = host.App.Client(TestUser.Manager(p));
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(manager, $"/api/partnerships/{p}/kpis", KpiHost.KpiBody("asb-gauge"))).EnsureSuccessStatusCode();
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(manager, $"/api/partnerships/{p}/kpis", KpiHost.KpiBody("da-gauge", b => { b["polarity"] = "contextual"; b["target"] = null; b["tolerance"] = null; })))
            .EnsureSuccessStatusCode();
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(manager, $"/api/partnerships/{p}/kpis/asb-gauge/measurements", new { period = "2023-Q1", value = 1050 })).EnsureSuccessStatusCode();
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(manager, $"/api/partnerships/{p}/kpis/da-gauge/measurements", new { period = "2023-Q1", value = 900 })).EnsureSuccessStatusCode();

        using var prometheus = host.App.Management();
        var metrics = await prometheus.GetStringAsync("/metrics");
        Assert.Contains("csp_kpi_value{partnership=\"gauges\",priority=\"asb\",kpi=\"asb-gauge\"} 1050", metrics);
        Assert.Contains("csp_kpi_target{partnership=\"gauges\",priority=\"asb\",kpi=\"asb-gauge\"} 1000", metrics);
        Assert.Contains("csp_kpi_rag{partnership=\"gauges\",priority=\"asb\",kpi=\"asb-gauge\"} 1", metrics); // amber
        Assert.Contains("csp_kpi_rag{partnership=\"gauges\",priority=\"asb\",kpi=\"da-gauge\"} -1", metrics); // contextual: none
        Assert.DoesNotContain("csp_kpi_target{partnership=\"gauges\",priority=\"asb\",kpi=\"da-gauge\"}", metrics);
        var days = DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - new DateOnly(2023, 6, 30).DayNumber;
        Assert.Matches($"csp_kpi_data_age_days\\{{partnership=\"gauges\",priority=\"asb\",kpi=\"asb-gauge\"\\}} ({days - 1}|{days}|{days + 1})\\b", metrics);
    }
}
