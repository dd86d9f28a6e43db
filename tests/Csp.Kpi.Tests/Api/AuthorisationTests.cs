using System.Net;
using System.Net.Http.Json;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

/// <summary>Each rule, both sides: the allowed caller succeeds and the others fail (and nothing is stored).</summary>
public class AuthorisationTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Kpis = KpiHost.Kpis;

    [Theory]
    [InlineData("GET", Kpis)]
    [InlineData("POST", Kpis)]
    [InlineData("GET", $"{Kpis}/scorecard")]
    [InlineData("GET", $"{Kpis}/any")]
    [InlineData("PUT", $"{Kpis}/any")]
    [InlineData("POST", $"{Kpis}/any/measurements")]
    [InlineData("GET", $"{Kpis}/any/measurements")]
    [InlineData("POST", $"{Kpis}/any/measurements/2023-Q1/revisions")]
    public async Task Unauthenticated_callers_get_401(string method, string path)
    {
        using var anonymous = host.App.Client();
        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_defines_KPIs()
    {
        foreach (var user in new[] { TestUser.Board(), TestUser.Partner("kent-police"), TestUser.Manager("other"), TestUser.With("finance", "pcc", "*:finance") })
        {
            var code = host.NewCode("denied");
            using var client = host.App.Client(user);
            var response = await client.PostAsJsonAsync(Kpis, KpiHost.KpiBody(code));
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden, $"{user.Id}: {response.StatusCode}");
            using var manager = host.App.Client(TestUser.Manager());
            Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Kpis}/{code}")).StatusCode);
        }
        using var allowed = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await allowed.PostAsJsonAsync(Kpis, KpiHost.KpiBody(host.NewCode()))).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_changes_a_definition()
    {
        var code = await host.DefineAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var change = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}") { Content = JsonContent.Create(KpiHost.KpiBody(code)) };
        change.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.Forbidden, (await police.SendAsync(change)).StatusCode);
    }

    [Fact]
    public async Task The_owning_agencys_partner_and_the_manager_record_measurements()
    {
        var code = await host.DefineAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        Assert.Equal(HttpStatusCode.Created, (await police.PostAsJsonAsync($"{Kpis}/{code}/measurements", new { period = "2023-Q1", value = 1 })).StatusCode);
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{Kpis}/{code}/measurements", new { period = "2023-Q2", value = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await police.PostAsJsonAsync($"{Kpis}/{code}/measurements/2023-Q2/revisions", new { value = 2 })).StatusCode);
    }

    [Fact]
    public async Task Another_agencys_partner_the_board_and_outsiders_cannot_record_and_nothing_is_stored()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 1m);
        foreach (var user in new[] { TestUser.Partner("kent-fire-rescue"), TestUser.Board(), TestUser.Partner("kent-police", "other"), TestUser.Manager("other") })
        {
            using var client = host.App.Client(user);
            var record = await client.PostAsJsonAsync($"{Kpis}/{code}/measurements", new { period = "2023-Q2", value = 1 });
            var revise = await client.PostAsJsonAsync($"{Kpis}/{code}/measurements/2023-Q1/revisions", new { value = 2 });
            Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (record.StatusCode, revise.StatusCode));
        }
        Assert.Equal(1, await host.LogLengthAsync(code));
    }

    [Fact]
    public async Task Members_read_and_callers_from_elsewhere_are_refused()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 1m);
        foreach (var member in new[] { TestUser.Board(), TestUser.Partner("kent-fire-rescue"), TestUser.Admin })
        {
            using var client = host.App.Client(member);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{Kpis}/{code}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{Kpis}/{code}/measurements")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{Kpis}/scorecard")).StatusCode);
        }
        using var outsider = host.App.Client(TestUser.Board("other"));
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"{Kpis}/{code}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"{Kpis}/scorecard")).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_reads_the_audit_trail()
    {
        var code = await host.DefineAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var trail = await manager.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>($"{Kpis}/{code}/audit");
        Assert.Contains(trail!, e => e!["action"]!.GetValue<string>() == "kpi.defined");
        using var board = host.App.Client(TestUser.Board());
        Assert.Equal(HttpStatusCode.Forbidden, (await board.GetAsync($"{Kpis}/{code}/audit")).StatusCode);
    }
}
