using Csp.TestSupport;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Csp.Faults.Tests.Support;
using Xunit.Abstractions;
using Family = Csp.Faults.Tests.Support.HostileRequests.Family;

namespace Csp.Faults.Tests;

/// <summary>
/// Thousands of generated malformed requests (see <see cref="HostileRequests"/>; fixed seeds, so a failure names a request
/// the same seed makes again) straight to each service's REST port and through the gateway. No answer is a 5xx, and
/// the stored data (every key, every value) is the same afterwards as before: nothing is stored from a rejected request.
/// </summary>
public class HostileInputTests(ITestOutputHelper output)
{
    private const int PerService = 2_500;
    private const int ThroughGateway = 5_500;
    private const int Concurrency = 8;
    private const int ServiceBodyLimit = 64 * 1024;

    [Fact]
    public Task Hostile_requests_straight_to_each_service_get_no_5xx_and_store_nothing() =>
        RunAsync("straight to each service", seed: 7_001, _ => true, platform =>
        [
            (platform.ActionPlanAddress, "action-plan", PerService, [Family.ActionPlan]),
            (platform.RiskAddress, "risk", PerService, [Family.Risk]),
        ]);

    /// <summary>The same generator through the gateway; the two kinds of request the gateway used to fail on (oversize
    /// bodies, 502; non-ASCII header values, 503) also have cases of their own below.</summary>
    [Fact]
    public Task Hostile_requests_through_the_gateway_get_no_5xx_and_store_nothing() =>
        RunAsync("through the gateway", seed: 7_002, _ => true, platform =>
            [
                (platform.GatewayAddress, "gateway", ThroughGateway, [Family.ActionPlan, Family.Risk]),
            ]);

    [Fact]
    public Task Oversize_bodies_through_the_gateway_get_413_not_502() =>
        RunAsync("oversize bodies through the gateway", seed: 7_003, IsOversize, platform =>
        [
            (platform.GatewayAddress, "gateway", 300, [Family.ActionPlan, Family.Risk]),
        ]);

    [Fact]
    public Task Non_ASCII_header_values_through_the_gateway_get_no_5xx() =>
        RunAsync("non-ASCII header values through the gateway", seed: 7_004, HasNonAsciiHeader, platform =>
        [
            (platform.GatewayAddress, "gateway", 100, [Family.ActionPlan, Family.Risk]),
        ]);

    private static bool IsOversize(HostileRequest request) => request.Body is { Length: > ServiceBodyLimit };

    private static bool HasNonAsciiHeader(HostileRequest request) => request.Headers.Any(h => h.Value.Any(c => c > 127));

