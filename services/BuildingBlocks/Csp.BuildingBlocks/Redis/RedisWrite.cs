using System.Globalization;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// One write to one partnership's slot, recorded and then sent as ONE Lua script (one round trip, <c>EVALSHA</c>): the
/// script checks every condition first and, if one fails, returns which (nothing is written); otherwise it applies every
/// operation, in the order queued. Redis runs a script atomically, so nobody sees half of it.
/// <para>Why not a MULTI/EXEC transaction: StackExchange.Redis sends a transaction's conditions (WATCH and the checks)
/// first and waits for their replies before it sends MULTI/EXEC, holding the multiplexed connection meanwhile; under
/// concurrency every conditional write of the process queues behind those round trips. A script has no such wait.</para>
/// <para>A script is not rolled back either: an operation that fails half-way (WRONGTYPE on a later key) leaves the ones
/// before it applied. So before applying anything the script checks the type of every key an operation writes (a hash
/// for HSET, a list for RPUSH ..., an integer for INCRBY) and refuses the whole write with an error naming the key if one
/// does not fit; every other argument the operations take is made here, well-formed (no NaN scores, no explicit stream
/// ids). Redis also refuses a writing script before it starts when it is out of memory (the <c>#!lua</c> header).</para>
/// <para>Every key (conditions and operations) goes in KEYS and must carry the same hash tag: <see cref="ExecuteAsync"/>
/// refuses a write across slots before sending it (docs/architecture.md, "Writes across slots").</para>
/// </summary>
public sealed class RedisWrite
{
    /// <summary>At most this many arguments per queued command: Lua's <c>unpack</c> has a limit (about 8,000), so a long
    /// push or hash set is queued as several commands of one script (still atomic).</summary>
    private const int MaxArgsPerCommand = 1000;

    private readonly List<RedisKey> _keys = [];
    private readonly Dictionary<string, int> _keyIndex = new(StringComparer.Ordinal);
    private readonly List<WriteCondition> _conditions = [];
    private readonly List<Op> _ops = [];

    /// <summary>The condition that refused the last <see cref="ExecuteAsync"/>; null when it committed.</summary>
    public WriteCondition? Refused { get; private set; }

    public IReadOnlyList<WriteCondition> Conditions => _conditions;

    /// <summary>How many commands the script will apply (after splitting long ones).</summary>
    public int OperationCount => _ops.Count;

    /// <summary>Every key the write touches, conditions included.</summary>
    public IReadOnlyList<RedisKey> Keys => _keys;

    // Conditions

    /// <summary>The write is applied only if <paramref name="condition"/> holds when it runs.</summary>
    public RedisWrite AddCondition(WriteCondition condition)
    {
        Index(condition.Key);
        _conditions.Add(condition);
        return this;
    }

    // Operations (named as IDatabase's, without Async: nothing is returned, the script applies them all or none)

    public void HashSet(RedisKey key, RedisValue field, RedisValue value) => HashSet(key, [new HashEntry(field, value)]);

    public void HashSet(RedisKey key, HashEntry[] fields)
    {
        if (fields.Length == 0) return;
        foreach (var chunk in fields.Chunk(MaxArgsPerCommand / 2))
            Add("HSET", key, KeyType.Hash, chunk.SelectMany(f => new[] { f.Name, f.Value }).ToArray(), f => f.HashSetAsync(key, chunk));
    }

    public void SetAdd(RedisKey key, RedisValue member) => SetAdd(key, [member]);

    public void SetAdd(RedisKey key, RedisValue[] members) =>
        Variadic("SADD", key, KeyType.Set, members, (tx, chunk) => tx.SetAddAsync(key, chunk));

    public void SetRemove(RedisKey key, RedisValue member) => SetRemove(key, [member]);

    public void SetRemove(RedisKey key, RedisValue[] members) =>
        Variadic("SREM", key, KeyType.Set, members, (tx, chunk) => tx.SetRemoveAsync(key, chunk));

    public void SortedSetAdd(RedisKey key, RedisValue member, double score) => SortedSetAdd(key, [new SortedSetEntry(member, score)]);

