using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

public class DefinitionsApiTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Kpis = KpiHost.Kpis;

    [Fact]
    public async Task Manager_defines_a_KPI_and_members_read_it_with_its_ETag()
    {
        var code = host.NewCode("asb");
        using var manager = host.App.Client(TestUser.Manager());
        var created = await manager.PostAsJsonAsync(Kpis, KpiHost.KpiBody(code));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"{Kpis}/{code}", created.Headers.Location?.ToString());
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);

        using var board = host.App.Client(TestUser.Board());
        var read = await board.GetFromJsonAsync<JsonObject>($"{Kpis}/{code}");
        Assert.Equal("lower-is-better", read!["polarity"]!.GetValue<string>());
        Assert.Equal(1000m, read["target"]!["value"]!.GetValue<decimal>());
        Assert.Equal("2022-Q1", read["baseline"]!["period"]!.GetValue<string>());
        Assert.Equal(1, read["version"]!.GetValue<int>());
        var list = await board.GetFromJsonAsync<JsonArray>(Kpis);
        Assert.Contains(list!, k => k!["code"]!.GetValue<string>() == code);
    }

    [Fact]
    public async Task A_change_makes_a_new_version_and_keeps_the_old_one()
    {
        var code = await host.DefineAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var change = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}") { Content = JsonContent.Create(KpiHost.KpiBody(code, b => b["target"] = new JsonObject { ["value"] = 900 })) };
        change.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        var changed = await manager.SendAsync(change);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"2\"", changed.Headers.ETag?.Tag);

        var versions = await manager.GetFromJsonAsync<JsonArray>($"{Kpis}/{code}/versions");
        Assert.Equal([1000m, 900m], versions!.Select(v => v!["target"]!["value"]!.GetValue<decimal>()));
        Assert.Equal([1, 2], versions!.Select(v => v!["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_change_with_a_stale_ETag_is_412_and_without_one_428()
    {
        var code = await host.DefineAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var body = KpiHost.KpiBody(code, b => b["title"] = "Changed");
        var first = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}") { Content = JsonContent.Create(body) };
        first.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(first)).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}") { Content = JsonContent.Create(KpiHost.KpiBody(code, b => b["title"] = "Lost update")) };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await manager.SendAsync(stale)).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await manager.PutAsJsonAsync($"{Kpis}/{code}", body)).StatusCode);
        Assert.Equal("Changed", (await manager.GetFromJsonAsync<JsonObject>($"{Kpis}/{code}"))!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unit_and_frequency_cannot_change()
    {
        var code = await host.DefineAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var change = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}")
        {
            Content = JsonContent.Create(KpiHost.KpiBody(code, b => { b["frequency"] = "monthly"; b["baseline"] = null; })),
        };
        change.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        var response = await manager.SendAsync(change);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("frequency"));
    }

    [Fact]
    public async Task The_same_code_twice_is_409_and_a_retry_with_the_same_key_replays()
    {
        var code = host.NewCode();
        using var manager = host.App.Client(TestUser.Manager());
        var request = () =>
        {
            var r = new HttpRequestMessage(HttpMethod.Post, Kpis) { Content = JsonContent.Create(KpiHost.KpiBody(code)) };
            r.Headers.Add("Idempotency-Key", $"define-{code}");
            return r;
        };
        var first = await manager.SendAsync(request());
        var retry = await manager.SendAsync(request());
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync(Kpis, KpiHost.KpiBody(code))).StatusCode);
    }

    [Theory]
    [InlineData("unit", "\"furlongs\"", "unit")]
    [InlineData("owningAgencyId", "\"nowhere-agency\"", "owningAgencyId")]
    [InlineData("code", "\"scorecard\"", "code")]
    [InlineData("code", "\"Not A Slug\"", "code")]
    [InlineData("target", "{\"value\":140}", "target.value")] // a percentage of 140, once the unit is a percentage
    [InlineData("tolerance", "{\"kind\":\"percentage\",\"amount\":-5}", "tolerance.amount")]
    [InlineData("baseline", "{\"value\":10,\"period\":\"2022-04\"}", "baseline.period")] // a month for a quarterly KPI
    public async Task A_bad_definition_is_a_problem_naming_the_field_and_nothing_is_stored(string field, string json, string named)
    {
        var code = host.NewCode("bad");
        var body = KpiHost.KpiBody(code, b =>
        {
            if (field == "target") b["unit"] = "percentage";
            b[field] = JsonNode.Parse(json);
        });
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync(Kpis, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey(named), await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Kpis}/{code}")).StatusCode);
    }
}
