using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Csp.EndToEnd.Tests;

/// <summary>
/// What must never happen anywhere in the platform while the end-to-end tests run, kept so that a test fails when it does
/// even if the request that caused it looked fine to the caller: a Redis command across hash slots (a real cluster
/// answers <c>CROSSSLOT</c>; StackExchange.Redis refuses a transaction across slots before sending it), and a 5xx from a
/// service (or a 500/502 from the gateway; its 503 for a service that is not running is expected).
/// </summary>
public sealed class PlatformFaults : ILoggerProvider
{
    private static readonly string[] CrossSlotSigns = ["CROSSSLOT", "must involve a single slot"];
    private readonly ConcurrentQueue<string> _faults = new();

    public IReadOnlyCollection<string> Faults => _faults.ToArray();

    /// <summary>Wraps an app's build so that the app reports its faults here.</summary>
    public Func<string[], Action<WebApplicationBuilder>, WebApplication> Watch(string name,
        Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, Func<int, bool> isFault) =>
        (args, configure) => build(args, builder =>
        {
            configure(builder);
            Watch(name, builder, isFault);
        });

    public void Watch(string name, WebApplicationBuilder builder, Func<int, bool> isFault)
    {
        builder.Services.AddSingleton<ILoggerProvider>(this);
        builder.Services.AddSingleton<IStartupFilter>(new StatusWatch(name, isFault, _faults));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _faults);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> faults) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception) + " " + exception;
            if (CrossSlotSigns.Any(sign => text.Contains(sign, StringComparison.OrdinalIgnoreCase)))
                faults.Enqueue($"{category}: {text}");
        }
    }

    private sealed class StatusWatch(string name, Func<int, bool> isFault, ConcurrentQueue<string> faults) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                try
                {
                    await nextMiddleware(context);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
                {
                    faults.Enqueue($"{name}: {context.Request.Method} {context.Request.Path} threw {ex}");
                    throw;
                }
                if (isFault(context.Response.StatusCode))
                    faults.Enqueue($"{name}: {context.Request.Method} {context.Request.Path} answered {context.Response.StatusCode}");
            });
            next(app);
        };
    }
}
