using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Csp.TestSupport;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of the test Redis that can lose a reply the way a network or an overloaded Redis
/// does: every command reaches Redis and runs (a transaction commits), but once a command carrying a marker has gone
/// through, Redis's replies on that connection are held back until <see cref="Release"/>. A client whose time-out is
/// shorter than the hold sees a time-out after the commit: the outcome it cannot know. Nothing is mocked: real bytes, real
/// Redis, the real client library.
/// </summary>
public sealed class RedisReplyHold : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly object _gate = new();
    private byte[]? _marker;
    private TaskCompletionSource _released = CompletedSource();

    public RedisReplyHold(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a command carrying the armed marker has been passed to Redis (and its replies are held).</summary>
    public TaskCompletionSource Holding { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Holds the replies on the connection that next sends <paramref name="marker"/> (once).</summary>
    public void HoldRepliesAfter(string marker)
    {
        lock (_gate)
        {
            _marker = Encoding.UTF8.GetBytes(marker);
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets the held replies (and everything after them) through.</summary>
    public void Release()
    {
        lock (_gate) _released.TrySetResult();
    }

    private static TaskCompletionSource CompletedSource()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            var server = new TcpClient();
            try { await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException) { client.Dispose(); server.Dispose(); continue; }
            lock (_connections) _connections.AddRange([client, server]);
            var hold = new ConnectionHold();
            _ = PumpRequestsAsync(client.GetStream(), server.GetStream(), hold);
            _ = PumpRepliesAsync(server.GetStream(), client.GetStream(), hold);
        }
    }

    private sealed class ConnectionHold
    {
        public volatile Task? Until;
    }

    private async Task PumpRequestsAsync(NetworkStream from, NetworkStream to, ConnectionHold hold)
    {
        var buffer = new byte[64 * 1024];
        var tail = Array.Empty<byte>();
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                lock (_gate)
                {
                    if (_marker is { } marker)
                    {
                        var window = tail.Concat(buffer.Take(read)).ToArray();
                        if (window.AsSpan().IndexOf(marker) >= 0)
                        {
                            hold.Until = _released.Task;
                            _marker = null;
                            Holding.TrySetResult();
                        }
                        tail = window[Math.Max(0, window.Length - marker.Length)..];
                    }
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            try { to.Socket.Shutdown(SocketShutdown.Send); } catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        }
    }

    private async Task PumpRepliesAsync(NetworkStream from, NetworkStream to, ConnectionHold hold)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (hold.Until is { } until)
                {
                    await until.WaitAsync(_stop.Token);
                    hold.Until = null;
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    public ValueTask DisposeAsync()
    {
        Release();
        _stop.Cancel();
        _listener.Stop();
        lock (_connections) foreach (var c in _connections) c.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
