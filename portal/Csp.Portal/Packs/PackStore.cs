using System.Text.Json;
using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.Portal.Packs;

/// <summary>A quarter's governance pack: the board figures as they were shown when it was made, and who made it when.</summary>
public sealed record GovernancePack(int Format, string PartnershipId, string Quarter, DateTimeOffset MadeAt, string MadeBy, string MadeByName, BoardFigures Figures)
{
    public const int CurrentFormat = 1;
}

/// <summary>A stored pack in the list: its quarter and who made it when (the index holds this, not the figures).</summary>
public sealed record PackSummary(string Quarter, DateTimeOffset MadeAt, string MadeByName);

/// <summary>
/// The one thing the portal stores for itself besides its key ring: governance packs, as point-in-time snapshots.
/// <c>portal:{p}:pack:{quarter}</c> holds the pack's JSON and <c>portal:{p}:packs</c> (a hash, quarter → summary) lists
/// them; both carry the partnership's hash tag, so one transaction writes both. A pack, once made, is never rewritten: the
/// Q2 pack reads the same next year. Making one for a quarter that has one stores nothing and says so.
/// </summary>
public sealed class PackStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options)
{
    private static readonly RedisKeys Keys = new("portal");

    public static string PackKey(string partnershipId, string quarter) => Keys.For(partnershipId, "pack", quarter);

    public static string IndexKey(string partnershipId) => Keys.For(partnershipId, "packs");

    private IDatabase Db => redis.GetDatabase(options.Value.Database);

    /// <summary>Stores the pack unless its quarter has one already; false (and nothing written) when it has.</summary>
    public async Task<bool> TryAddAsync(GovernancePack pack)
    {
        var summary = new PackSummary(pack.Quarter, pack.MadeAt, pack.MadeByName);
        var write = new RedisWrite();
        write.AddCondition(WriteCondition.KeyNotExists(PackKey(pack.PartnershipId, pack.Quarter)));
        write.StringSet(PackKey(pack.PartnershipId, pack.Quarter), JsonSerializer.Serialize(pack, StorageJson.Options));
        write.HashSet(IndexKey(pack.PartnershipId), pack.Quarter, JsonSerializer.Serialize(summary, StorageJson.Options));
        return await write.ExecuteAsync(Db);
    }

    /// <summary>Stores many packs at once: each its own conditional write (stored unless its quarter has one already), all sent
    /// together (StackExchange.Redis pipelines concurrent commands on its one connection). One answer per pack, in order.</summary>
    public async Task<IReadOnlyList<bool>> TryAddManyAsync(IReadOnlyList<GovernancePack> packs) =>
        packs.Count == 0 ? [] : await Task.WhenAll(packs.Select(TryAddAsync));

    public async Task<GovernancePack?> GetAsync(string partnershipId, string quarter)
    {
        var json = await Db.StringGetAsync(PackKey(partnershipId, quarter));
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<GovernancePack>(json.ToString(), StorageJson.Options);
    }

    /// <summary>The partnership's packs, newest quarter first.</summary>
    public async Task<IReadOnlyList<PackSummary>> ListAsync(string partnershipId)
    {
        var entries = await Db.HashGetAllAsync(IndexKey(partnershipId));
        return entries.Select(e => JsonSerializer.Deserialize<PackSummary>(e.Value.ToString(), StorageJson.Options)!)
            .OrderByDescending(s => s.Quarter, StringComparer.Ordinal).ToList();
    }
}
