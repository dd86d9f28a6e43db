using StackExchange.Redis;

namespace Csp.Faults.Tests.Support;

/// <summary>
/// A redis-server of the suite's own on a free loopback port, with AOF on and fsynced on every write
/// (<c>--appendonly yes --appendfsync always</c>), so an acknowledged write survives SIGKILL. Killed and started again on the
/// same port and directory, it reloads what it acknowledged.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly OsProcess _process;

    public RedisProcess(string workDirectory)
    {
        var exe = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run `make test-faults`, whose CI script installs it (apt-get install redis-server).");
        Port = Csp.TestSupport.FreePort.Next();
        var dir = Directory.CreateDirectory(Path.Combine(workDirectory, "redis")).FullName;
        _process = new OsProcess("redis", exe,
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes",
             "--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            dir, new Dictionary<string, string>(), workDirectory);
    }

    public int Port { get; }

    /// <summary>What the services are given: the address only (their own client options apply).</summary>
    public string Address => $"127.0.0.1:{Port}";

    public ConnectionMultiplexer? Connection { get; private set; }

    public IDatabase Db => (Connection ?? throw new InvalidOperationException("Redis has not been started")).GetDatabase(0);

    public async Task StartAsync()
    {
        _process.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                Connection ??= await ConnectionMultiplexer.ConnectAsync($"{Address},allowAdmin=true,abortConnect=false,connectTimeout=1000,syncTimeout=5000");
                // Loading the AOF answers LOADING; a plain PING that succeeds means the data set is in memory.
                await Connection.GetDatabase(0).PingAsync();
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                throw new TimeoutException($"redis-server did not answer on {Address}:\n{_process.LogTail()}", ex);
            }
        }
    }

    /// <summary><c>kill -9</c> of redis-server.</summary>
    public void KillHard() => _process.KillHard();

    public void Dispose()
    {
        Connection?.Dispose();
        _process.Dispose();
    }
}
