using System.Collections.Concurrent;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.Contracts.IntegrationEvents;
using Csp.Faults.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Csp.Faults.Tests;

/// <summary>
/// A flaky subscriber, as a Dapr app whose handler errors sometimes: a small app on the building blocks' event bus (its own
/// consumer group, the real Redis Streams transport, the real <c>action.completed</c> stream fed by the real action-plan
/// process) whose handler throws on its first two deliveries and on every fifth. Every event still arrives, and its effect
/// (counted per event id by the handler) happens exactly once.
/// </summary>
public class FlakySubscriberTests(ITestOutputHelper output)
{
    private const int Events = 200;
    private const string Service = "flaky-subscriber";

    [Fact]
    public async Task A_subscriber_failing_its_first_two_deliveries_and_every_fifth_still_gets_every_event_exactly_once_in_effect()
    {
        await using var platform = await FaultPlatform.StartAsync(output, "flaky");
        var effects = new FlakyEffects();
        using var subscriber = BuildSubscriber(platform, effects);
        try
        {
            await subscriber.StartAsync();
            var load = new WriteLoad(platform.ActionPlanAddress, workers: 4, iterations: Events / 4, deadline: TimeSpan.FromMinutes(2));
            await load.RunAsync("For a flaky subscriber");
            await Delivery.OutboxDrainedAsync(platform.Db, "actionplan", TimeSpan.FromSeconds(60));
            var produced = (await platform.CompletedEventsOnStreamAsync()).Select(e => e.EventId).ToHashSet();
            await Delivery.ConsumedAsync(platform.Db, "action.completed", Service, TimeSpan.FromSeconds(120));
            var deadLetters = await Delivery.DeadLettersAsync(platform.Db, "action.completed", Service);

            var missing = produced.Where(id => !effects.Applied.ContainsKey(id)).ToList();
            var duplicated = effects.Applied.Count(e => e.Value > 1);
            new Figures("A Dapr-style flaky subscriber (throws on deliveries 1, 2 and every 5th; Redis Streams transport)")
                .Add("writes acknowledged (2xx)", load.Acknowledged)
                .Add("events produced", produced.Count)
                .Add("deliveries to the handler", effects.Deliveries)
                .Add("deliveries failed on purpose", effects.Failures)
                .Add("events delivered (effect applied)", effects.Applied.Count)
                .Add("events missing", missing.Count)
                .Add("events applied more than once", duplicated)
                .Add("dead letters", deadLetters)
                .Report(output);

            Assert.Equal(Events, load.AcknowledgedCompletions.Count);
            Assert.Equal(Events, produced.Count);
            Assert.True(effects.Failures >= 2 + Events / 5 - 1, $"the handler failed only {effects.Failures} times");
            Assert.Empty(missing);
            Assert.Equal(0, duplicated);
            Assert.Equal(0, deadLetters);
        }
        catch
        {
            platform.DumpLogs();
            throw;
        }
        finally
        {
            await subscriber.StopAsync();
        }
    }

    private static IHost BuildSubscriber(FaultPlatform platform, FlakyEffects effects)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = platform.Redis.Address,
            ["EventBus:Transport"] = "redis",
            ["EventBus:Redis:PollInterval"] = "00:00:00.050",
            ["EventBus:Redis:ClaimIdle"] = "00:00:00.500",
            ["EventBus:Redis:ErrorBackoff"] = "00:00:00.200",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.Services.AddSingleton(effects);
        builder.AddCspRedis();
        builder.AddCspEventBus().AddSubscription<ActionCompleted, FlakyHandler>();
        return builder.Build();
    }

    /// <summary>What the handler did: deliveries it saw, those it failed, and per event id how often its effect was applied.</summary>
    public sealed class FlakyEffects
    {
        private int _deliveries;
        private int _failures;
        public int Deliveries => _deliveries;
        public int Failures => _failures;
        public ConcurrentDictionary<string, int> Applied { get; } = new();

        public void Deliver(string eventId)
        {
            var n = Interlocked.Increment(ref _deliveries);
            if (n <= 2 || n % 5 == 0)
            {
                Interlocked.Increment(ref _failures);
                throw new InvalidOperationException($"flaky subscriber fails delivery {n} (event {eventId}) on purpose");
            }
            Applied.AddOrUpdate(eventId, 1, (_, count) => count + 1);
        }
    }

    public sealed class FlakyHandler(FlakyEffects effects) : IIntegrationEventHandler<ActionCompleted>
    {
        public Task HandleAsync(ActionCompleted @event, CloudEventEnvelope envelope, CancellationToken cancellationToken)
        {
            effects.Deliver(envelope.Id);
            return Task.CompletedTask;
        }
    }
}
