using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

public class MeasurementsApiTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Kpis = KpiHost.Kpis;

    [Fact]
    public async Task A_partner_of_the_owning_agency_records_a_measurement_judged_with_its_reason()
    {
        var code = await host.DefineAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var response = await police.PostAsJsonAsync($"{Kpis}/{code}/measurements", new { period = "2023-Q1", value = 1150, note = "Summer peak." });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("red", body["rag"]!.GetValue<string>());
        Assert.Equal("red: 1,150 against a target of 1,000, beyond the 10% tolerance", body["ragReason"]!.GetValue<string>());
        Assert.Equal("manual", body["provenance"]!.GetValue<string>());
        Assert.Equal("partner.kent-police", body["submittedBy"]!.GetValue<string>());
        Assert.Equal("Kent Police incident records", body["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_revision_keeps_the_earlier_measurement_as_superseded()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 1150m);
        await host.RecordAsync(code, "2023-Q2", 980m);
        using var manager = host.App.Client(TestUser.Manager());
        var revise = new HttpRequestMessage(HttpMethod.Post, $"{Kpis}/{code}/measurements/2023-Q1/revisions")
        {
            Content = JsonContent.Create(new { value = 1050, note = "Duplicates removed by the force's audit." }),
        };
        revise.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var revised = await manager.SendAsync(revise);
        Assert.Equal(HttpStatusCode.Created, revised.StatusCode);
        var view = (await revised.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((2, "amber"), (view["revision"]!.GetValue<int>(), view["rag"]!.GetValue<string>()));

        var page = (await manager.GetFromJsonAsync<JsonObject>($"{Kpis}/{code}/measurements"))!;
        Assert.Equal(3, page["total"]!.GetValue<int>());
        var items = page["items"]!.AsArray().Select(i => (i!["period"]!.GetValue<string>(), i["revision"]!.GetValue<int>(), i["value"]!.GetValue<decimal>(), i["superseded"]!.GetValue<bool>())).ToList();
        Assert.Equal([("2023-Q1", 2, 1050m, false), ("2023-Q2", 1, 980m, false), ("2023-Q1", 1, 1150m, true)], items);
        var current = await manager.GetAsync($"{Kpis}/{code}/measurements/2023-Q1");
        Assert.Equal("\"2\"", current.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_revision_against_a_stale_revision_is_412_and_changes_nothing()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 1150m);
        using var manager = host.App.Client(TestUser.Manager());
        async Task<HttpStatusCode> ReviseAsync(int value)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"{Kpis}/{code}/measurements/2023-Q1/revisions") { Content = JsonContent.Create(new { value }) };
            r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
            return (await manager.SendAsync(r)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Created, await ReviseAsync(1100));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await ReviseAsync(1000));
        Assert.Equal(2, await host.LogLengthAsync(code));
    }

    [Fact]
    public async Task Recording_a_period_twice_is_409_revise_it_instead()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 1150m);
        using var manager = host.App.Client(TestUser.Manager());
        var again = await manager.PostAsJsonAsync($"{Kpis}/{code}/measurements", new { period = "2023-Q1", value = 1 });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(1, await host.LogLengthAsync(code));
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_records_once()
    {
        var code = await host.DefineAsync();
        using var manager = host.App.Client(TestUser.Manager());
        HttpRequestMessage Request()
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"{Kpis}/{code}/measurements") { Content = JsonContent.Create(new { period = "2023-Q1", value = 990 }) };
            r.Headers.Add("Idempotency-Key", "q1-once");
            return r;
        }
        var first = await manager.SendAsync(Request());
        var retry = await manager.SendAsync(Request());
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal(1, await host.LogLengthAsync(code));
    }

    public static TheoryData<string, string, string> BadMeasurements => new()
    {
        // the bad inputs: period of the wrong frequency, a value in the wrong unit, a rate without a denominator
        { "count", """{"period":"2023-04","value":10}""", "period" },
        { "count", """{"period":"2023-Q1","value":-3}""", "value" },
        { "count", """{"period":"2023-Q1","value":2.5}""", "value" },
        { "percentage", """{"period":"2023-Q1","value":140}""", "value" },
        { "rate-per1000", """{"period":"2023-Q1","value":23.4}""", "denominator" },
        { "rate-per1000", """{"period":"2023-Q1","value":30,"numerator":6552,"denominator":280000}""", "value" },
        { "count", """{"period":"2023-Q1"}""", "value" },
        { "count", """{"value":1}""", "period" },
        { "count", """{"period":"2023-Q1","value":"ten"}""", "value" },
        { "count", """{"period":"2023-Q1","value":1,"note":"<script>alert(1)</script>"}""", "note" },
    };

    [Theory, MemberData(nameof(BadMeasurements))]
    public async Task A_bad_measurement_is_a_problem_naming_the_field_and_nothing_is_stored(string unit, string json, string field)
    {
        var code = await host.DefineAsync(change: b =>
        {
            b["unit"] = unit;
            b["baseline"] = null;
            b["target"] = new JsonObject { ["value"] = 50 };
            if (unit == "rate-per1000") b["denominatorSource"] = "ONS mid-year estimate 2022";
        });
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.PostAsync($"{Kpis}/{code}/measurements", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
        Assert.Equal(0, await host.LogLengthAsync(code));
    }

    [Fact]
    public async Task A_revision_of_a_period_with_no_measurement_is_a_problem_naming_the_period()
    {
        var code = await host.DefineAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync($"{Kpis}/{code}/measurements/2023-Q3/revisions", new { value = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("has no measurement for 2023-Q3", problem["errors"]!["period"]![0]!.GetValue<string>());
        Assert.Equal(0, await host.LogLengthAsync(code));
    }

    [Fact]
    public async Task Measurements_page_with_a_bad_page_size_names_the_parameter()
    {
        var code = await host.DefineAsync();
        using var board = host.App.Client(TestUser.Board());
        var response = await board.GetAsync($"{Kpis}/{code}/measurements?pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("pageSize"));
    }

    [Fact]
    public async Task Measurements_are_paged_newest_first()
    {
        var code = await host.DefineAsync();
        foreach (var q in new[] { "2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1" }) await host.RecordAsync(code, q, 1000m);
        using var board = host.App.Client(TestUser.Board());
        var second = (await board.GetFromJsonAsync<JsonObject>($"{Kpis}/{code}/measurements?page=2&pageSize=2"))!;
        Assert.Equal(["2022-Q3", "2022-Q2"], second["items"]!.AsArray().Select(i => i!["period"]!.GetValue<string>()));
        var third = (await board.GetFromJsonAsync<JsonObject>($"{Kpis}/{code}/measurements?page=3&pageSize=2"))!;
        Assert.Equal(["2022-Q1"], third["items"]!.AsArray().Select(i => i!["period"]!.GetValue<string>()));
        Assert.Equal(5, third["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_past_RAG_keeps_the_definition_version_it_was_judged_against()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 950m); // green against 1,000
        using var manager = host.App.Client(TestUser.Manager());
        var change = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}") { Content = JsonContent.Create(KpiHost.KpiBody(code, b => b["target"] = new JsonObject { ["value"] = 800 })) };
        change.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(change)).StatusCode);
        await host.RecordAsync(code, "2023-Q2", 950m); // red against 800

        var items = (await manager.GetFromJsonAsync<JsonObject>($"{Kpis}/{code}/measurements"))!["items"]!.AsArray();
        var byPeriod = items.ToDictionary(i => i!["period"]!.GetValue<string>(), i => (i!["rag"]!.GetValue<string>(), i["judgedAgainstVersion"]!.GetValue<int>(), i["target"]!.GetValue<decimal>()));
        Assert.Equal(("green", 1, 1000m), byPeriod["2023-Q1"]);
        Assert.Equal(("red", 2, 800m), byPeriod["2023-Q2"]);
    }
}
