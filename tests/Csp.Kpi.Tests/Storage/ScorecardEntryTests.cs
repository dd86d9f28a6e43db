using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.Contracts.IntegrationEvents;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Csp.Kpi.Tests.Storage;

/// <summary>
/// Each KPI's scorecard entry kept ready to serve (two stored parts, <see cref="ScorecardCards"/>): rewritten with its
/// rows, with its definition, not by a redelivered event; the spliced scorecard is byte for byte the one built from the
/// rows (the builder that served every scorecard before: the oracle); a part in an older format is built from rows.
/// </summary>
public class ScorecardEntryTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Kpis = KpiHost.Kpis;
    private const string P = KpiHost.Partnership;

    private KpiStore Store => host.App.Services.GetRequiredService<KpiStore>();
    private DateOnly Today => UkTime.Today(host.App.Services.GetRequiredService<TimeProvider>());

    private Task<RedisValue> DefinitionPartAsync(string code, string partnership = P) => host.Redis.HashGetAsync($"kpi:{{{partnership}}}:entries:def", code);
    private Task<RedisValue> MeasuredPartAsync(string code, string partnership = P) => host.Redis.HashGetAsync($"kpi:{{{partnership}}}:entries:measured", code);

    /// <summary>The oracle: the scorecard built from rows and serialised whole, as every scorecard was before.</summary>
    private async Task<(string Members, string Public)> BuiltFromRowsAsync(string partnership = P)
    {
        var members = await Store.ReadScorecardAsync(partnership, null, Today);
        var published = await Store.ReadScorecardAsync(partnership, null, Today, publishedOnly: true);
        return (JsonSerializer.Serialize(members, ApiJson.Options), JsonSerializer.Serialize(PublicScorecardView.Of(published), ApiJson.Options));
    }

    private async Task<(string Members, string Public)> ServedAsync(string partnership = P)
    {
        using var board = host.App.Client(TestUser.Board(partnership));
        using var anonymous = host.App.Client();
        return (await board.GetStringAsync($"/api/partnerships/{partnership}/kpis/scorecard"),
            await anonymous.GetStringAsync($"/public/partnerships/{partnership}/scorecard"));
    }

    /// <summary>Many kinds of KPI in three priorities: monthly, quarterly and annual; a trajectory; contextual; an
    /// activity indicator; published and not; one never measured; a revision of an earlier period; a definition changed
    /// after its RAGs were judged; a gap in a sparkline; a title with characters JSON escapes.</summary>
    private async Task ArrangeVarietyAsync()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var quarterly = await host.DefineAsync(change: b => { b["published"] = true; b["priorityId"] = "violence"; b["title"] = "Violence & \"public\" £ – Medway's"; });
        foreach (var (q, v) in new[] { ("2021-Q4", 900m), ("2022-Q1", 400m), ("2022-Q3", 1000m), ("2022-Q4", 990m), ("2023-Q1", 600m) }) await host.RecordAsync(quarterly, q, v);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{Kpis}/{quarterly}/measurements/2022-Q4/revisions", new { value = 1200 })).StatusCode);

        var monthly = await host.DefineAsync(change: b => { b["frequency"] = "monthly"; b["priorityId"] = "asb"; b["publicationLagDays"] = 20; b["baseline"] = null; });
        foreach (var (m, v) in new[] { ("2023-01", 80m), ("2023-02", 95m), ("2023-04", 120m) }) await host.RecordAsync(monthly, m, v);
        var changed = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{monthly}")
        {
            Content = JsonContent.Create(KpiHost.KpiBody(monthly, b => { b["frequency"] = "monthly"; b["priorityId"] = "asb"; b["baseline"] = null; b["target"] = new System.Text.Json.Nodes.JsonObject { ["value"] = 50 }; b["title"] = "ASB, target lowered"; })),
        };
        changed.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(changed)).StatusCode);

        var annual = await host.DefineAsync(change: b => { b["frequency"] = "annual"; b["priorityId"] = "asb"; b["published"] = true; b["baseline"] = new System.Text.Json.Nodes.JsonObject { ["value"] = 1100, ["period"] = "2020-21" }; });
        foreach (var (y, v) in new[] { ("2020-21", 1100m), ("2021-22", 1050m), ("2022-23", 700m) }) await host.RecordAsync(annual, y, v);

        var contextual = await host.DefineAsync(change: b => { b["polarity"] = "contextual"; b["target"] = null; b["tolerance"] = null; b["priorityId"] = "vawg"; b["published"] = true; });
        foreach (var (q, v) in new[] { ("2022-Q1", 3000m), ("2023-Q1", 3400m) }) await host.RecordAsync(contextual, q, v);
        var activity = await host.DefineAsync(change: b => { b["activityIndicator"] = true; b["target"] = null; b["tolerance"] = null; b["priorityId"] = "vawg"; });
        await host.RecordAsync(activity, "2023-Q2", 12m);
        var trajectory = await host.DefineAsync(change: b =>
        {
            b["unit"] = "percentage"; b["polarity"] = "higher-is-better"; b["priorityId"] = "violence"; b["baseline"] = null;
            b["denominatorSource"] = "Establishment";
            b["target"] = new System.Text.Json.Nodes.JsonObject { ["trajectory"] = new System.Text.Json.Nodes.JsonArray(
                new System.Text.Json.Nodes.JsonObject { ["date"] = "2023-06-30", ["value"] = 50 }, new System.Text.Json.Nodes.JsonObject { ["date"] = "2024-09-30", ["value"] = 100 }) };
            b["tolerance"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "absolute", ["amount"] = 5 };
        });
        await host.RecordAsync(trajectory, "2023-Q2", 56.8m, new { numerator = 25, denominator = 44 });
        await host.DefineAsync(change: b => { b["priorityId"] = "vawg"; b["published"] = true; }); // never measured
    }

    [Fact]
    public async Task The_spliced_scorecard_is_byte_for_byte_the_one_built_from_rows_for_members_and_the_public()
    {
        await ArrangeVarietyAsync();

        var served = await ServedAsync();
        var oracle = await BuiltFromRowsAsync();

        Assert.Equal(oracle.Members, served.Members);
        Assert.Equal(oracle.Public, served.Public);
        Assert.Equal(oracle.Members, Encoding.UTF8.GetString(await Store.ReadScorecardJsonAsync(P, Today, publishedOnly: false)));
        Assert.Contains("ASB, target lowered", served.Members);
        Assert.Contains("\\u0022public\\u0022", served.Members); // escaped as the serialiser escapes it
    }

    [Fact]
    public async Task The_data_lag_is_decided_on_the_day_of_the_read_not_the_day_of_the_write()
    {
        var code = await host.DefineAsync("lag-kpi", b => b["published"] = true);
        await host.RecordAsync(code, "2023-Q1", 700m);
        var parts = (await Store.GetEntriesAsync(P, publishedOnly: false)).Single(e => e.Code == code);
        var entry = (ScorecardCards.ReadDefinition(parts.Definition)!, ScorecardCards.ReadMeasured(parts.Measured)!);

        // 2023-Q2 ends 30 September 2023; next expected 60 days later: 29 November.
        var before = JsonDocument.Parse(ScorecardCards.Splice(P, new DateOnly(2023, 11, 29), false, [entry]));
        var after = JsonDocument.Parse(ScorecardCards.Splice(P, new DateOnly(2023, 11, 30), false, [entry]));
        var publicAfter = JsonDocument.Parse(ScorecardCards.Splice(P, new DateOnly(2023, 11, 30), true, [entry]));

        JsonElement Lag(JsonDocument d) => d.RootElement.GetProperty("priorities")[0].GetProperty("kpis")[0].GetProperty("dataLag");
        Assert.Equal(("2023-11-29", false, 152), (Lag(before).GetProperty("nextExpected").GetString(), Lag(before).GetProperty("late").GetBoolean(), Lag(before).GetProperty("ageDays").GetInt32()));
        Assert.Equal((true, 153), (Lag(after).GetProperty("late").GetBoolean(), Lag(after).GetProperty("ageDays").GetInt32()));
        Assert.True(publicAfter.RootElement.GetProperty("priorities")[0].GetProperty("kpis")[0].GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task A_measurement_and_its_revision_rewrite_the_measured_part_and_a_refused_revision_leaves_it()
    {
        var code = await host.DefineAsync();
        Assert.StartsWith("km1\tnone\t\t\t\n", (string)(await MeasuredPartAsync(code))!); // defined: nothing measured yet, and says so
        await host.RecordAsync(code, "2023-Q1", 700m);
        var recorded = (string)(await MeasuredPartAsync(code))!;
        Assert.StartsWith("km1\tgreen\t2023-Q1\t2023-06-30\t2023-09-30\n", recorded);
        Assert.Contains("\"value\":700", recorded);

        using var manager = host.App.Client(TestUser.Manager());
        var revision = new HttpRequestMessage(HttpMethod.Post, $"{Kpis}/{code}/measurements/2023-Q1/revisions") { Content = JsonContent.Create(new { value = 1500 }) };
        revision.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.Created, (await manager.SendAsync(revision)).StatusCode);
        var revised = (string)(await MeasuredPartAsync(code))!;
        Assert.StartsWith("km1\tred\t2023-Q1\t", revised);
        Assert.Contains("\"value\":1500", revised);
        Assert.Contains("red: 1,500 against a target of 1,000", revised);

        var stale = new HttpRequestMessage(HttpMethod.Post, $"{Kpis}/{code}/measurements/2023-Q1/revisions") { Content = JsonContent.Create(new { value = 2 }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await manager.SendAsync(stale)).StatusCode);
        Assert.Equal(revised, (string)(await MeasuredPartAsync(code))!);

        // A revision of an earlier period changes the latest's trend: the part of the latest is rewritten too.
        await host.RecordAsync(code, "2023-Q2", 6m);
        await host.RecordAsync(code, "2023-Q3", 6m);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{Kpis}/{code}/measurements/2023-Q2/revisions", new { value = 400 })).StatusCode);
        var trended = (string)(await MeasuredPartAsync(code))!;
        Assert.StartsWith("km1\tgreen\t2023-Q3\t", trended);
        Assert.Contains("\"comparedWith\":\"2023-Q2\"", trended);
        Assert.Contains("\"verdict\":\"improving\"", trended); // 400 → 6
        Assert.Equal((await BuiltFromRowsAsync()).Members, (await ServedAsync()).Members);
    }

    [Fact]
    public async Task A_definition_change_rewrites_the_definition_part_and_leaves_the_RAG_judged_against_the_old_one()
    {
        var code = await host.DefineAsync(change: b => b["published"] = false);
        await host.RecordAsync(code, "2023-Q1", 1050m); // amber against 1,000 with 10%
        var measured = (string)(await MeasuredPartAsync(code))!;
        Assert.StartsWith("kd1\t60\t0\tasb\n", (string)(await DefinitionPartAsync(code))!);
        Assert.EndsWith("\n", (string)(await DefinitionPartAsync(code))!); // unpublished: no public fragment

        using var manager = host.App.Client(TestUser.Manager());
        var change = new HttpRequestMessage(HttpMethod.Put, $"{Kpis}/{code}")
        {
            Content = JsonContent.Create(KpiHost.KpiBody(code, b => { b["title"] = "ASB, renamed"; b["published"] = true; b["publicationLagDays"] = 30; b["target"] = new System.Text.Json.Nodes.JsonObject { ["value"] = 2000 }; })),
        };
        change.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(change)).StatusCode);

        var definition = (string)(await DefinitionPartAsync(code))!;
        Assert.StartsWith("kd1\t30\t1\tasb\n", definition);
        Assert.Contains("ASB, renamed", definition);
        Assert.Contains("\"definitionVersion\":2", definition);
        Assert.Equal(measured, (string)(await MeasuredPartAsync(code))!); // still amber, judged against version 1
        var served = await ServedAsync();
        Assert.Contains("ASB, renamed", served.Public);
        Assert.Equal(await BuiltFromRowsAsync(), served);
    }

    [Fact]
    public async Task A_derived_value_rewrites_the_part_and_a_redelivered_event_changes_nothing()
    {
        var p = "entries-" + Guid.NewGuid().ToString("N")[..8];
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        async Task PublishAsync(CloudEventEnvelope envelope, string topic)
        {
            await host.Redis.StreamAddAsync($"events:{topic}", "event", envelope.ToJson());
            await Drained.ConsumerGroupAsync(host.Redis, topic, KpiApp.ServiceName);
        }
        await PublishAsync(CloudEventEnvelope.Create(new ActionCreated(p, 1, "plan", "asb", "prevent", "kent-police", "Patrols", new DateOnly(2027, 3, 31), "on-track"), "/csp/test", p, null, DateTimeOffset.UtcNow), ActionCreated.Topic);
        Assert.Contains("\"value\":100", (string)(await MeasuredPartAsync("actions-on-track", p))!);

        var changed = CloudEventEnvelope.Create(new ActionStatusChanged(p, 1, "asb", "prevent", "kent-police", "on-track", "at-risk", "amber", 40, "partner", DateTimeOffset.UtcNow), "/csp/test", p, null, DateTimeOffset.UtcNow);
        await PublishAsync(changed, ActionStatusChanged.Topic);
        var part = (string)(await MeasuredPartAsync("actions-on-track", p))!;
        Assert.Contains("\"value\":0", part);
        var stamp = await Store.GetScorecardStampAsync(p);

        await PublishAsync(changed, ActionStatusChanged.Topic); // redelivered

        Assert.Equal(part, (string)(await MeasuredPartAsync("actions-on-track", p))!);
        Assert.Equal(stamp, await Store.GetScorecardStampAsync(p));
        Assert.Equal((await BuiltFromRowsAsync(p)).Members, (await ServedAsync(p)).Members);
    }

    [Fact]
    public async Task A_KPI_whose_parts_are_missing_or_in_an_older_format_is_built_from_its_rows_on_read()
    {
        var p = "older-" + Guid.NewGuid().ToString("N")[..8];
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        using var manager = host.App.Client(TestUser.Manager(p));
        async Task<string> DefineAsync(string code, bool published)
        {
            var body = KpiHost.KpiBody(code, b => { b["published"] = published; b["owningAgencyId"] = "kent-police"; });
            Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"/api/partnerships/{p}/kpis", body)).StatusCode);
            return code;
        }
        var a = await DefineAsync("a-kpi", published: true);
        var b = await DefineAsync("b-kpi", published: false);
        var c = await DefineAsync("c-kpi", published: true);
        var d = await DefineAsync("d-kpi", published: true); // never measured
        foreach (var code in new[] { a, b, c })
        foreach (var (q, v) in new[] { ("2022-Q4", 800m), ("2023-Q1", 1200m) })
            Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"/api/partnerships/{p}/kpis/{code}/measurements", new { period = q, value = v })).StatusCode);
        var expected = await BuiltFromRowsAsync(p);
        Assert.Equal(expected, await ServedAsync(p));

        // As data written before parts existed (none), and as parts of an older format would be read.
        await host.Redis.HashDeleteAsync($"kpi:{{{p}}}:entries:def", a);
        await host.Redis.HashSetAsync($"kpi:{{{p}}}:entries:def", b, "kd0\tsomething older\n{}\n");
        await host.Redis.HashDeleteAsync($"kpi:{{{p}}}:entries:measured", c);
        await host.Redis.HashDeleteAsync($"kpi:{{{p}}}:entries:measured", d);
        await host.Redis.StringSetAsync($"kpi:{{{p}}}:scorecard-stamp", Guid.NewGuid().ToString("N")); // the kept bodies are not current

        var served = await ServedAsync(p);
        Assert.Equal(expected, served);
        Assert.DoesNotContain(b, served.Public);
    }
}
