using Csp.BuildingBlocks.Hosting;
using Csp.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.Hosting;

/// <summary>How many passes the scan made; it can be told to meet a Redis failure on its first pass.</summary>
public sealed class ScanCounter
{
    private int _passes;
    public bool FailFirstPass { get; init; }
    /// <summary>What the first pass throws instead of a Redis failure (a bug, a record that cannot be read...).</summary>
    public Exception? FirstPassThrows { get; init; }
    public int Passes => Volatile.Read(ref _passes);

    public int Pass()
    {
        var pass = Interlocked.Increment(ref _passes);
        if (FailFirstPass && pass == 1) throw new RedisException("Redis is down (simulated)");
        if (FirstPassThrows is not null && pass == 1) throw FirstPassThrows;
        return 0;
    }
}

public sealed class CountingScan(IServiceScopeFactory scopes, IOptions<ScanOptions> options, ILogger<CountingScan> logger)
    : PeriodicScan<ScanOptions>(scopes, options, logger)
{
    protected override Task<int> ScanAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        Task.FromResult(services.GetRequiredService<ScanCounter>().Pass());
}

public sealed class PeriodicScanTests
{
    private const string Section = "Things:Scan";

    private static IHost Build(string? interval, ScanCounter? counter = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (interval is not null) builder.Configuration.AddInMemoryCollection([new($"{Section}:ScanInterval", interval)]);
        builder.Services.AddSingleton(counter ?? new ScanCounter());
        builder.AddPeriodicScan<CountingScan, ScanOptions>(Section);
        return builder.Build();
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    public async Task A_non_positive_interval_stops_the_host_at_start(string interval)
    {
        var counter = new ScanCounter();
        using var host = Build(interval, counter);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{Section}:ScanInterval must be positive.", failure.Failures);
        Assert.Equal(0, counter.Passes);
    }

    [Fact]
    public async Task The_scan_runs_at_start_and_then_on_every_tick()
    {
        var counter = new ScanCounter();
        using var host = Build("00:00:00.020", counter);

        await host.StartAsync();

        await Eventually.TrueAsync(() => counter.Passes >= 3, "the scan ran at start and on two ticks");
        await host.StopAsync();
    }

    [Fact]
    public async Task Without_configuration_the_scan_runs_once_at_start_and_waits_the_default_interval()
    {
        var counter = new ScanCounter();
        using var host = Build(interval: null, counter);

        await host.StartAsync();

        await Eventually.TrueAsync(() => counter.Passes == 1, "the scan ran at start");
        Assert.Equal(TimeSpan.FromMinutes(5), host.Services.GetRequiredService<IOptions<ScanOptions>>().Value.ScanInterval);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_redis_failure_does_not_stop_the_scan_it_runs_again_at_the_next_tick()
    {
        var counter = new ScanCounter { FailFirstPass = true };
        using var host = Build("00:00:00.020", counter);

        await host.StartAsync();

        await Eventually.TrueAsync(() => counter.Passes >= 2, "the scan ran again after the failure");
        await host.StopAsync();
    }

    [Fact]
    public async Task An_unreadable_record_or_any_other_failure_does_not_stop_the_host_the_scan_runs_again()
    {
        foreach (var failure in new Exception[]
                 {
                     new Csp.BuildingBlocks.Redis.UnreadableRecordException("things:{medway}:thing:7", "Thing", new System.Text.Json.JsonException("bad")),
                     new InvalidOperationException("a bug in one pass"),
                 })
        {
            var counter = new ScanCounter { FirstPassThrows = failure };
            using var host = Build("00:00:00.020", counter);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

            await host.StartAsync();

            await Eventually.TrueAsync(() => counter.Passes >= 3, "the scan ran again after the failure");
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, $"the host stopped after {failure.GetType().Name}");
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_test_can_run_one_pass_itself()
    {
        var counter = new ScanCounter();
        using var host = Build("01:00:00", counter);

        await host.Services.GetRequiredService<CountingScan>().ScanAsync();

        Assert.Equal(1, counter.Passes);
    }
}
