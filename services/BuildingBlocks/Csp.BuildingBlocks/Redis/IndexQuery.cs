using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// A narrowing of a filter-index query by score: the members of <see cref="Scores"/> scored at most <see cref="Max"/>, less
/// the members of the <see cref="Except"/> sets; <see cref="Inside"/> keeps only those, otherwise only the others.
/// <see cref="InScoreOrder"/> (inside only, no except sets) pages the match in score order straight from the sorted set
/// (or from the filters' intersection with it), without copying the range first: its cost is that of the page, or of the
/// filters' intersection, never of how many members are in range. (The action list's "overdue": the open actions scored
/// by due date then id, up to the end of yesterday.)
/// </summary>
public sealed record ScoreNarrowing(RedisKey Scores, long Max, IReadOnlyList<RedisKey> Except, bool Inside, bool InScoreOrder = false)
{
    public ScoreNarrowing Checked() => InScoreOrder && (!Inside || Except.Count > 0)
        ? throw new ArgumentException("A narrowing in score order keeps the members inside the range and has no except sets.")
        : this;
}

/// <summary>
/// One page of a list answered from its filter indexes (sorted sets of ids, scored by id, kept in each write's own
/// script): the intersection of <see cref="Filters"/> (every record in <see cref="All"/> when there are none), narrowed by
/// <see cref="Narrowing"/>, ranks <see cref="First"/> to <see cref="Last"/> (-1: to the end) in id order, and how many
/// match (in score order when the narrowing says so). <see cref="Built"/> must hold <see cref="Format"/> (the indexes are built for every record), else the answer is
/// null. The scratch keys are written and deleted inside the script. Every key is in the partnership's hash slot.
/// </summary>
public sealed record IndexQuery(RedisKey Built, string Format, RedisKey All, RedisKey ScratchA, RedisKey ScratchB,
    IReadOnlyList<RedisKey> Filters, long First, long Last, ScoreNarrowing? Narrowing = null)
{
    // KEYS: 1 built marker, 2 all records, 3 narrowing scores (or the all key when none), 4 and 5 scratch keys (deleted
    // before the script returns), then the filter sets, then the narrowing's except sets. ARGV: filter count, except
    // count, mode (any | inside | outside | by-score), the narrowing's max score, the page's first and last rank, the format.
    // Returns nil when the indexes are not built, else { total, id, id, ... }.
    private const string Script = """
        if redis.call('GET', KEYS[1]) ~= ARGV[7] then return false end
        local nf, nc, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
        local tmp, narrowed = KEYS[4], KEYS[5]
        local sets = {}
        for i = 1, nf do sets[i] = KEYS[5 + i] end
        if mode == 'by-score' then
          local src = KEYS[3]
          if nf > 0 then
            local cmd = { 'ZINTERSTORE', tmp, nf + 1 }
            for i = 1, nf do cmd[#cmd + 1] = sets[i] end
            cmd[#cmd + 1] = KEYS[3]
            cmd[#cmd + 1] = 'WEIGHTS'
            for i = 1, nf do cmd[#cmd + 1] = 0 end
            cmd[#cmd + 1] = 1
            cmd[#cmd + 1] = 'AGGREGATE'
            cmd[#cmd + 1] = 'SUM'
            redis.call(unpack(cmd))
            src = tmp
          end
          local first, last = tonumber(ARGV[5]), tonumber(ARGV[6])
          local count = -1
          if last >= 0 then count = last - first + 1 end
          local total = redis.call('ZCOUNT', src, '-inf', ARGV[4])
          local ids = redis.call('ZRANGE', src, '-inf', ARGV[4], 'BYSCORE', 'LIMIT', first, count)
          redis.call('DEL', tmp)
          table.insert(ids, 1, total)
          return ids
        end
        if mode ~= 'any' then
          redis.call('ZRANGESTORE', narrowed, KEYS[3], '-inf', ARGV[4], 'BYSCORE')
          if nc > 0 then
            local diff = { 'ZDIFFSTORE', narrowed, 1 + nc, narrowed }
            for i = 1, nc do diff[#diff + 1] = KEYS[5 + nf + i] end
            redis.call(unpack(diff))
          end
        end
        local function intersect(keys, extra)
          if #keys == 1 and extra == nil then return keys[1] end
          local cmd = { 'ZINTERSTORE', tmp, #keys + (extra and 1 or 0) }
          for i = 1, #keys do cmd[#cmd + 1] = keys[i] end
          if extra then
            cmd[#cmd + 1] = extra
            cmd[#cmd + 1] = 'WEIGHTS'
            for i = 1, #keys do cmd[#cmd + 1] = 1 end
            cmd[#cmd + 1] = 0
          end
          cmd[#cmd + 1] = 'AGGREGATE'
          cmd[#cmd + 1] = 'MAX'
          redis.call(unpack(cmd))
          return tmp
        end
        if nf == 0 then sets = { KEYS[2] } end
        local src
        if mode == 'inside' then
          src = intersect(sets, narrowed)
        elseif mode == 'outside' then
          redis.call('ZDIFFSTORE', tmp, 2, intersect(sets, nil), narrowed)
          src = tmp
        else
          src = intersect(sets, nil)
        end
        local total = redis.call('ZCARD', src)
        local ids = redis.call('ZRANGE', src, ARGV[5], ARGV[6])
        redis.call('DEL', tmp, narrowed)
        table.insert(ids, 1, total)
        return ids
        """;

    /// <returns>How many match and the page's ids in id order (score order for a narrowing in score order); null when the
    /// indexes are not built (<see cref="Built"/>).</returns>
    public async Task<(int Total, IReadOnlyList<long> Ids)?> RunAsync(IDatabaseAsync db)
    {
        var except = Narrowing?.Checked().Except ?? [];
        RedisKey[] keys = [Built, All, Narrowing?.Scores ?? All, ScratchA, ScratchB, .. Filters, .. except];
        RedisValue[] args =
        [
            Filters.Count, except.Count, Narrowing is null ? "any" : Narrowing.InScoreOrder ? "by-score" : Narrowing.Inside ? "inside" : "outside",
            Narrowing?.Max ?? 0, First, Last, Format,
        ];
        var result = await db.ScriptEvaluateAsync(Script, keys, args);
        if (result.IsNull) return null;
        var reply = (RedisResult[])result!;
        return ((int)(long)reply[0], reply.Skip(1).Select(r => (long)r).ToList());
    }
}
