using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Csp.TestSupport;

/// <summary>
/// Real Redis for a test assembly, started once (a static instance) on private loopback ports: one redis-server, or, with
/// <c>CSP_TEST_REDIS=cluster</c>, a Redis Cluster of three masters (<c>--cluster-enabled yes</c>, then
/// <c>redis-cli --cluster create</c>). On one server each test class takes its own logical database with
/// <see cref="TakeDatabase"/>, flushed first. A cluster has only database 0, so a suite that must run on both takes a
/// <see cref="TakeKeyspace">keyspace</see>: its own key prefix (and, on one server, its own database too).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The environment variable that chooses the topology: unset or <c>single</c>, or <c>cluster</c>.</summary>
    public const string TopologyVariable = "CSP_TEST_REDIS";

    private static readonly Lazy<RedisServer> Shared = new(() => new RedisServer(
        string.Equals(Environment.GetEnvironmentVariable(TopologyVariable), "cluster", StringComparison.OrdinalIgnoreCase)));
    private static int _nextDatabase;
    private static int _nextPrefix;
    private readonly List<Process> _processes = [];

    public static RedisServer Instance => Shared.Value;

    /// <summary>True when the tests run against a Redis Cluster.</summary>
    public bool IsCluster { get; }

    /// <summary>The port of the (first) server.</summary>
    public int Port => Ports[0];

    public IReadOnlyList<int> Ports { get; }
    public string Configuration => string.Join(",", Ports.Select(p => $"127.0.0.1:{p}")) + ",allowAdmin=true";
    public ConnectionMultiplexer Connection { get; }

    private RedisServer(bool cluster)
    {
        IsCluster = cluster;
        var exe = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run `make test`, which installs it (apt-get install redis-server).");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
        Ports = Enumerable.Range(0, cluster ? 3 : 1).Select(_ => cluster ? FreePort.ForClusterNode() : FreePort.Next()).ToList();
        foreach (var port in Ports)
        {
            var dir = Directory.CreateTempSubdirectory("csp-redis-").FullName;
            var args = $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no --dir {dir} --protected-mode yes "
                + (cluster ? "--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000" : "--databases 256");
            _processes.Add(StartProcess(exe, args));
        }
        foreach (var port in Ports) WaitForPing(port);
        if (cluster) CreateCluster();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                Connection = ConnectionMultiplexer.Connect($"{Configuration},connectTimeout=500");
                if (Connection.IsConnected && (!cluster || Connection.GetServers().Count(s => s.IsConnected) == Ports.Count)) break;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Redis did not start on ports {string.Join(", ", Ports)}");
            Thread.Sleep(100);
        }
    }

    private static Process StartProcess(string exe, string args)
    {
        var process = Process.Start(new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"could not start {exe}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string RedisCli(string args, int timeoutSeconds = 30)
    {
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start redis-cli");
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        if (!cli.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            cli.Kill();
            throw new TimeoutException($"redis-cli {args} did not finish");
        }
        return output.Result + error.Result;
    }

    private static void WaitForPing(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!RedisCli($"-p {port} ping", 5).Contains("PONG", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server did not start on port {port}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Three masters, no replicas; waits until every node sees all 16384 slots served.</summary>
    private void CreateCluster()
    {
        var nodes = string.Join(" ", Ports.Select(p => $"127.0.0.1:{p}"));
        var created = RedisCli($"--cluster create {nodes} --cluster-replicas 0 --cluster-yes", 60);
        if (!created.Contains("All 16384 slots covered", StringComparison.Ordinal))
            throw new InvalidOperationException("redis-cli --cluster create failed: " + created);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Ports.All(p => RedisCli($"-p {p} cluster info", 5).Contains("cluster_state:ok", StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the Redis Cluster did not reach cluster_state:ok");
            Thread.Sleep(100);
        }
    }

    /// <summary>A fresh logical database for one test class (one server only: a cluster has database 0 alone).</summary>
    public int TakeDatabase()
    {
        if (IsCluster)
            throw new InvalidOperationException($"{TopologyVariable}=cluster: a Redis Cluster has only database 0; take a keyspace (TakeKeyspace) instead.");
        var db = Interlocked.Increment(ref _nextDatabase);
        if (db > 255) throw new InvalidOperationException("more than 255 test classes use Redis: raise --databases");
        Connection.GetDatabase(db).Execute("FLUSHDB");
        return db;
    }

    /// <summary>
    /// Keys of one test class on either topology: its own key prefix (<c>t{n}:</c>, no braces, so the keys' own hash
    /// tags still choose their slot), and on one server its own fresh database as well.
    /// </summary>
    public TestKeyspace TakeKeyspace()
    {
        var prefix = $"t{Interlocked.Increment(ref _nextPrefix)}:";
        return new TestKeyspace(this, IsCluster ? 0 : TakeDatabase(), prefix);
    }

    private void Kill()
    {
        foreach (var process in _processes)
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    public ValueTask DisposeAsync()
    {
        Connection.Dispose();
        Kill();
        return ValueTask.CompletedTask;
    }
}

/// <summary>One test class's part of the test Redis: a database and a key prefix (see <see cref="RedisServer.TakeKeyspace"/>).</summary>
public sealed record TestKeyspace(RedisServer Server, int Database, string KeyPrefix)
{
    /// <summary>The database as the services see it: every key under <see cref="KeyPrefix"/>.</summary>
    public IDatabase Redis => Server.Connection.GetDatabase(Database).WithKeyPrefix(KeyPrefix);

    /// <summary>Every key of this keyspace, with the prefix, on every master (a cluster's keys are spread over its nodes).</summary>
    public async Task<IReadOnlyList<string>> AllKeysAsync()
    {
        var keys = new List<string>();
        foreach (var server in Server.Connection.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            await foreach (var key in server.KeysAsync(Database, KeyPrefix + "*", pageSize: 1000))
                keys.Add(key!);
        return keys;
    }

    /// <summary>Every key of the database, on every master, whatever its prefix.</summary>
    public async Task<IReadOnlyList<string>> AllKeysInDatabaseAsync()
    {
        var keys = new List<string>();
        foreach (var server in Server.Connection.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            await foreach (var key in server.KeysAsync(Database, "*", pageSize: 1000))
                keys.Add(key!);
        return keys;
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

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A free port below the ephemeral range whose cluster bus port (port + 10000) is free too.</summary>
    public static int ForClusterNode()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 30000);
            if (IsFree(port) && IsFree(port + 10000) && Claim(port) && Claim(port + 10000)) return port;
        }
        throw new InvalidOperationException("no free port pair for a Redis Cluster node");
    }

    /// <summary>
    /// A free port for a process started later (a separate OS process binds it, not this one). A port from
    /// <see cref="Next"/> is in the ephemeral range, where the kernel may give it to an outgoing connection before the
    /// process binds it ("address already in use"); this one is below that range, and never handed out twice in a run.
    /// </summary>
    public static int ForProcess()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 30000);
            if (IsFree(port) && Claim(port)) return port;
        }
        throw new InvalidOperationException("no free port below the ephemeral range");
    }

    private static bool Claim(int port)
    {
        lock (HandedOut) return HandedOut.Add(port);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