    public void SortedSetAdd(RedisKey key, SortedSetEntry[] entries)
    {
        if (entries.Length == 0) return;
        if (entries.Any(e => double.IsNaN(e.Score))) throw new ArgumentException("A sorted set score must be a number.", nameof(entries));
        foreach (var chunk in entries.Chunk(MaxArgsPerCommand / 2))
            Add("ZADD", key, KeyType.SortedSet, chunk.SelectMany(e => new[] { Score(e.Score), e.Element }).ToArray(), tx => tx.SortedSetAddAsync(key, chunk));
    }

    public void SortedSetRemove(RedisKey key, RedisValue member) => SortedSetRemove(key, [member]);

    public void SortedSetRemove(RedisKey key, RedisValue[] members) =>
        Variadic("ZREM", key, KeyType.SortedSet, members, (tx, chunk) => tx.SortedSetRemoveAsync(key, chunk));

    public void ListRightPush(RedisKey key, RedisValue value) => ListRightPush(key, [value]);

    public void ListRightPush(RedisKey key, RedisValue[] values) =>
        Variadic("RPUSH", key, KeyType.List, values, (tx, chunk) => tx.ListRightPushAsync(key, chunk));

    public void StreamAdd(RedisKey key, RedisValue field, RedisValue value, int? maxLength = null) =>
        StreamAdd(key, [new NameValueEntry(field, value)], maxLength);

    /// <param name="maxLength">Trim to about this many entries (<c>MAXLEN ~</c>).</param>
    public void StreamAdd(RedisKey key, NameValueEntry[] fields, int? maxLength = null)
    {
        if (fields.Length == 0) throw new ArgumentException("A stream entry needs a field.", nameof(fields));
        var args = new List<RedisValue>(fields.Length * 2 + 4);
        if (maxLength is { } max) args.AddRange(["MAXLEN", "~", max]);
        args.Add("*");
        foreach (var f in fields) { args.Add(f.Name); args.Add(f.Value); }
        Add("XADD", key, KeyType.Stream, args.ToArray(), tx => tx.StreamAddAsync(key, fields, maxLength: maxLength, useApproximateMaxLength: maxLength is not null));
    }

    public void StringSet(RedisKey key, RedisValue value) => Add("SET", key, KeyType.Any, [value], tx => tx.StringSetAsync(key, value));

    public void StringIncrement(RedisKey key, long by = 1) => Add("INCRBY", key, KeyType.Integer, [by], tx => tx.StringIncrementAsync(key, by));

    public void KeyExpire(RedisKey key, TimeSpan expiry) =>
        Add("PEXPIRE", key, KeyType.Any, [(long)Math.Ceiling(expiry.TotalMilliseconds)], tx => tx.KeyExpireAsync(key, expiry));

    public void KeyDelete(RedisKey key) => Add("DEL", key, KeyType.Any, [], tx => tx.KeyDeleteAsync(key));

    /// <summary>Publishes on a channel when (and only if) the write is applied: subscribers are told after the data is there.</summary>
    public void Publish(RedisChannel channel, RedisValue message) =>
        _ops.Add(new Op("PUBLISH", 0, KeyType.Any, [channel.ToString(), message], tx => tx.PublishAsync(channel, message)));

    // Running it

    /// <summary>Runs the write as one script. False (and <see cref="Refused"/> set) when a condition did not hold: then
    /// nothing was written.</summary>
    /// <exception cref="InvalidOperationException">The keys are in more than one hash slot (nothing is sent).</exception>
    /// <exception cref="RedisServerException">A key an operation writes holds another type (nothing was written).</exception>
    public async Task<bool> ExecuteAsync(IDatabaseAsync db)
    {
        AssertOneSlot();
        var result = await db.ScriptEvaluateAsync(Script, [.. _keys], Arguments());
        var failed = (int)result;
        Refused = failed == 0 ? null : _conditions[failed - 1];
        return failed == 0;
    }

    /// <summary>Queues the same conditions and operations into a MULTI/EXEC transaction (the earlier way, kept for
    /// <see cref="RedisWriteMode.Transaction"/>: benchmarks compare the two).</summary>
    public void ApplyTo(ITransaction tx)
    {
        foreach (var c in _conditions) tx.AddCondition(c.ToCondition());
        foreach (var op in _ops) _ = op.Queue(tx);
    }

