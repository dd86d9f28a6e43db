using System.Globalization;
using System.Text.Json.Nodes;

namespace Csp.Observability.Tests;

/// <summary>Prometheus's HTTP API (/api/v1/query, /api/v1/rules): an instant query's samples, or its error.</summary>
public sealed class PrometheusApi(Uri address) : IDisposable
{
    private readonly HttpClient _client = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>The samples of an instant query (labels, value), or the error Prometheus gave.</summary>
    public async Task<(List<(JsonObject Labels, double Value)> Samples, string? Error)> QueryAsync(string promql)
    {
        using var response = await _client.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if ((string?)body["status"] != "success") return ([], $"{(int)response.StatusCode} {body["errorType"]}: {body["error"]}");
        var data = body["data"]!;
        var samples = (string)data["resultType"]! switch
        {
            "vector" => data["result"]!.AsArray().Select(r => ((JsonObject)r!["metric"]!, Parse(r["value"]![1]!))).ToList(),
            "scalar" => [(new JsonObject(), Parse(data["result"]![1]!))],
            var other => throw new InvalidOperationException($"unexpected result type {other} for {promql}"),
        };
        return (samples, null);
    }

    public async Task<JsonNode> RulesAsync() => JsonNode.Parse(await _client.GetStringAsync("/api/v1/rules"))!["data"]!;

    private static double Parse(JsonNode value) => (string)value! switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    public void Dispose() => _client.Dispose();
}
