using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk;
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
    /// risk service has taken it in.</summary>
    public async Task AnnouncePartnershipAsync(string partnershipId, long version, params string[] agencies)
    {
        var change = new PartnershipChanged(partnershipId, $"{partnershipId} CSP", agencies.Select(a => new PartnershipAgency(a, a, true)).ToList(), version);
        var envelope = CloudEventEnvelope.Create(Topics.PartnershipChanged, "/csp/actionplan", change, partnershipId, null, null, DateTimeOffset.UtcNow);
        await Redis.StreamAddAsync($"events:{Topics.PartnershipChanged}", "event", envelope.ToJson());
        await WaitForKnownPartnershipAsync(Redis, partnershipId, version);
    }

    public static Task WaitForKnownPartnershipAsync(IDatabase redis, string partnershipId, long version) =>
        Eventually.TrueAsync(async () =>
        {
            var data = (string?)await redis.HashGetAsync($"risk:{{{partnershipId}}}:partnership", "data");
            return data is not null && System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("sourceVersion").GetInt64() >= version;
        }, $"the risk service knows partnership {partnershipId} v{version}", TimeSpan.FromSeconds(10));

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

    /// <summary>The events on a topic's stream about <paramref name="riskId"/>, waiting up to 10 s for at least <paramref name="atLeast"/>.</summary>
    public async Task<List<CloudEventEnvelope>> PublishedAsync(string topic, long riskId, int atLeast, string partnership = Partnership)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var entries = await Redis.StreamRangeAsync($"events:{topic}");
            var found = entries.Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
                .Where(e => e.Partnership == partnership && e.Data.GetProperty("riskId").GetInt64() == riskId).ToList();
            if (found.Count >= atLeast || DateTime.UtcNow > deadline) return found;
            await Task.Delay(100);
        }
    }
}
