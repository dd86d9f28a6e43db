using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.Kpi.Tests;

/// <summary>
/// The KPI service on real Kestrel against a fresh database of the real test Redis. Its action-plan gRPC address is a free
/// port with nothing listening (the partnership copy comes from partnership.changed on the real bus). One per test class.
/// </summary>
public sealed class KpiHost : IAsyncLifetime
{
    public const string Partnership = "medway";
    public const string Kpis = $"/api/partnerships/{Partnership}/kpis";
    public RunningApp App { get; private set; } = null!;
    public int Database { get; private set; }
    public IDatabase Redis => RedisServer.Instance.Connection.GetDatabase(Database);
    private int _codes;

    public async Task InitializeAsync()
    {
        Database = RedisServer.Instance.TakeDatabase();
        App = await RunningApp.StartAsync(KpiApp.Build, KpiSettings(Database, new Uri($"http://127.0.0.1:{FreePort.Next()}")));
        await AnnouncePartnershipAsync(Partnership, 1, "medway-council", "kent-police", "kent-fire-rescue", "probation-kss");
        await AnnouncePartnershipAsync("other", 1, "medway-council", "kent-police");
    }

    public static Dictionary<string, string?> KpiSettings(int database, Uri actionPlanGrpc)
    {
        var settings = TestRedis.ServiceSettings(database);
        settings["Kpi:ActionPlanGrpc"] = actionPlanGrpc.ToString();
        return settings;
    }

    /// <summary>Publishes <c>partnership.changed</c> onto the real bus and waits until the KPI service has handled it.</summary>
    public async Task AnnouncePartnershipAsync(string partnershipId, long version, params string[] agencies)
    {
        var change = new PartnershipChanged(partnershipId, $"{partnershipId} CSP", agencies.Select(a => new PartnershipAgency(a, a, true)).ToList(), version);
        var envelope = CloudEventEnvelope.Create(change, "/csp/actionplan", partnershipId, null, DateTimeOffset.UtcNow);
        await Redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", "event", envelope.ToJson());
        await Drained.ConsumerGroupAsync(Redis, PartnershipChanged.Topic, KpiApp.ServiceName);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>A code no other test of the class uses.</summary>
    public string NewCode(string stem = "kpi") => $"{stem}-{Interlocked.Increment(ref _codes)}";

    /// <summary>A valid quarterly count KPI (ASB incidents, lower is better, target 1,000 with a 10% tolerance) owned by
    /// Kent Police; override fields with <paramref name="change"/>.</summary>
    public static JsonObject KpiBody(string code, Action<JsonObject>? change = null)
    {
        var body = new JsonObject
        {
            ["code"] = code,
            ["title"] = "ASB incidents",
            ["counting"] = "Anti-social behaviour incidents recorded by Kent Police in Medway, by financial quarter.",
            ["priorityId"] = "asb",
            ["owningAgencyId"] = "kent-police",
            ["dataSource"] = "Kent Police incident records",
            ["publicationLagDays"] = 60,
            ["unit"] = "count",
            ["polarity"] = "lower-is-better",
            ["frequency"] = "quarterly",
            ["baseline"] = new JsonObject { ["value"] = 1100, ["period"] = "2022-Q1" },
            ["target"] = new JsonObject { ["value"] = 1000 },
            ["tolerance"] = new JsonObject { ["kind"] = "percentage", ["amount"] = 10 },
            ["published"] = false,
        };
        change?.Invoke(body);
        return body;
    }

    public async Task<string> DefineAsync(string? code = null, Action<JsonObject>? change = null)
    {
        code ??= NewCode();
        using var manager = App.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync(Kpis, KpiBody(code, change));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"define {code}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return code;
    }

    public async Task RecordAsync(string code, string period, decimal value, object? extra = null, TestUser? user = null)
    {
        using var client = App.Client(user ?? TestUser.Manager());
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }))!.AsObject();
        body["period"] = period;
        body["value"] = value;
        var response = await client.PostAsJsonAsync($"{Kpis}/{code}/measurements", body);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"record {code} {period}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task<long> LogLengthAsync(string code, string partnership = Partnership) => Redis.ListLengthAsync($"kpi:{{{partnership}}}:m:{code}:log");

    public Task<long> AuditLengthAsync() => Redis.StreamLengthAsync($"kpi:{{{Partnership}}}:audit");

    /// <summary>Every event on a topic's stream about a KPI, once the outbox has drained.</summary>
    public async Task<List<CloudEventEnvelope>> PublishedAsync(string topic, string code, string partnership = Partnership)
    {
        await Drained.OutboxAsync(Redis, KpiApp.ServiceName);
        var entries = await Redis.StreamRangeAsync($"events:{topic}");
        return entries.Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
            .Where(e => e.Partnership == partnership && e.Data.GetProperty("kpiCode").GetString() == code).ToList();
    }
}
