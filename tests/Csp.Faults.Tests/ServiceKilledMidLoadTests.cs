using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Csp.Faults.Tests;

/// <summary>
/// A service killed with SIGKILL while writes arrive, then started again: first the action-plan service (the writer and
/// the owner of the outbox), then the risk service (the subscriber, mid-handling). Every acknowledged write is stored,
/// every completion stored owes an <c>action.completed</c> that reaches the risk service, and no event has its effect twice.
/// </summary>
public class ServiceKilledMidLoadTests(ITestOutputHelper output)
{
    private const int LinkedActions = 12;

    [Fact]
    public async Task Acknowledged_writes_survive_and_owed_events_arrive_once_in_effect_when_services_are_killed_mid_load()
    {
        await FaultPlatform.RunCaseAsync(output, "service-kill", RunAsync);
    }

    private async Task RunAsync(FaultPlatform platform)
    {
        // Risks whose mitigations are actions of the plan: the effect of action.completed that must happen exactly once.
        var riskOfAction = await LinkMitigationsAsync(platform);

        var load = new WriteLoad(platform.GatewayAddress, workers: 4, iterations: 100, deadline: TimeSpan.FromMinutes(2));
        foreach (var actionId in riskOfAction.Keys) load.Preexisting.Enqueue(actionId);
        var running = load.RunAsync("Killed mid-load");

        await WriteLoad.UntilAsync(() => load.AcknowledgedCreates.Count >= 40, running);
        platform.ActionPlan.KillHard();
        var killedActionPlanAt = load.Acknowledged;
        await load.SentMoreAsync(8, running);
        await platform.RestartAsync(platform.ActionPlan);

        await WriteLoad.UntilAsync(() => load.AcknowledgedCreates.Count >= 120, running);
        // Mid-handling: wait (briefly) for a moment when the risk service holds delivered, unacknowledged entries.
        var pendingAtKill = await HeldByRiskAsync(platform, TimeSpan.FromSeconds(5));
        platform.Risk.KillHard();
        var killedRiskAt = load.Acknowledged;
        await load.SentMoreAsync(8, running);
        await platform.RestartAsync(platform.Risk);

        await running;
        await Delivery.OutboxDrainedAsync(platform.Db, "actionplan", TimeSpan.FromSeconds(60));
        await Delivery.ConsumedAsync(platform.Db, "action.completed", "risk", TimeSpan.FromSeconds(60));

        var statuses = await platform.StoredStatusesAsync();
        var acknowledgedCreates = load.AcknowledgedCreates.ToHashSet();
        var acknowledgedCompletions = load.AcknowledgedCompletions.ToHashSet();
        var lostCreates = acknowledgedCreates.Where(id => !statuses.ContainsKey(id)).ToList();
        var lostCompletions = acknowledgedCompletions.Where(id => statuses.GetValueOrDefault(id) != "completed").ToList();

        // Every completion that is stored (acknowledged or not: a request cut off by the kill may have committed) owes an event.
        var owed = statuses.Where(s => s.Value == "completed").Select(s => s.Key).ToHashSet();
        var seen = await platform.CompletionsSeenByRiskAsync();
        var undelivered = owed.Where(id => !seen.Contains(id)).ToList();
        var stream = await platform.CompletedEventsOnStreamAsync();
        var runs = platform.RiskHandlerRuns("action.completed");
        var deadLetters = await Delivery.DeadLettersAsync(platform.Db, "action.completed", "risk");

        // The effect: each completed linked action marks its mitigation done with exactly one audited change.
        var effects = new Dictionary<long, int>();
        foreach (var (actionId, riskId) in riskOfAction.Where(r => owed.Contains(r.Key)))
        {
            var trail = await platform.Db.StreamRangeAsync($"risk:{{{FaultPlatform.Partnership}}}:audit:risk:{riskId}");
            effects[actionId] = trail.Count(e => (string?)e["action"] == "risk.mitigation-done");
        }

        new Figures("A service killed mid-load (kill -9 of action-plan, then of risk, through the gateway)")
            .Add("writes sent", load.Sent)
            .Add("writes acknowledged (2xx)", load.Acknowledged)
            .Add("acknowledged found", load.Acknowledged - lostCreates.Count - lostCompletions.Count)
            .Add("acknowledged lost", lostCreates.Count + lostCompletions.Count)
            .Add("killed action-plan after acks", killedActionPlanAt)
            .Add("killed risk after acks", killedRiskAt)
            .Add("entries the risk service held (pending) when killed", pendingAtKill)
            .Add("status histogram", Figures.Histogram(load.Statuses))
            .Add("events owed (stored completions)", owed.Count)
            .Add("events on the stream (entries / distinct ids)", $"{stream.Count} / {stream.Select(s => s.EventId).Distinct().Count()}")
            .Add("events delivered (risk saw the completion)", owed.Count - undelivered.Count)
            .Add("events not delivered", undelivered.Count)
            .Add("handler runs logged (total / events run more than once)", $"{runs.Values.Sum()} / {runs.Count(r => r.Value > 1)}")
            .Add("mitigation effects checked / duplicated / missing", $"{effects.Count} / {effects.Count(e => e.Value > 1)} / {effects.Count(e => e.Value == 0)}")
            .Add("dead letters", deadLetters)
            .Report(output);

        Assert.Empty(lostCreates);
        Assert.Empty(lostCompletions);
        Assert.Empty(undelivered);
        Assert.Equal(0, deadLetters);
        Assert.All(effects, e => Assert.Equal(1, e.Value));
        Assert.True(load.Acknowledged >= 100, $"the load did too little to prove anything: {load.Acknowledged} acknowledged writes");
    }

    /// <summary>Creates <see cref="LinkedActions"/> actions and a risk mitigated by each; returns action id → risk id.</summary>
    private static async Task<Dictionary<long, long>> LinkMitigationsAsync(FaultPlatform platform)
    {
        using var manager = FaultPlatform.Client(platform.ActionPlanAddress, FaultPlatform.Manager);
        using var riskManager = FaultPlatform.Client(platform.RiskAddress, FaultPlatform.Manager);
        var links = new Dictionary<long, long>();
        for (var i = 0; i < LinkedActions; i++)
        {
            var action = await manager.PostAsJsonAsync(FaultPlatform.Actions, FaultPlatform.ActionBody($"Mitigating action {i}"));
            action.EnsureSuccessStatusCode();
            var actionId = (long)JsonNode.Parse(await action.Content.ReadAsStringAsync())!["id"]!;
            var risk = await riskManager.PostAsJsonAsync(FaultPlatform.Risks, FaultPlatform.RiskBody($"Risk mitigated by action {actionId}"));
            risk.EnsureSuccessStatusCode();
            var riskId = (long)JsonNode.Parse(await risk.Content.ReadAsStringAsync())!["id"]!;
            (await riskManager.PostAsJsonAsync($"{FaultPlatform.Risks}/{riskId}/mitigations", new { actionId })).EnsureSuccessStatusCode();
            links[actionId] = riskId;
        }
        return links;
    }

    private static async Task<long> HeldByRiskAsync(FaultPlatform platform, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        long pending;
        do
        {
            var group = (await platform.Db.StreamGroupInfoAsync("events:action.completed")).FirstOrDefault(g => g.Name == "risk");
            pending = group.PendingMessageCount;
        }
        while (pending == 0 && DateTime.UtcNow < deadline);
        return pending;
    }

    /// <summary>Waits until the condition holds or the load has finished (bounded by the load's own deadline).</summary>
}
