using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Gateway;
using Csp.Kpi;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Csp.EndToEnd.Tests;

/// <summary>
/// The KPI service on a keyspace of the real test Redis, with one published and one unpublished KPI of Medway, measured.
/// Each test puts a real gateway of its own in front (its own rate-limit buckets).
/// </summary>
public sealed class PublicScorecardPlatform : IAsyncLifetime
{
    public const string PublishedCode = "asb-public";
    public const string UnpublishedCode = "covert-hours";

    public RunningApp Kpi { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var keyspace = RedisServer.Instance.TakeKeyspace();
        var settings = TestRedis.ServiceSettings(keyspace);
        settings["Kpi:ActionPlanGrpc"] = $"http://127.0.0.1:{FreePort.Next()}"; // the partnership comes from its event below
        Kpi = await RunningApp.StartAsync(KpiApp.Build, settings);

        var change = new PartnershipChanged("medway", "Medway CSP", [new PartnershipAgency("kent-police", "Kent Police", true)], 1);
        await keyspace.Redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", RedisStreamsTransport.EventField,
            CloudEventEnvelope.Create(change, "/csp/actionplan", "medway", null, DateTimeOffset.UtcNow).ToJson());
        await Drained.ConsumerGroupAsync(keyspace.Redis, PartnershipChanged.Topic, KpiApp.ServiceName);

        using var manager = Kpi.Client(TestUser.Manager());
        await DefineAndMeasureAsync(manager, PublishedCode, "ASB incidents", published: true, 987654m, "shown to residents");
        await DefineAndMeasureAsync(manager, UnpublishedCode, "Covert tasking hours", published: false, 123457m, "internal note: ask DS Jones");
    }

    private static async Task DefineAndMeasureAsync(HttpClient manager, string code, string title, bool published, decimal value, string note)
    {
        var kpi = new JsonObject
        {
            ["code"] = code, ["title"] = title, ["counting"] = $"{title} in Medway, by financial quarter.", ["priorityId"] = "asb",
            ["owningAgencyId"] = "kent-police", ["dataSource"] = "Kent Police records", ["publicationLagDays"] = 60, ["unit"] = "count",
            ["polarity"] = "lower-is-better", ["frequency"] = "quarterly", ["target"] = new JsonObject { ["value"] = 1000 }, ["published"] = published,
        };
        (await manager.PostAsJsonAsync("/api/partnerships/medway/kpis", kpi)).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/partnerships/medway/kpis/{code}/measurements", new { period = "2023-Q1", value, note })).EnsureSuccessStatusCode();
    }

    /// <summary>The real gateway in front of the KPI service (the other clusters point where nothing listens).</summary>
    public async Task<WebApplication> StartGatewayAsync(Uri address, int anonymousPermitsPerMinute)
    {
        var gateway = GatewayApp.Build(["--environment=Testing"], builder =>
        {
            builder.WebHost.UseUrls(address.ToString().TrimEnd('/'));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["Ports:Management"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ReverseProxy:Clusters:risk:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ReverseProxy:Clusters:funding:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = Kpi.BaseAddress.ToString(),
                ["RateLimiting:AnonymousPermitsPerMinute"] = anonymousPermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await gateway.StartAsync();
        return gateway;
    }

    public async Task DisposeAsync() => await Kpi.DisposeAsync();
}

/// <summary><c>GET /public/partnerships/{p}/scorecard</c> through the real gateway, without signing in (issue 9).</summary>
public sealed class PublicScorecardThroughTheGatewayTests(PublicScorecardPlatform platform) : IClassFixture<PublicScorecardPlatform>
{
    private const string Page = "/public/partnerships/medway/scorecard";

    [Fact]
    public async Task Anyone_reads_the_published_KPIs_without_signing_in_and_an_unpublished_KPI_never_appears()
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var gateway = await platform.StartGatewayAsync(address, anonymousPermitsPerMinute: 120);
        using var anonymous = new HttpClient { BaseAddress = address };

        var response = await anonymous.GetAsync(Page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var kpis = JsonNode.Parse(text)!["priorities"]!.AsArray().SelectMany(p => p!["kpis"]!.AsArray()).ToList();
        Assert.Equal([PublicScorecardPlatform.PublishedCode], kpis.Select(k => k!["code"]!.GetValue<string>()));
        Assert.Equal(987654m, kpis[0]!["value"]!.GetValue<decimal>());
        foreach (var hidden in new[] { PublicScorecardPlatform.UnpublishedCode, "Covert tasking", "123457", "123,457", "internal note", "shown to residents", "mgr.medway", "submitted" })
            Assert.DoesNotContain(hidden, text, StringComparison.OrdinalIgnoreCase);
        // The members' scorecard on the same gateway still needs a token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/partnerships/medway/kpis/scorecard")).StatusCode);
    }

    [Fact]
    public async Task The_page_carries_its_ETag_and_Cache_Control_through_the_gateway_and_a_repeat_is_304()
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var gateway = await platform.StartGatewayAsync(address, anonymousPermitsPerMinute: 120);
        using var anonymous = new HttpClient { BaseAddress = address };

        var first = await anonymous.GetAsync(Page);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(300), first.Headers.CacheControl.MaxAge);

        using var repeat = new HttpRequestMessage(HttpMethod.Get, Page);
        repeat.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var notModified = await anonymous.SendAsync(repeat);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_anonymous_caller_over_the_limit_gets_429_with_Retry_After_from_the_gateway()
    {
        const int permits = 3;
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var gateway = await platform.StartGatewayAsync(address, anonymousPermitsPerMinute: permits);
        using var anonymous = new HttpClient { BaseAddress = address };

        for (var i = 0; i < permits; i++)
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(Page)).StatusCode);
        var refused = await anonymous.GetAsync(Page);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }
}
