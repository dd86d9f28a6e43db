namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// The correlation id of the work in progress. Set from the <c>X-Correlation-Id</c> header for HTTP and gRPC calls and
/// from the <c>correlationid</c> CloudEvents attribute for events; copied onto outgoing calls and published events.
/// </summary>
public static class CorrelationContext
{
    public const string HeaderName = "X-Correlation-Id";
    public const string LogScopeKey = "CorrelationId";

    private static readonly AsyncLocal<string?> CurrentId = new();

    public static string? Current => CurrentId.Value;

    public static string NewId() => Guid.NewGuid().ToString("n");

    /// <summary>Sets the id for the current async flow; dispose to restore the previous one.</summary>
    public static IDisposable Begin(string? correlationId)
    {
        var previous = CurrentId.Value;
        CurrentId.Value = string.IsNullOrWhiteSpace(correlationId) || correlationId.Length > 128 ? NewId() : correlationId;
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => CurrentId.Value = previous;
    }
}