    /// <param name="keep">Which generated requests this case sends; the generator runs until it has <c>Count</c> of them.</param>
    private async Task RunAsync(string route, int seed, Func<HostileRequest, bool> keep, Func<FaultPlatform, (Uri Address, string Name, int Count, Family[] Families)[]> targetsOf)
    {
        await using var platform = await FaultPlatform.StartAsync(output, "hostile");
        try
        {
            var (actionIds, riskIds) = await SeedAsync(platform);
            await Delivery.OutboxDrainedAsync(platform.Db, "actionplan", TimeSpan.FromSeconds(30));
            await Delivery.OutboxDrainedAsync(platform.Db, "risk", TimeSpan.FromSeconds(30));
            await Delivery.ConsumedAsync(platform.Db, "partnership.changed", "risk", TimeSpan.FromSeconds(30));
            // The risk service's first full partnership copy (a background pass after start) writes its marker; wait for
            // it, or the snapshot after the run sees it added.
            await Eventually.TrueAsync(async () => await platform.Db.KeyExistsAsync("risk:partnership-copy"),
                "the risk service completed its first partnership copy", TimeSpan.FromSeconds(60));
            var before = await StoredData.SnapshotAsync(platform.Redis.Connection!);

            var generator = new HostileRequests(seed, actionIds, riskIds, platform.ActionPlanGrpcPort, platform.RiskGrpcPort);
            var figures = new Figures($"Hostile input {route} (seed {seed})");
            var serverErrors = new ConcurrentQueue<string>();
            var noAnswer = new ConcurrentQueue<string>();
            var acceptedWrites = new ConcurrentQueue<string>();
            var serverErrorKinds = new ConcurrentDictionary<string, int>();
            var sent = 0;
            foreach (var (address, name, count, families) in targetsOf(platform))
            {
                var requests = new List<HostileRequest>();
                for (var generated = 0; requests.Count < count && generated < count * 100; generated++)
                    if (generator.Next(families) is var request && keep(request)) requests.Add(request);
                var statuses = new ConcurrentDictionary<string, int>();
                using var client = HostileClient(address);
                await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (request, _) =>
                {
                    var status = await SendAsync(client, request);
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    if (status.StartsWith('5'))
                    {
                        serverErrors.Enqueue($"{name} answered {status} to {request.Describe()}");
                        serverErrorKinds.AddOrUpdate($"{status} {request.Category}", 1, (_, n) => n + 1);
                    }
                    if (status == "no answer") noAnswer.Enqueue($"{name}: {request.Describe()}");
                    if (status.StartsWith('2') && request.Method != "GET") acceptedWrites.Enqueue($"{name} answered {status} to {request.Describe()}");
                });
                sent += requests.Count;
                figures.Add($"{name}: requests sent", requests.Count)
                    .Add($"{name}: by category", Figures.Histogram(requests.GroupBy(r => r.Category).Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))))
                    .Add($"{name}: status histogram", Figures.Histogram(statuses));
            }

            await Delivery.OutboxDrainedAsync(platform.Db, "actionplan", TimeSpan.FromSeconds(30));
            await Delivery.OutboxDrainedAsync(platform.Db, "risk", TimeSpan.FromSeconds(30));
            var after = await StoredData.SnapshotAsync(platform.Redis.Connection!);
            var changed = StoredData.Differences(before, after);
            var alive = new[] { platform.ActionPlan, platform.Risk, platform.Gateway }.Where(p => !p.IsRunning).Select(p => p.Name + " exited").ToList();

            figures.Add("hostile requests sent", sent)
                .Add("5xx answers", serverErrors.Count)
                .Add("5xx by status and category", serverErrorKinds.IsEmpty ? "-" : Figures.Histogram(serverErrorKinds))
                .Add("no answer (connection closed)", noAnswer.Count)
                .Add("keys before / after", $"{before.Count} / {after.Count}")
                .Add("writes answered 2xx", acceptedWrites.Count)
                .Add("keys added, removed or changed", changed.Count)
                .Report(output);
            foreach (var line in serverErrors.Take(25)) output.WriteLine("5xx: " + line);
            foreach (var line in noAnswer.Take(10)) output.WriteLine("no answer: " + line);
            foreach (var line in changed.Take(25)) output.WriteLine("stored: " + line);
            foreach (var line in acceptedWrites.Take(25)) output.WriteLine("write accepted: " + line);

            Assert.Empty(alive);
            Assert.True(serverErrors.IsEmpty, $"{serverErrors.Count} answers were 5xx; the first: {serverErrors.FirstOrDefault()}");
            Assert.Empty(changed);
            await platform.WaitReadyAsync(platform.ActionPlan, platform.ActionPlanAddress, TimeSpan.FromSeconds(10));
            await platform.WaitReadyAsync(platform.Risk, platform.RiskAddress, TimeSpan.FromSeconds(10));
        }
        catch
        {
            platform.DumpLogs();
            throw;
        }
    }

    /// <summary>A few actions and risks to aim at, so that requests with a defect reach real records.</summary>
    private static async Task<(long[] Actions, long[] Risks)> SeedAsync(FaultPlatform platform)
    {
        using var manager = FaultPlatform.Client(platform.ActionPlanAddress, FaultPlatform.Manager);
        using var riskManager = FaultPlatform.Client(platform.RiskAddress, FaultPlatform.Manager);
        var actions = new List<long>();
        var risks = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var action = await manager.PostAsJsonAsync(FaultPlatform.Actions, FaultPlatform.ActionBody($"Target action {i}"));
            action.EnsureSuccessStatusCode();
            actions.Add((long)JsonNode.Parse(await action.Content.ReadAsStringAsync())!["id"]!);
            var risk = await riskManager.PostAsJsonAsync(FaultPlatform.Risks, FaultPlatform.RiskBody($"Target risk {i}"));
            risk.EnsureSuccessStatusCode();
            risks.Add((long)JsonNode.Parse(await risk.Content.ReadAsStringAsync())!["id"]!);
        }
        // Ids that do not exist as well.
        return ([.. actions, 404_404], [.. risks, 404_404]);
    }

    private static HttpClient HostileClient(Uri address) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = Concurrency * 2,
        // Header values go out as UTF-8 bytes, whatever they hold.
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        MaxResponseHeadersLength = 256,
    })
    { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

    /// <returns>The status code, or "no answer" when the server closed the connection without one.</returns>
    private static async Task<string> SendAsync(HttpClient client, HostileRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path, UriKind.Relative));
        if (request.Authorization is not null) message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return "no answer";
        }
    }
}
