using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Dapr.Client.Autogen.Grpc.v1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using static Csp.BuildingBlocks.Tests.EventBus.EventBusTestKit;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary>The Dapr transport as the sidecar sees it: subscription discovery, deliveries, and what we publish.</summary>
public sealed class DaprEventBusTests : IAsyncLifetime
{
    private static readonly int Database = RedisServer.Instance.TakeDatabase();
    public const string AppApiToken = "sidecar-token-for-tests";
    private readonly string _topic = MeasurementRecorded.Topic;
    private readonly HandlerProbe _probe = new();
    private readonly int _port = FreePort.Next();
    private WebApplication _app = null!;
    private HttpClient _sidecar = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Configuration.AddInMemoryCollection(Settings(Database, transport: "dapr"));
        // As the sidecar injector does: the token reaches the app in APP_API_TOKEN.
        builder.Configuration.AddInMemoryCollection([new("APP_API_TOKEN", AppApiToken)]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.Services.AddSingleton(_probe);
        builder.AddCspRedis();
        builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>();
        _app = builder.Build();
        _app.MapEventBusEndpoints();
        await _app.StartAsync();
        _sidecar = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        _sidecar.DefaultRequestHeaders.Add("dapr-api-token", AppApiToken);
    }

    public async Task DisposeAsync()
    {
        _sidecar.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The body the sidecar delivers: our envelope as published, plus the attributes Dapr adds. Dapr overwrites
    /// the tracing extension with its own span, a child in the publisher's trace (the publish call carried the trace).</summary>
    private static string AsDeliveredBySidecar(CloudEventEnvelope envelope)
    {
        var json = JsonNode.Parse(envelope.ToJson())!.AsObject();
        var sidecarSpan = $"00-{envelope.TraceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        json["pubsubname"] = "pubsub";
        json["topic"] = envelope.Type;
        json["traceid"] = sidecarSpan;
        json["traceparent"] = sidecarSpan;
        json["tracestate"] = "";
        return json.ToJsonString();
    }

    private Task<HttpResponseMessage> DeliverAsync(string body, string? route = null)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventEnvelope.ContentType);
        return _sidecar.PostAsync(route ?? $"/events/{_topic}", content);
    }

    /// <summary>A caller that is not the sidecar: no token, or one of its own.</summary>
    private HttpClient Stranger(string? token)
    {
        var client = new HttpClient { BaseAddress = _sidecar.BaseAddress };
        if (token is not null) client.DefaultRequestHeaders.Add("dapr-api-token", token);
        return client;
    }

    private Task<StreamEntry[]> DeadLettersAsync() => Db(Database).StreamRangeAsync($"{Service}:deadletters");

    [Fact]
    public async Task The_sidecar_discovers_each_topic_with_its_route_and_dead_letter_topic()
    {
        var raw = await _sidecar.GetStringAsync("/dapr/subscribe");
        var subscriptions = JsonNode.Parse(raw)!.AsArray();

        var subscription = Assert.Single(subscriptions, s => (string?)s!["topic"] == _topic)!;
        // Field names and the relative route are what Dapr.AspNetCore emits and the sidecar reads.
        Assert.Equal("pubsub", (string?)subscription["pubsubName"]);
        Assert.Equal($"events/{_topic}", (string?)subscription["route"]);
        Assert.Equal($"{_topic}.deadletter", (string?)subscription["deadLetterTopic"]);
    }

    [Fact]
    public async Task A_delivered_cloud_event_reaches_the_handler_with_its_original_id_and_a_redelivery_is_ignored()
    {
        var envelope = NewEvent("KPI-11", 17m);

        using var first = await DeliverAsync(AsDeliveredBySidecar(envelope));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("SUCCESS", (string?)JsonNode.Parse(await first.Content.ReadAsStringAsync())!["status"]);
        var handled = Assert.Single(_probe.Handled, h => h.EventId == envelope.Id);
        Assert.Equal(new MeasurementRecorded("KPI-11", 17m), handled.Event);
        Assert.NotNull(envelope.TraceId);
        Assert.Equal(envelope.TraceId, handled.TraceId);

        using var again = await DeliverAsync(AsDeliveredBySidecar(envelope));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("SUCCESS", (string?)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["status"]);
        Assert.Equal(1, _probe.AttemptsFor(envelope.Id));
    }

    [Fact]
    public async Task A_failing_handler_answers_an_error_so_the_sidecar_retries_and_the_retry_is_handled()
    {
        var envelope = NewEvent();
        _probe.FailNext(1);

        using var failed = await DeliverAsync(AsDeliveredBySidecar(envelope));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, _probe.HandledCount(envelope.Id));

        using var retried = await DeliverAsync(AsDeliveredBySidecar(envelope));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1, _probe.HandledCount(envelope.Id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("guessed-token")]
    [InlineData("sidecar-token-for-test")]
    public async Task A_delivery_without_the_sidecars_app_token_is_401_and_reaches_no_handler(string? token)
    {
        // A forged action.completed or partnership.changed from anyone who can reach the port.
        using var stranger = Stranger(token);
        var envelope = NewEvent();
        var content = new StringContent(AsDeliveredBySidecar(envelope), Encoding.UTF8, CloudEventEnvelope.ContentType);

        using var delivery = await stranger.PostAsync($"/events/{_topic}", content);
        using var subscribe = await stranger.GetAsync("/dapr/subscribe");

        Assert.Equal(HttpStatusCode.Unauthorized, delivery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, subscribe.StatusCode);
        Assert.Empty(_probe.Attempts);
        Assert.False(await Db(Database).KeyExistsAsync($"{Service}:inbox:{envelope.Id}"));
    }

    [Theory]
    [InlineData("not json at all", "malformed")]
    [InlineData("{\"specversion\":\"1.0\",\"data\":{}}", "malformed")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/x\",\"type\":\"action.completed\",\"data\":{}}", "type 'action.completed' delivered to topic")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e-2\",\"source\":\"/x\",\"type\":\"kpi.measurement-recorded\",\"data\":{\"value\":\"lots\"}}", "data is not a MeasurementRecorded")]
    public async Task A_delivery_that_can_never_succeed_is_dropped_and_kept_in_our_dead_letters(string body, string reason)
    {
        using var response = await DeliverAsync(body);

        // Dapr's "drop": 200 with status DROP, so the sidecar neither retries it nor counts it a failure.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]);
        Assert.Empty(_probe.Handled);
        var dead = Assert.Single(await DeadLettersAsync(), e => (string?)e["payload"] == body);
        Assert.Equal(_topic, (string?)dead["topic"]);
        Assert.Contains(reason, (string?)dead["reason"]);
        Assert.Equal("dapr", (string?)dead["transport"]);
        Assert.True(DateTimeOffset.TryParse((string?)dead["at"], out _));
    }

    [Fact]
    public async Task The_dead_letter_store_is_bounded()
    {
        var options = _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventBusOptions>>().Value;
        Assert.Equal(10_000, options.DeadLetterMaxLength);
        var deadLetters = _app.Services.GetRequiredService<DeadLetters>();
        var db = Db(Database);
        await db.KeyDeleteAsync(deadLetters.Key);
        options.DeadLetterMaxLength = 100;
        try
        {
            for (var i = 0; i < 1_000; i++) await deadLetters.RecordAsync(_topic, "x", "test", "dapr");
        }
        finally
        {
            options.DeadLetterMaxLength = 10_000;
        }
        // MAXLEN ~ trims whole radix-tree nodes: about the cap, never the thousand written.
        Assert.InRange(await db.StreamLengthAsync(deadLetters.Key), 100, 300);
    }

    [Fact]
    public async Task Readiness_reports_the_dapr_subscriptions_once_the_app_has_started()
    {
        var health = _app.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();
        await Eventually.TrueAsync(async () => (await health.CheckHealthAsync()).Entries["eventbus"].Status ==
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, "readiness reports the event bus subscribed");
    }
}

