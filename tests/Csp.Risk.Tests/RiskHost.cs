using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.Risk.Tests;

/// <summary>
/// The risk service on real Kestrel against a fresh database of the real test Redis. Its action-plan gRPC address is a
/// free port with nothing listening, so any mitigation link meets an action-plan service that is down. One per test class.
/// </summary>
public sealed class RiskHost : IAsyncLifetime
{
    public const string Partnership = "medway";
    public const string Risks = $"/api/partnerships/{Partnership}/risks";
    public RunningApp App { get; private set; } = null!;
    public int Database { get; private set; }
    public IDatabase Redis => RedisServer.Instance.Connection.GetDatabase(Database);

    public async Task InitializeAsync()
    {
        Database = RedisServer.Instance.TakeDatabase();
        var settings = RiskSettings(Database, new Uri($"http://127.0.0.1:{FreePort.Next()}"));
        App = await RunningApp.StartAsync(RiskApp.Build, settings);
        await AnnouncePartnershipAsync(Partnership, 1, "medway-council", "kent-police", "kent-fire-rescue", "probation-kss");
        await AnnouncePartnershipAsync("other", 1, "medway-council", "kent-police");
    }

    /// <summary>Publishes <c>partnership.changed</c> onto the real bus, as the action-plan service does, and waits until the
    /// risk service has handled it (its consumer group has acknowledged everything on the topic), whether the change was
    /// newer than its copy or not.</summary>
    public async Task AnnouncePartnershipAsync(string partnershipId, long version, params string[] agencies)
    {
        var change = new PartnershipChanged(partnershipId, $"{partnershipId} CSP", agencies.Select(a => new PartnershipAgency(a, a, true)).ToList(), version);
        var envelope = CloudEventEnvelope.Create(change, "/csp/actionplan", partnershipId, null, DateTimeOffset.UtcNow);
        await Redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", "event", envelope.ToJson());
        await Drained.ConsumerGroupAsync(Redis, PartnershipChanged.Topic, RiskApp.ServiceName);
    }

    /// <summary>The source version of the risk service's copy of a partnership; null while it has none.</summary>
    public static async Task<long?> KnownPartnershipVersionAsync(IDatabase redis, string partnershipId)
    {
        var data = (string?)await redis.HashGetAsync($"risk:{{{partnershipId}}}:partnership", "data");
        return data is null ? null : System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("sourceVersion").GetInt64();
    }

    public static Task WaitForKnownPartnershipAsync(IDatabase redis, string partnershipId, long version) =>
        Eventually.TrueAsync(async () => await KnownPartnershipVersionAsync(redis, partnershipId) >= version,
            $"the risk service knows partnership {partnershipId} v{version}");

    public static Dictionary<string, string?> RiskSettings(int database, Uri actionPlanGrpc)
    {
        var settings = TestRedis.ServiceSettings(database);
        settings["Risk:Reviews:ScanInterval"] = "01:00:00";
        settings["Risk:ActionPlanGrpc"] = actionPlanGrpc.ToString();
        settings["Risk:ActionPlanDeadline"] = "00:00:02";
        return settings;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>A valid new-risk body (seed 001 §4.1, "Legislation" D3); override fields with <paramref name="change"/>.</summary>
    public static JsonObject RiskBody(Action<JsonObject>? change = null)
    {
        var body = new JsonObject
        {
            ["register"] = "csp",
            ["title"] = "Legislation",
            ["summary"] = "Government guidance could change focus for CSP.",
            ["cause"] = "New national guidance or legislation.",
            ["event"] = "The CSP's statutory focus changes mid-plan.",
            ["consequence"] = "Priorities and resources no longer match duties.",
            ["category"] = "legal",
            ["owningAgencyId"] = "medway-council",
            ["owner"] = "Community Safety Manager",
            ["existingControls"] = "Quarterly CSP meetings with a standing policy item.",
            ["mitigatingActions"] = "CSP to ensure that it effectively horizon scans to be aware of impending legislative changes.",
            ["treatment"] = "treat",
            ["reviewFrequency"] = "quarterly",
            ["inherent"] = "C2",
            ["current"] = "D3",
            ["target"] = "E3",
            ["rationale"] = "Horizon scanning in place; no bill announced.",
        };
        change?.Invoke(body);
        return body;
    }

    public async Task<long> CreateRiskAsync(Action<JsonObject>? change = null)
    {
        using var manager = App.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync(Risks, RiskBody(change));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }

    public Task<long> StoredRiskCountAsync() => Redis.SortedSetLengthAsync($"risk:{{{Partnership}}}:risks");

    public Task<long> AuditLengthAsync() => Redis.StreamLengthAsync($"risk:{{{Partnership}}}:audit");

    public Task<string> StoredRiskAsync(long id) => Redis.HashGetAsync($"risk:{{{Partnership}}}:risk:{id}", "data").ContinueWith(t => (string)t.Result!);

    /// <summary>Every event on a topic's stream about <paramref name="riskId"/>, once the risk service's outbox has drained:
    /// every write that has returned has published its events by then, so what is absent was never published.</summary>
    public async Task<List<CloudEventEnvelope>> PublishedAsync(string topic, long riskId, string partnership = Partnership)
    {
        await Drained.OutboxAsync(Redis, RiskApp.ServiceName);
        var entries = await Redis.StreamRangeAsync($"events:{topic}");
        return entries.Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
            .Where(e => e.Partnership == partnership && e.Data.GetProperty("riskId").GetInt64() == riskId).ToList();
    }
}