    /// <summary>The hash tag every key of the write shares (the text between the first <c>{</c> and the next <c>}</c>, or
    /// the whole key when it has none, as Redis Cluster computes slots).</summary>
    public static string HashTag(string key)
    {
        var open = key.IndexOf('{');
        if (open < 0) return key;
        var close = key.IndexOf('}', open + 1);
        return close > open + 1 ? key.Substring(open + 1, close - open - 1) : key;
    }

    /// <exception cref="InvalidOperationException">Two keys of the write have different hash tags.</exception>
    public void AssertOneSlot()
    {
        if (_keys.Count < 2) return;
        var tag = HashTag(_keys[0]!);
        foreach (var key in _keys)
            if (!string.Equals(HashTag(key!), tag, StringComparison.Ordinal))
                throw new InvalidOperationException($"A write must touch one hash slot: '{_keys[0]}' and '{key}' have different hash tags.");
    }

    private void Variadic(string command, RedisKey key, KeyType type, RedisValue[] values, Func<ITransaction, RedisValue[], Task> queue)
    {
        foreach (var chunk in values.Chunk(MaxArgsPerCommand))
            Add(command, key, type, chunk, tx => queue(tx, chunk));
    }

    private void Add(string command, RedisKey key, KeyType type, RedisValue[] args, Func<ITransaction, Task> queue) =>
        _ops.Add(new Op(command, Index(key), type, args, queue));

    private int Index(RedisKey key)
    {
        var name = (string)key!;
        if (_keyIndex.TryGetValue(name, out var i)) return i;
        _keys.Add(key);
        _keyIndex[name] = _keys.Count;
        return _keys.Count;
    }

    private static RedisValue Score(double score) =>
        double.IsPositiveInfinity(score) ? "+inf" : double.IsNegativeInfinity(score) ? "-inf" : score.ToString("R", CultureInfo.InvariantCulture);

    private RedisValue[] Arguments()
    {
        var args = new List<RedisValue>(4 + _conditions.Count * 4 + _ops.Count * 6);
        args.Add(_conditions.Count);
        foreach (var c in _conditions) { args.Add(c.Kind); args.Add(_keyIndex[(string)c.Key!]); args.Add(c.Field); args.Add(c.Value); }
        var checks = _ops.Where(o => o.KeyIndex > 0 && o.Type != KeyType.Any).Select(o => (o.KeyIndex, o.Type)).Distinct().ToList();
        args.Add(checks.Count);
        foreach (var (keyIndex, type) in checks) { args.Add(keyIndex); args.Add(TypeName(type)); }
        args.Add(_ops.Count);
        foreach (var op in _ops)
        {
            args.Add(op.Command);
            args.Add(op.KeyIndex);
            args.Add(op.Args.Length);
            args.AddRange(op.Args);
        }
        return [.. args];
    }