/// <summary>
/// What we send to the sidecar: DaprClient publishes over gRPC, so a loopback HTTP/2 endpoint stands in for the sidecar's
/// <c>dapr.proto.runtime.v1.Dapr/PublishEvent</c> method and records the request. A contract test of our side only.
/// </summary>
public sealed class DaprPublishTests : IAsyncLifetime
{
    private static readonly int Database = RedisServer.Instance.TakeDatabase();
    private readonly int _sidecarPort = FreePort.Next();
    private readonly ConcurrentQueue<PublishEventRequest> _received = new();
    private volatile bool _sidecarHangs;
    private WebApplication _fakeSidecar = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, _sidecarPort, l => l.Protocols = HttpProtocols.Http2));
        _fakeSidecar = builder.Build();
        _fakeSidecar.MapPost("/dapr.proto.runtime.v1.Dapr/PublishEvent", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (_sidecarHangs)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            var frame = body.ToArray();
            _received.Enqueue(PublishEventRequest.Parser.ParseFrom(frame.AsSpan(5)));
            // gRPC reply: an empty message in one length-prefixed frame, then status OK in the trailers.
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5]);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await _fakeSidecar.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _fakeSidecar.StopAsync();
        await _fakeSidecar.DisposeAsync();
    }

    private Microsoft.Extensions.Hosting.IHost PublisherHost(string publishTimeout)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = Settings(Database, transport: "dapr");
        settings["EventBus:Dapr:GrpcEndpoint"] = $"http://127.0.0.1:{_sidecarPort}";
        settings["EventBus:Dapr:PublishTimeout"] = publishTimeout;
        settings["EventBus:Dapr:AppApiToken"] = DaprEventBusTests.AppApiToken;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.AddCspRedis();
        builder.AddCspEventBus();
        return builder.Build();
    }

    [Fact]
    public async Task An_event_is_published_to_the_sidecar_as_our_own_cloud_event_with_its_id()
    {
        // A generous deadline: the first call also opens the HTTP/2 connection, on a busy CI machine.
        using var host = PublisherHost("00:00:10");
        var transport = host.Services.GetRequiredService<IEventTransport>();
        Assert.IsType<DaprEventTransport>(transport);
        var envelope = NewEvent();

        await transport.PublishAsync(envelope, CancellationToken.None);

        var request = Assert.Single(_received);
        Assert.Equal("pubsub", request.PubsubName);
        Assert.Equal(MeasurementRecorded.Topic, request.Topic);
        Assert.Equal(CloudEventEnvelope.ContentType, request.DataContentType);
        var sent = CloudEventEnvelope.FromJson(request.Data.ToStringUtf8());
        Assert.Equal(envelope.Id, sent.Id);
        Assert.Equal(envelope.Type, sent.Type);
        Assert.NotNull(envelope.TraceParent);
        Assert.Equal(envelope.TraceParent, sent.TraceParent);
        Assert.Equal(new MeasurementRecorded("KPI-07", 42.5m), sent.GetData<MeasurementRecorded>());
    }

    [Fact]
    public async Task A_sidecar_that_never_answers_fails_the_publish_within_the_deadline()
    {
        _sidecarHangs = true;
        using var host = PublisherHost("00:00:00.500");
        var transport = host.Services.GetRequiredService<IEventTransport>();

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => transport.PublishAsync(NewEvent(), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"publish gave up after {clock.Elapsed}, deadline 0.5 s");
    }
}

