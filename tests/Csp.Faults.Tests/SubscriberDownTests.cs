using Csp.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Csp.Faults.Tests;

/// <summary>
/// The risk service (the subscriber) is down while the action plan completes 1,000 actions: 1,000 <c>action.completed</c>
/// events wait on the stream, and every one reaches the risk service, once, after it returns.
/// </summary>
public class SubscriberDownTests(ITestOutputHelper output)
{
    private const int Events = 1000;

    [Fact]
    public async Task A_thousand_events_produced_while_the_subscriber_is_down_are_all_delivered_once_after_it_returns()
    {
        await FaultPlatform.RunCaseAsync(output, "subscriber-down", RunAsync);
    }

    private async Task RunAsync(FaultPlatform platform)
    {
        platform.Risk.KillHard();

        // Straight to the action-plan service: 4 clients x 250 actions, each created then completed.
        var load = new WriteLoad(platform.ActionPlanAddress, workers: 4, iterations: Events / 4, deadline: TimeSpan.FromMinutes(3));
        await load.RunAsync("While the subscriber is down");
        await Delivery.OutboxDrainedAsync(platform.Db, "actionplan", TimeSpan.FromSeconds(60));
        var produced = (await platform.CompletedEventsOnStreamAsync()).Select(e => e.EventId).Distinct().Count();
        var seenWhileDown = (await platform.CompletionsSeenByRiskAsync()).Count;

        await platform.RestartAsync(platform.Risk);
        var back = System.Diagnostics.Stopwatch.StartNew();
        await Delivery.ConsumedAsync(platform.Db, "action.completed", "risk", TimeSpan.FromSeconds(120));
        var caughtUpAfter = back.Elapsed;

        var owed = (await platform.StoredStatusesAsync()).Where(s => s.Value == "completed").Select(s => s.Key).ToHashSet();
        var seen = await platform.CompletionsSeenByRiskAsync();
        var undelivered = owed.Where(id => !seen.Contains(id)).ToList();
        var runs = platform.RiskHandlerRuns("action.completed");
        var deadLetters = await Delivery.DeadLettersAsync(platform.Db, "action.completed", "risk");

        new Figures("A subscriber that is down (risk killed; 1,000 completions produced; risk started again)")
            .Add("writes sent", load.Sent)
            .Add("writes acknowledged (2xx)", load.Acknowledged)
            .Add("status histogram", Figures.Histogram(load.Statuses))
            .Add("events produced while down (distinct ids on the stream)", produced)
            .Add("events handled while down", seenWhileDown)
            .Add("events delivered after return", owed.Count - undelivered.Count)
            .Add("events not delivered", undelivered.Count)
            .Add("handler runs logged (total / events run more than once)", $"{runs.Values.Sum()} / {runs.Count(r => r.Value > 1)}")
            .Add("dead letters", deadLetters)
            .Add("caught up after", $"{caughtUpAfter.TotalSeconds:0.0} s")
            .Report(output);

        Assert.Equal(Events, load.AcknowledgedCompletions.Count);
        Assert.Equal(Events, produced);
        Assert.Equal(0, seenWhileDown);
        Assert.Equal(Events, owed.Count);
        Assert.Empty(undelivered);
        Assert.Equal(0, deadLetters);
        Assert.Equal(Events, runs.Count);
        Assert.All(runs, r => Assert.Equal(1, r.Value));
    }
}