    private static string TypeName(KeyType type) => type switch
    {
        KeyType.Hash => "hash",
        KeyType.Set => "set",
        KeyType.SortedSet => "zset",
        KeyType.List => "list",
        KeyType.Stream => "stream",
        KeyType.Integer => "integer",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private enum KeyType { Any, Hash, Set, SortedSet, List, Stream, Integer }

    private sealed record Op(string Command, int KeyIndex, KeyType Type, RedisValue[] Args, Func<ITransaction, Task> Queue);

    /// <summary>
    /// ARGV: the conditions (count, then kind, key index, field, value for each), the type checks (count, then key index,
    /// type), the operations (count, then command, key index or 0 for none, argument count, arguments). Returns 0 when
    /// applied, else the 1-based index of the first condition that failed. A condition whose check itself errors (a key of
    /// another type) counts as failed, as it does in a MULTI/EXEC transaction.
    /// </summary>
    internal const string Script = """
        #!lua
        local a = 1
        local function nextarg() local v = ARGV[a]; a = a + 1; return v end
        local nc = tonumber(nextarg())
        for c = 1, nc do
          local kind = nextarg(); local key = KEYS[tonumber(nextarg())]; local field = nextarg(); local value = nextarg()
          local ok
          if kind == 'nx' then ok = redis.call('EXISTS', key) == 0
          elseif kind == 'ex' then ok = redis.call('EXISTS', key) == 1
          else
            local r
            if kind == 'heq' then r = redis.pcall('HGET', key, field)
            elseif kind == 'hnx' or kind == 'hex' then r = redis.pcall('HEXISTS', key, field)
            elseif kind == 'lleq' then r = redis.pcall('LLEN', key)
            elseif kind == 'seq' then r = redis.pcall('GET', key)
            else return redis.error_reply('ERR unknown condition ' .. kind) end
            if type(r) == 'table' and r.err then ok = false
            elseif kind == 'heq' or kind == 'seq' then ok = (r ~= false and r == value)
            elseif kind == 'hnx' then ok = r == 0
            elseif kind == 'hex' then ok = r == 1
            else ok = r == tonumber(value) end
          end
          if not ok then return c end
        end
        local nt = tonumber(nextarg())
        for t = 1, nt do
          local key = KEYS[tonumber(nextarg())]; local want = nextarg()
          local have = redis.call('TYPE', key)['ok']
          if want == 'integer' then
            if have == 'string' then
              local v = redis.call('GET', key)
              if not string.match(v, '^%-?%d+$') then return redis.error_reply('WRONGTYPE ' .. key .. ' does not hold an integer; nothing written') end
            elseif have ~= 'none' then return redis.error_reply('WRONGTYPE ' .. key .. ' holds a ' .. have .. ', not an integer; nothing written') end
          elseif have ~= 'none' and have ~= want then
            return redis.error_reply('WRONGTYPE ' .. key .. ' holds a ' .. have .. ', not a ' .. want .. '; nothing written')
          end
        end
        local no = tonumber(nextarg())
        for o = 1, no do
          local command = nextarg(); local k = tonumber(nextarg()); local n = tonumber(nextarg())
          if k > 0 then redis.call(command, KEYS[k], unpack(ARGV, a, a + n - 1))
          else redis.call(command, unpack(ARGV, a, a + n - 1)) end
          a = a + n
        end
        return 0
        """;
}

/// <summary>A condition of a <see cref="RedisWrite"/>, as StackExchange.Redis's <see cref="Condition"/> has them.</summary>
public sealed record WriteCondition
{
    private WriteCondition(string kind, RedisKey key, RedisValue field, RedisValue value, Func<Condition> toCondition)
    {
        Kind = kind;
        Key = key;
        Field = field;
        Value = value;
        _toCondition = toCondition;
    }

    private readonly Func<Condition> _toCondition;

    internal string Kind { get; }
    public RedisKey Key { get; }
    internal RedisValue Field { get; }
    internal RedisValue Value { get; }

    internal Condition ToCondition() => _toCondition();

    public static WriteCondition KeyNotExists(RedisKey key) => new("nx", key, "", "", () => Condition.KeyNotExists(key));

    public static WriteCondition KeyExists(RedisKey key) => new("ex", key, "", "", () => Condition.KeyExists(key));

    /// <summary>The hash field holds <paramref name="value"/> (compared as text, as Redis stores it).</summary>
    public static WriteCondition HashEqual(RedisKey key, RedisValue field, RedisValue value) =>
        value.IsNull ? HashNotExists(key, field) : new("heq", key, field, value, () => Condition.HashEqual(key, field, value));

    public static WriteCondition HashNotExists(RedisKey key, RedisValue field) => new("hnx", key, field, "", () => Condition.HashNotExists(key, field));

    public static WriteCondition HashExists(RedisKey key, RedisValue field) => new("hex", key, field, "", () => Condition.HashExists(key, field));

    public static WriteCondition ListLengthEqual(RedisKey key, long length) => new("lleq", key, "", length, () => Condition.ListLengthEqual(key, length));

    /// <summary>The string key holds <paramref name="value"/> (compared as text).</summary>
    public static WriteCondition StringEqual(RedisKey key, RedisValue value) =>
        value.IsNull ? KeyNotExists(key) : new("seq", key, "", value, () => Condition.StringEqual(key, value));

    public override string ToString() => $"{Kind} {Key}{(Field.IsNullOrEmpty ? "" : " " + Field)}{(Value.IsNullOrEmpty ? "" : " = " + Value)}";
}

/// <summary>How <see cref="AggregateWriter"/> sends a write (<c>Redis:WriteMode</c>). Script is the way; Transaction keeps
/// the earlier MULTI/EXEC path reachable so a benchmark can put the two side by side in one run.</summary>
public enum RedisWriteMode
{
    Script,
    Transaction,
}
