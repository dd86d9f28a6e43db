using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Csp.Faults.Tests.Support;

/// <summary>
/// Concurrent clients writing through one address (the gateway or a service): each creates an action (manager) and then
/// completes it (Kent Police partner), and first completes any action handed to it in <see cref="Preexisting"/>. Every
/// request is counted as sent; a 2xx answer as acknowledged, with the action id it acknowledged. Failures (connection
/// refused, 5xx) are only counted: no retry, so what is acknowledged is exactly what a caller was told had happened.
/// Bounded: each worker stops after <c>iterations</c> rounds or when the deadline passes.
/// </summary>
public sealed class WriteLoad(Uri address, int workers, int iterations, TimeSpan deadline)
{
    public ConcurrentQueue<long> Preexisting { get; } = new();
    public ConcurrentBag<long> AcknowledgedCreates { get; } = [];
    public ConcurrentBag<long> AcknowledgedCompletions { get; } = [];
    public ConcurrentDictionary<string, int> Statuses { get; } = new();
    private int _sent;
    public int Sent => _sent;
    public int Acknowledged => AcknowledgedCreates.Count + AcknowledgedCompletions.Count;

    /// <summary>Waits (polling) until <paramref name="condition"/> holds or the load <paramref name="running"/> has ended.</summary>
    public static async Task UntilAsync(Func<bool> condition, Task running)
    {
        while (!condition() && !running.IsCompleted) await Task.Delay(20);
    }

    /// <summary>Waits until <paramref name="requests"/> more requests have been sent (for example while a process is down,
    /// so that writes really arrive meanwhile), or the load <paramref name="running"/> has ended.</summary>
    public Task SentMoreAsync(int requests, Task running)
    {
        var target = Sent + requests;
        return UntilAsync(() => Sent >= target, running);
    }

    public async Task RunAsync(string titlePrefix, CancellationToken stop = default)
    {
        var until = DateTime.UtcNow + deadline;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, titlePrefix, until, stop))));
    }

    private async Task WorkerAsync(int worker, string titlePrefix, DateTime until, CancellationToken stop)
    {
        using var manager = FaultPlatform.Client(address, FaultPlatform.Manager);
        using var police = FaultPlatform.Client(address, FaultPlatform.Police);
        for (var i = 0; i < iterations && DateTime.UtcNow < until && !stop.IsCancellationRequested; i++)
        {
            if (Preexisting.TryDequeue(out var linked)) await CompleteAsync(police, linked);
            var created = await SendAsync(() => manager.PostAsJsonAsync(FaultPlatform.Actions, FaultPlatform.ActionBody($"{titlePrefix} w{worker} #{i}")));
            if (created is null) continue;
            var id = (long)JsonNode.Parse(created)!["id"]!;
            AcknowledgedCreates.Add(id);
            await CompleteAsync(police, id);
        }
    }

    private async Task CompleteAsync(HttpClient police, long id)
    {
        if (await SendAsync(() => police.PostAsJsonAsync($"{FaultPlatform.Actions}/{id}/updates", FaultPlatform.Completion)) is not null)
            AcknowledgedCompletions.Add(id);
    }

    /// <returns>The body of a 2xx answer; null for anything else.</returns>
    private async Task<string?> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        Interlocked.Increment(ref _sent);
        try
        {
            using var response = await send();
            Statuses.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            if (response.IsSuccessStatusCode) return await response.Content.ReadAsStringAsync();
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout) await Task.Delay(200);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            Statuses.AddOrUpdate("no answer", 1, (_, n) => n + 1);
            await Task.Delay(200);
            return null;
        }
    }
}
