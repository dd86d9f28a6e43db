using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Csp.TestSupport;

/// <summary>
/// A logger provider that keeps what an in-process host logs, with the trace and span ids in force when each line was
/// written (what the JSON console writes as the line's scope). Pass it to <see cref="RunningApp.StartAsync"/>.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, string? TraceId, string? SpanId);

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyCollection<Entry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var activity = Activity.Current;
            entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), activity?.TraceId.ToHexString(), activity?.SpanId.ToHexString()));
        }
    }
}
