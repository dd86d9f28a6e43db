using System.Reflection;
using System.Runtime.ExceptionServices;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// The process's multiplexer with <see cref="RedisOptions.KeyPrefix"/> applied once: every database it hands out
/// (<c>GetDatabase</c>, whoever calls it: stores, outbox, event bus, health check) is StackExchange.Redis's
/// <c>WithKeyPrefix</c> view, which prefixes keys in commands, transactions, their conditions and batches alike.
/// Everything else is the real multiplexer. Server-level commands (<c>GetServer().Keys</c>) are not prefixed.
/// </summary>
public class KeyPrefixedMultiplexer : DispatchProxy
{
    private IConnectionMultiplexer _inner = null!;
    private RedisKey _prefix;

    public static IConnectionMultiplexer Wrap(IConnectionMultiplexer inner, string prefix)
    {
        if (string.IsNullOrEmpty(prefix)) return inner;
        if (prefix.Contains('{') || prefix.Contains('}')) throw new ArgumentException("A key prefix must not contain '{' or '}'.", nameof(prefix));
        var proxy = Create<IConnectionMultiplexer, KeyPrefixedMultiplexer>();
        var self = (KeyPrefixedMultiplexer)(object)proxy;
        self._inner = inner;
        self._prefix = prefix;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
        return targetMethod.Name == nameof(IConnectionMultiplexer.GetDatabase) && result is IDatabase database
            ? database.WithKeyPrefix(_prefix)
            : result;
    }
}
