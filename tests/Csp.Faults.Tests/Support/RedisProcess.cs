using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Csp.Faults.Tests.Support;

/// <summary>
/// The suite's own Redis on free loopback ports, with AOF on and fsynced on every write (<c>--appendonly yes
/// --appendfsync always</c>), so an acknowledged write survives SIGKILL. One redis-server, or with
/// <c>CSP_TEST_REDIS=cluster</c> (<see cref="Csp.TestSupport.RedisServer.TopologyVariable"/>) a Redis Cluster of three
/// masters (<c>--cluster-enabled yes --cluster-config-file nodes.conf</c>, each node in its own directory, created with
/// <c>redis-cli --cluster create ... --cluster-replicas 0</c>). Killed and started again on the same ports and
/// directories, every node reloads what it acknowledged and, from its <c>nodes.conf</c>, its place in the cluster.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly List<OsProcess> _nodes = [];
    private bool _clusterCreated;

    public RedisProcess(string workDirectory)
    {
        var exe = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run `make test-faults`, whose CI script installs it (apt-get install redis-server).");
        IsCluster = string.Equals(Environment.GetEnvironmentVariable(Csp.TestSupport.RedisServer.TopologyVariable), "cluster", StringComparison.OrdinalIgnoreCase);
        Ports = Enumerable.Range(0, IsCluster ? 3 : 1)
            .Select(_ => IsCluster ? Csp.TestSupport.FreePort.ForClusterNode() : Csp.TestSupport.FreePort.ForProcess()).ToList();
        for (var i = 0; i < Ports.Count; i++)
        {
            var name = IsCluster ? $"redis-{i + 1}" : "redis";
            var dir = Directory.CreateDirectory(Path.Combine(workDirectory, name)).FullName;
            List<string> arguments =
            [
                "--port", Ports[i].ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes",
                "--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            ];
            if (IsCluster) arguments.AddRange(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"]);
            _nodes.Add(new OsProcess(name, exe, arguments, dir, new Dictionary<string, string>(), workDirectory));
        }
    }

    /// <summary>True on a Redis Cluster of three masters (<c>CSP_TEST_REDIS=cluster</c>).</summary>
    public bool IsCluster { get; }

    public IReadOnlyList<int> Ports { get; }

    /// <summary>What the services are given: the address, or on a cluster every master's address, comma-separated (their
    /// own client options apply).</summary>
    public string Address => string.Join(",", Ports.Select(p => $"127.0.0.1:{p}"));

    public ConnectionMultiplexer? Connection { get; private set; }

    public IDatabase Db => (Connection ?? throw new InvalidOperationException("Redis has not been started")).GetDatabase(0);

    /// <summary>Every master (one server, or the cluster's three), for reads that must see every key.</summary>
    public IEnumerable<IServer> Masters =>
        (Connection ?? throw new InvalidOperationException("Redis has not been started")).GetServers().Where(s => !s.IsReplica);

    /// <summary>Starts every node; the first time on a cluster, creates it. Returns once every node has loaded its AOF and,
    /// on a cluster, every node reports <c>cluster_state:ok</c>.</summary>
    public async Task StartAsync()
    {
        foreach (var node in _nodes) node.Start();
        if (IsCluster && !_clusterCreated)
        {
            foreach (var port in Ports) await WaitForPingAsync(port);
            var created = await RedisCliAsync($"--cluster create {Address.Replace(',', ' ')} --cluster-replicas 0 --cluster-yes", 60);
            if (!created.Contains("All 16384 slots covered", StringComparison.Ordinal))
                throw new InvalidOperationException("redis-cli --cluster create failed: " + created);
            _clusterCreated = true;
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                Connection ??= await ConnectionMultiplexer.ConnectAsync($"{Address},allowAdmin=true,abortConnect=false,connectTimeout=1000,syncTimeout=5000");
                // Loading the AOF answers LOADING; a plain PING to each node that succeeds means its data set is in memory.
                foreach (var port in Ports)
                {
                    var server = Connection.GetServer("127.0.0.1", port);
                    await server.PingAsync();
                    if (IsCluster && !((string?)await server.ExecuteAsync("CLUSTER", "INFO") ?? "").Contains("cluster_state:ok", StringComparison.Ordinal))
                        throw new RedisException($"the cluster node on {port} is not yet cluster_state:ok");
                }
                if (IsCluster && Connection.GetServers().Count(s => s.IsConnected && !s.IsReplica) < Ports.Count)
                    throw new RedisException("the client does not yet see every master");
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                throw new TimeoutException($"Redis did not answer on {Address}:\n{string.Join('\n', _nodes.Select(n => n.LogTail()))}", ex);
            }
        }
    }

    /// <summary><c>kill -9</c> of redis-server: of every node on a cluster (all masters at once).</summary>
    public void KillHard()
    {
        foreach (var node in _nodes) node.KillHard();
    }

    public void Dispose()
    {
        Connection?.Dispose();
        foreach (var node in _nodes) node.Dispose();
    }

    private static async Task WaitForPingAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await RedisCliAsync($"-p {port} ping", 5)).Contains("PONG", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server did not start on port {port}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> RedisCliAsync(string args, int timeoutSeconds)
    {
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start redis-cli");
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await cli.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            cli.Kill();
            throw new TimeoutException($"redis-cli {args} did not finish");
        }
        return await output + await error;
    }
}
