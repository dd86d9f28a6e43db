using System.Net;
using System.Net.Http.Json;
using Csp.ActionPlan;
using Csp.BuildingBlocks.PartnershipCopy;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Csp.Risk.Tests.CrossService;

/// <summary>
/// A risk service that starts after the partnership.changed events it would need were trimmed, or that loses its copy,
/// still learns every partnership: it copies them from the action-plan service over gRPC (ListPartnerships, paged).
/// </summary>
public sealed class PartnershipCopyTests : IAsyncLifetime
{
    private static readonly string[] Partnerships = ["dartford", "gravesham", "medway", "swale", "thanet"];
    private readonly int _database = RedisServer.Instance.TakeDatabase();
    private RunningApp _actionPlan = null!;
    private IDatabase Redis => RedisServer.Instance.Connection.GetDatabase(_database);

    public async Task InitializeAsync()
    {
        var settings = TestRedis.ServiceSettings(_database);
        settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        _actionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, settings);
        using var admin = _actionPlan.Client(TestUser.Admin);
        foreach (var p in Partnerships)
            await PutPartnershipAsync(admin, p, "kent-police");
        // Swale changes once more: the copy must hold version 2 and both agencies.
        await PutPartnershipAsync(admin, "swale", "kent-police", "swale-council");
        await Drained.OutboxAsync(Redis, ActionPlanApp.ServiceName);
    }

    public async Task DisposeAsync() => await _actionPlan.DisposeAsync();

    private static async Task PutPartnershipAsync(HttpClient admin, string id, params string[] agencies)
    {
        var current = await admin.GetAsync($"/api/partnerships/{id}");
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{id}")
        {
            Content = JsonContent.Create(new
            {
                name = $"{id} Community Safety Partnership",
                agencies = agencies.Select(a => new { id = a, name = a, responsibleAuthority = true }).ToArray(),
            }),
        };
        if (current.IsSuccessStatusCode) request.Headers.IfMatch.Add(current.Headers.ETag!);
        (await admin.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private Task<RunningApp> StartRiskAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = RiskHost.RiskSettings(_database, _actionPlan.GrpcAddress);
        settings["PartnershipCopy:PageSize"] = "2"; // five partnerships: three pages
        configure?.Invoke(settings);
        return RunningApp.StartAsync(RiskApp.Build, settings);
    }

    private static async Task<bool> AnswersForAsync(RunningApp risk, string partnership)
    {
        using var manager = risk.Client(TestUser.Manager(partnership));
        return (await manager.GetAsync($"/api/partnerships/{partnership}/risks")).StatusCode == HttpStatusCode.OK;
    }

    [Fact]
    public async Task A_risk_service_started_after_the_events_were_trimmed_knows_every_partnership()
    {
        var stream = $"events:{PartnershipChanged.Topic}";
        Assert.True(await Redis.StreamLengthAsync(stream) >= Partnerships.Length);
        await Redis.StreamTrimAsync(stream, 0);
        Assert.Equal(0, await Redis.StreamLengthAsync(stream));

        await using var risk = await StartRiskAsync();

        foreach (var p in Partnerships)
            await Eventually.TrueAsync(() => AnswersForAsync(risk, p), $"the risk service answers for {p}");
        Assert.Equal(2, await RiskHost.KnownPartnershipVersionAsync(Redis, "swale"));
        using var manager = risk.Client(TestUser.Manager("swale"));
        var owned = await manager.PostAsJsonAsync("/api/partnerships/swale/risks", RiskHost.RiskBody(b => b["owningAgencyId"] = "swale-council"));
        Assert.Equal(HttpStatusCode.Created, owned.StatusCode);
        Assert.False(await risk.Services.GetRequiredService<PartnershipCopySync>().IsIncompleteAsync());
    }

    [Fact]
    public async Task A_copy_lost_while_the_service_runs_is_noticed_and_copied_again()
    {
        await using var risk = await StartRiskAsync(s => s["PartnershipCopy:CheckInterval"] = "00:00:00.100");
        foreach (var p in Partnerships)
            await Eventually.TrueAsync(() => AnswersForAsync(risk, p), $"the risk service answers for {p}");

        // A restore from an older backup: two copies (and their index entries) are gone, the marker is still there.
        foreach (var p in new[] { "medway", "thanet" })
        {
            await Redis.KeyDeleteAsync($"risk:{{{p}}}:partnership");
            await Redis.SetRemoveAsync("risk:known-partnerships", p);
        }
        Assert.False(await AnswersForAsync(risk, "medway"));

        await Eventually.TrueAsync(() => AnswersForAsync(risk, "medway"), "the lost copy of medway is back");
        await Eventually.TrueAsync(() => AnswersForAsync(risk, "thanet"), "the lost copy of thanet is back");
    }

    [Fact]
    public async Task A_forged_partnership_change_with_a_huge_version_is_refused_logged_and_does_not_freeze_the_copy()
    {
        var logs = new CapturedLogs();
        var settings = RiskHost.RiskSettings(_database, new Uri($"http://127.0.0.1:{FreePort.Next()}")); // the owner is down
        await using var risk = await RunningApp.StartAsync(RiskApp.Build, settings, logs: logs);
        var redis = Redis;
        await Announce(redis, "atlantis", 1, "atlantis-council");

        await Announce(redis, "atlantis", 1_000_000, "forged-agency");

        Assert.Equal(1, await RiskHost.KnownPartnershipVersionAsync(redis, "atlantis"));
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("atlantis", StringComparison.Ordinal)
            && e.Message.Contains("1000000", StringComparison.Ordinal));
        Assert.Contains("version 1 ", warning.Message);
        // Not frozen: the real next change still applies.
        await Announce(redis, "atlantis", 2, "atlantis-council", "kent-police");
        Assert.Equal(2, await RiskHost.KnownPartnershipVersionAsync(redis, "atlantis"));
    }

    private static async Task Announce(IDatabase redis, string partnershipId, long version, params string[] agencies)
    {
        var change = new PartnershipChanged(partnershipId, $"{partnershipId} CSP", agencies.Select(a => new PartnershipAgency(a, a, true)).ToList(), version);
        var envelope = Csp.BuildingBlocks.EventBus.CloudEventEnvelope.Create(change, "/csp/actionplan", partnershipId, null, DateTimeOffset.UtcNow);
        await redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", "event", envelope.ToJson());
        await Drained.ConsumerGroupAsync(redis, PartnershipChanged.Topic, RiskApp.ServiceName);
    }
}