/// <summary>With the Dapr transport a service refuses to start without the sidecar's app API token, unless told it is a
/// local run; that permission itself is refused in Production.</summary>
public sealed class DaprAppTokenStartTests
{
    private static readonly int Database = RedisServer.Instance.TakeDatabase();

    private static WebApplication Build(string environment, params (string Key, string Value)[] extra)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
        builder.Configuration.AddInMemoryCollection(Settings(Database, transport: "dapr"));
        builder.Configuration.AddInMemoryCollection(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.Services.AddSingleton(new HandlerProbe());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCspRedis();
        builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>();
        var app = builder.Build();
        return app;
    }

    [Fact]
    public async Task Without_an_app_token_the_service_refuses_to_start()
    {
        await using var app = Build("Production");
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(failure.Failures, f => f.Contains("APP_API_TOKEN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Allowing_deliveries_without_a_token_is_refused_in_production()
    {
        await using var app = Build("Production", ("EventBus:Dapr:AllowDeliveriesWithoutToken", "true"));
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(failure.Failures, f => f.Contains("refused in Production", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_local_dapr_run_may_start_without_a_token_when_it_says_so()
    {
        await using var app = Build("Development", ("EventBus:Dapr:AllowDeliveriesWithoutToken", "true"));
        app.MapEventBusEndpoints();
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dapr/subscribe")).StatusCode);
        await app.StopAsync();
    }
}

/// <summary>In Redis mode the subscriber pulls from streams: no push endpoints exist for anyone to call.</summary>
public sealed class RedisModeEndpointTests
{
    private static readonly int Database = RedisServer.Instance.TakeDatabase();

    [Fact]
    public async Task With_the_redis_transport_no_dapr_endpoints_are_mapped()
    {
        var port = FreePort.Next();
        var topic = MeasurementRecorded.Topic;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration.AddInMemoryCollection(Settings(Database));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.Services.AddSingleton(new HandlerProbe());
        builder.AddCspRedis();
        builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>();
        await using var app = builder.Build();
        app.MapEventBusEndpoints();
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var subscribe = await client.GetAsync("/dapr/subscribe");
        using var deliver = await client.PostAsync($"/events/{topic}", new StringContent(AsJson(NewEvent()), Encoding.UTF8, CloudEventEnvelope.ContentType));

        Assert.Equal(HttpStatusCode.NotFound, subscribe.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deliver.StatusCode);
        await app.StopAsync();
    }

    private static string AsJson(CloudEventEnvelope envelope) => envelope.ToJson();
}
