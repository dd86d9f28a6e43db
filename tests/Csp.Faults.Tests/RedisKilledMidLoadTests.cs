using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Csp.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Csp.Faults.Tests;

/// <summary>
/// Redis killed with SIGKILL while writes arrive, then started again on the same port and directory with AOF (fsync on
/// every write). No acknowledged write is lost, and the services, never restarted, are ready again by themselves. On a
/// Redis Cluster every master is killed at once and started again on its port and directory (AOF and <c>nodes.conf</c>
/// kept), so the cluster re-forms by itself. Three findings of this case on a cluster are fixed (CLUSTERDOWN was a 500; an
/// event whose handling the kill cut off was dead-lettered; about one run in five refused every write with 409 after the
/// restart, see docs/reliability.md).
/// </summary>
public class RedisKilledMidLoadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryAllowed = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task No_acknowledged_write_is_lost_and_the_services_recover_without_a_restart_when_Redis_is_killed_mid_load()
    {
        await FaultPlatform.RunCaseAsync(output, "redis-kill", RunAsync);
    }

    private async Task RunAsync(FaultPlatform platform)
    {
        var load = new WriteLoad(platform.ActionPlanAddress, workers: 4, iterations: 80, deadline: TimeSpan.FromMinutes(2));
        var running = load.RunAsync("Redis killed mid-load");
        await WriteLoad.UntilAsync(() => load.AcknowledgedCreates.Count >= 50, running);

        platform.Redis.KillHard();
        var killedAt = load.Acknowledged;
        var actionPlanNoticed = await ReadyStatusAsync(platform.ActionPlanAddress);
        await load.SentMoreAsync(8, running);
        var acknowledgedWhileDown = load.Acknowledged - killedAt;

        await platform.Redis.StartAsync();
        var recovering = Stopwatch.StartNew();
        await Task.WhenAll(
            platform.WaitReadyAsync(platform.ActionPlan, platform.ActionPlanAddress, RecoveryAllowed),
            platform.WaitReadyAsync(platform.Risk, platform.RiskAddress, RecoveryAllowed));
        var readyAgainAfter = recovering.Elapsed;

        await running;
        // A write after recovery is accepted as before.
        using var manager = FaultPlatform.Client(platform.ActionPlanAddress, FaultPlatform.Manager);
        var after = await manager.PostAsJsonAsync(FaultPlatform.Actions, FaultPlatform.ActionBody("Written after Redis came back"));

        await Delivery.OutboxDrainedAsync(platform.Db, "actionplan", TimeSpan.FromSeconds(60));
        await Delivery.ConsumedAsync(platform.Db, "action.completed", "risk", TimeSpan.FromSeconds(60));
        var statuses = await platform.StoredStatusesAsync();
        var lostCreates = load.AcknowledgedCreates.Where(id => !statuses.ContainsKey(id)).ToList();
        var lostCompletions = load.AcknowledgedCompletions.Where(id => statuses.GetValueOrDefault(id) != "completed").ToList();
        var owed = statuses.Where(s => s.Value == "completed").Select(s => s.Key).ToHashSet();
        var seen = await platform.CompletionsSeenByRiskAsync();
        var undelivered = owed.Where(id => !seen.Contains(id)).ToList();

        new Figures(FaultPlatform.OnCluster
                ? "Redis killed mid-load (kill -9 of all three masters, restarted with AOF and nodes.conf on the same ports; services not restarted)"
                : "Redis killed mid-load (kill -9 of redis-server, restarted with AOF on the same port; services not restarted)")
            .Add("writes sent", load.Sent)
            .Add("writes acknowledged (2xx)", load.Acknowledged)
            .Add("acknowledged found", load.Acknowledged - lostCreates.Count - lostCompletions.Count)
            .Add("acknowledged lost", lostCreates.Count + lostCompletions.Count)
            .Add("killed Redis after acks", killedAt)
            .Add("acknowledged in the second Redis was down", acknowledgedWhileDown)
            .Add("status histogram", Figures.Histogram(load.Statuses))
            .Add("action-plan /healthz/ready just after the kill", actionPlanNoticed)
            .Add("both services ready again after", $"{readyAgainAfter.TotalSeconds:0.0} s (allowed {RecoveryAllowed.TotalSeconds:0} s)")
            .Add("write after recovery", (int)after.StatusCode)
            .Add("events owed (stored completions)", owed.Count)
            .Add("events delivered", owed.Count - undelivered.Count)
            .Add("events not delivered", undelivered.Count)
            .Report(output);

        Assert.Empty(lostCreates);
        Assert.Empty(lostCompletions);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Empty(undelivered);
        Assert.True(load.Statuses.Keys.All(s => s is "201" or "503" or "no answer"), $"unexpected statuses: {Figures.Histogram(load.Statuses)}");
    }

    private static async Task<string> ReadyStatusAsync(Uri service)
    {
        using var client = FaultPlatform.Client(service, timeout: TimeSpan.FromSeconds(5));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        // The first probe may still see the old connection as up; wait (bounded) until the service notices.
        while (true)
        {
            try
            {
                var status = (await client.GetAsync("/healthz/ready")).StatusCode;
                if (status != HttpStatusCode.OK || DateTime.UtcNow > deadline) return ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return "no answer";
            }
            await Task.Delay(100);
        }
    }
}
