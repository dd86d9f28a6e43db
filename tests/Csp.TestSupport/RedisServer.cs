using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Csp.TestSupport;

/// <summary>
/// A real redis-server process on a private loopback port, one per test assembly (xunit collection fixture or a static
/// instance). Each test class takes its own logical database with <see cref="TakeDatabase"/>, flushed first.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly Lazy<RedisServer> Shared = new(() => new RedisServer());
    private static int _nextDatabase;
    private readonly Process _process;

    public static RedisServer Instance => Shared.Value;

    public int Port { get; }
    public string Configuration => $"127.0.0.1:{Port},allowAdmin=true";
    public ConnectionMultiplexer Connection { get; }

    private RedisServer()
    {
        var exe = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run `make test`, which installs it (apt-get install redis-server).");
        Port = FreePort.Next();
        var dir = Directory.CreateTempSubdirectory("csp-redis-").FullName;
        _process = Process.Start(new ProcessStartInfo(exe,
            $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --databases 256 --dir {dir} --protected-mode yes")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                Connection = ConnectionMultiplexer.Connect($"{Configuration},connectTimeout=500");
                if (Connection.IsConnected) break;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server did not start on port {Port}");
            Thread.Sleep(100);
        }
    }

    /// <summary>A fresh logical database for one test class.</summary>
    public int TakeDatabase()
    {
        var db = Interlocked.Increment(ref _nextDatabase);
        if (db > 255) throw new InvalidOperationException("more than 255 test classes use Redis: raise --databases");
        Connection.GetDatabase(db).Execute("FLUSHDB");
        return db;
    }

    private void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    public ValueTask DisposeAsync()
    {
        Connection.Dispose();
        Kill();
        return ValueTask.CompletedTask;
    }
}

public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
