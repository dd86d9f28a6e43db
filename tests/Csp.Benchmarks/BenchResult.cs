/// <summary>One measured scenario: how many requests ran, how many failed, throughput and latency percentiles (ms).</summary>
internal sealed record Result(string Name, int Count, int Errors, double PerSecond, double P50, double P95, double P99);
