using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

public class ScorecardApiTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Kpis = KpiHost.Kpis;

    private static JsonObject Card(JsonObject scorecard, string code) =>
        scorecard["priorities"]!.AsArray().SelectMany(p => p!["kpis"]!.AsArray()).Single(k => k!["code"]!.GetValue<string>() == code)!.AsObject();

    [Fact]
    public async Task The_scorecard_shows_value_target_RAG_trends_with_significance_sparkline_and_lag_by_priority()
    {
        var code = await host.DefineAsync(change: b => b["priorityId"] = "violence");
        var values = new[] { ("2021-Q4", 900m), ("2022-Q1", 400m), ("2022-Q2", 950m), ("2022-Q3", 1000m), ("2022-Q4", 990m), ("2023-Q1", 600m) };
        foreach (var (q, v) in values) await host.RecordAsync(code, q, v);

        using var board = host.App.Client(TestUser.Board());
        var scorecard = (await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard"))!;
        var group = scorecard["priorities"]!.AsArray().Single(p => p!["priorityId"]!.GetValue<string>() == "violence")!;
        Assert.Equal(1, group["green"]!.GetValue<int>());
        var card = Card(scorecard, code);
        Assert.Equal(("2023-Q1", 600m, 1000m, "green"), (card["period"]!.GetValue<string>(), card["value"]!.GetValue<decimal>(), card["target"]!.GetValue<decimal>(), card["rag"]!.GetValue<string>()));
        Assert.Equal("green: 600 against a target of 1,000, better than target", card["ragReason"]!.GetValue<string>());
        // 990 → 600: a significant fall, improving as lower is better; 400 → 600 against the same quarter last year: a significant rise.
        Assert.Equal(("improving", "significant"), (card["vsPrevious"]!["verdict"]!.GetValue<string>(), card["vsPrevious"]!["significance"]!.GetValue<string>()));
        Assert.Equal("2022-Q1", card["vsLastYear"]!["comparedWith"]!.GetValue<string>());
        Assert.Equal("worsening", card["vsLastYear"]!["verdict"]!.GetValue<string>());
        var sparkline = card["sparkline"]!.AsArray();
        Assert.Equal(8, sparkline.Count);
        Assert.Equal(("2021-Q2", null), (sparkline[0]!["period"]!.GetValue<string>(), sparkline[0]!["value"]?.GetValue<decimal>()));
        Assert.Equal([900m, 400m, 950m, 1000m, 990m, 600m], sparkline.Skip(2).Select(p => p!["value"]!.GetValue<decimal>()));
        Assert.Equal("2023-Q1", card["dataLag"]!["latestPeriod"]!.GetValue<string>());
        Assert.Equal("2023-11-29", card["dataLag"]!["nextExpected"]!.GetValue<string>()); // 2023-Q2 ends 30 Sep, + 60 days
        Assert.True(card["dataLag"]!["late"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_revision_of_an_earlier_period_changes_the_trend_of_the_next_and_keeps_its_RAG()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 4m);
        await host.RecordAsync(code, "2023-Q2", 6m);
        using var board = host.App.Client(TestUser.Board());
        var before = Card((await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard"))!, code);
        Assert.Equal("no-significant-change", before["vsPrevious"]!["verdict"]!.GetValue<string>()); // 4 → 6 robberies means nothing

        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{Kpis}/{code}/measurements/2023-Q1/revisions", new { value = 400 })).StatusCode);
        var after = Card((await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard"))!, code);
        Assert.Equal("improving", after["vsPrevious"]!["verdict"]!.GetValue<string>()); // 400 → 6
        Assert.Equal("green", after["rag"]!.GetValue<string>());
    }

    [Fact]
    public async Task Asking_for_a_period_shows_each_KPI_at_or_before_it()
    {
        var code = await host.DefineAsync();
        foreach (var (q, v) in new[] { ("2022-Q4", 800m), ("2023-Q1", 1200m), ("2023-Q2", 1050m) }) await host.RecordAsync(code, q, v);
        using var board = host.App.Client(TestUser.Board());
        var asked = Card((await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard?period=2023-Q1"))!, code);
        Assert.Equal(("2023-Q1", "red"), (asked["period"]!.GetValue<string>(), asked["rag"]!.GetValue<string>()));
        var byMonth = Card((await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard?period=2023-02"))!, code); // February 2023 is in 2022-Q4
        Assert.Equal("2022-Q4", byMonth["period"]!.GetValue<string>());
        var bad = await board.GetAsync($"{Kpis}/scorecard?period=2023-Q9");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("period"));
    }

    [Fact]
    public async Task A_contextual_KPI_and_an_activity_indicator_are_never_red()
    {
        var contextual = await host.DefineAsync(change: b => { b["polarity"] = "contextual"; b["target"] = null; b["tolerance"] = null; b["title"] = "Domestic abuse incidents"; });
        var activity = await host.DefineAsync(change: b => { b["activityIndicator"] = true; b["target"] = null; b["tolerance"] = null; b["title"] = "Practitioners trained"; });
        await host.RecordAsync(contextual, "2023-Q1", 3000m);
        await host.RecordAsync(activity, "2023-Q1", 0m);
        using var board = host.App.Client(TestUser.Board());
        var scorecard = (await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard"))!;
        Assert.Equal("none", Card(scorecard, contextual)["rag"]!.GetValue<string>());
        Assert.Equal("none", Card(scorecard, activity)["rag"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_scorecard_answers_304_to_its_own_ETag_until_a_measurement_or_a_definition_changes_it()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 700m);
        using var board = host.App.Client(TestUser.Board());
        var first = await board.GetAsync($"{Kpis}/scorecard");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.True(first.Headers.CacheControl!.Private);
        Assert.True(first.Headers.CacheControl.NoCache);
        Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(board, first.Headers.ETag!)).StatusCode);

        // A new measurement: the same request now gets the new body and a new ETag.
        await host.RecordAsync(code, "2023-Q2", 1500m);
        var afterMeasurement = await GetIfNoneMatchAsync(board, first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, afterMeasurement.StatusCode);
        Assert.NotEqual(first.Headers.ETag, afterMeasurement.Headers.ETag);
        var card = Card((await afterMeasurement.Content.ReadFromJsonAsync<JsonObject>())!, code);
        Assert.Equal(("2023-Q2", "red"), (card["period"]!.GetValue<string>(), card["rag"]!.GetValue<string>()));

        // A changed definition (its title) is a new scorecard too.
        using var manager = host.App.Client(TestUser.Manager());
        var change = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}") { Content = JsonContent.Create(KpiHost.KpiBody(code, b => b["title"] = "ASB incidents, renamed")) };
        change.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(change)).StatusCode);
        var afterDefinition = await GetIfNoneMatchAsync(board, afterMeasurement.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, afterDefinition.StatusCode);
        Assert.Equal("ASB incidents, renamed", Card((await afterDefinition.Content.ReadFromJsonAsync<JsonObject>())!, code)["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_replica_that_served_the_scorecard_serves_the_change_another_replica_wrote()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 700m);
        await using var replica = await RunningApp.StartAsync(KpiApp.Build, KpiHost.KpiSettings(host.Database, new Uri($"http://127.0.0.1:{FreePort.Next()}")));
        using var board = replica.Client(TestUser.Board());
        await Eventually.TrueAsync(async () => (await board.GetAsync($"{Kpis}/scorecard")).IsSuccessStatusCode, "the replica knows the partnership");
        Assert.Equal("2023-Q1", Card((await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard"))!, code)["period"]!.GetValue<string>());

        await host.RecordAsync(code, "2023-Q2", 650m); // through the first replica

        Assert.Equal("2023-Q2", Card((await board.GetFromJsonAsync<JsonObject>($"{Kpis}/scorecard"))!, code)["period"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_caller_that_accepts_gzip_gets_the_same_scorecard_gzipped_with_an_ETag_of_its_own()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 700m);
        using var board = host.App.Client(TestUser.Board());
        var plain = await board.GetAsync($"{Kpis}/scorecard");
        var identity = await plain.Content.ReadAsByteArrayAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Kpis}/scorecard");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var zipped = await board.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", zipped.Headers.Vary);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        var body = await zipped.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length < identity.Length / 3, $"{body.Length} gzipped bytes of {identity.Length}");
        using (var gunzip = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress))
        using (var unzipped = new MemoryStream())
        {
            await gunzip.CopyToAsync(unzipped);
            Assert.Equal(identity, unzipped.ToArray());
        }
        Assert.NotEqual(plain.Headers.ETag, zipped.Headers.ETag);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"{Kpis}/scorecard");
        again.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        again.Headers.IfNoneMatch.Add(zipped.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await board.SendAsync(again)).StatusCode);
        // A gzip ETag does not validate the plain body.
        Assert.Equal(HttpStatusCode.OK, (await GetIfNoneMatchAsync(board, zipped.Headers.ETag!)).StatusCode);
    }

    private static Task<HttpResponseMessage> GetIfNoneMatchAsync(HttpClient client, EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Kpis}/scorecard");
        request.Headers.IfNoneMatch.Add(etag);
        return client.SendAsync(request);
    }
}
