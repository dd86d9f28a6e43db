using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.Risk.Domain;
using Csp.Risk.Storage;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Csp.Risk.Tests.Storage;

/// <summary>
/// The register list's indexes (register, current band, status; kept in each risk's own transaction) answer exactly what
/// reading every risk and applying the domain's <see cref="RiskFilter.Matches"/> answers, move with reassessment, revision
/// and closing, and a partnership whose risks predate them is indexed on its first list.
/// </summary>
public class RiskIndexTests(RiskHost host) : IClassFixture<RiskHost>
{
    private static readonly string[] Registers = ["csp", "medway-task-force", "asb"];
    private static readonly string[] Cells = ["A1", "B2", "C3", "D3", "E1", "F4", "C1", "A4", "D2", "E4"];
    private RiskStore Store => host.App.Services.GetRequiredService<RiskStore>();

    [Fact]
    public async Task Every_filter_and_combination_returns_exactly_what_the_scan_returns()
    {
        const string p = "risk-ix-oracle";
        await SeedAsync(p, 90, seed: 1);
        var all = (await Store.ListRisksAsync(p)).Select(r => r.Value).ToList();
        Assert.Equal(90, all.Count);
        Assert.Contains(all, r => !r.IsOpen);
        var bands = RiskMatrix.CouncilDefault.Bands.Select(b => b.Id).ToList();
        var checkedQueries = 0;
        foreach (var register in Registers.Prepend(null))
            foreach (var band in bands.Prepend(null))
                foreach (var status in Enum.GetValues<RiskStatusFilter>())
                {
                    await AssertSameAsync(p, all, new RiskFilter(register, band, status));
                    checkedQueries++;
                }
        Assert.Equal(4 * (bands.Count + 1) * 3, checkedQueries);

        // Paging: the pages concatenated are the whole match, each with its total.
        var filter = new RiskFilter(null, null, RiskStatusFilter.All);
        var seen = new List<long>();
        for (var skip = 0; skip < 100; skip += 7)
        {
            var (items, total) = await Store.QueryRisksAsync(p, filter, skip, 7);
            Assert.Equal(90, total);
            seen.AddRange(items.Select(r => r.Value.Id));
        }
        Assert.Equal(all.Select(r => r.Id).Order(), seen);
    }

    [Fact]
    public async Task Reassessing_revising_and_closing_move_the_risk_between_sets()
    {
        const string p = "risk-ix-moves";
        await host.AnnouncePartnershipAsync(p, 1, "medway-council", "kent-police");
        using var manager = host.App.Client(TestUser.Manager(p));
        var id = await CreateAsync(manager, p, "csp", "A1");
        async Task<IReadOnlyList<long>> ListAsync(string query) =>
            (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/risks?{query}"))!["items"]!.AsArray().Select(r => (long)r!["id"]!).ToList();
        Assert.True(RiskMatrix.CouncilDefault.TryRead("A1", out var a1));
        Assert.True(RiskMatrix.CouncilDefault.TryRead("F4", out var f4));
        var (a1Band, f4Band) = (a1.Band, f4.Band);
        Assert.NotEqual(a1Band, f4Band);
        Assert.Equal([id], await ListAsync($"band={a1Band}&register=csp"));

        (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks/{id}/assessments", new { current = "F4", rationale = "Controls work." })).EnsureSuccessStatusCode();
        Assert.Empty(await ListAsync($"band={a1Band}"));
        Assert.Equal([id], await ListAsync($"band={f4Band}"));

        var read = await manager.GetAsync($"/api/partnerships/{p}/risks/{id}");
        var body = RiskHost.RiskBody(b => { b["register"] = "asb"; b["owningAgencyId"] = "medway-council"; });
        foreach (var rating in new[] { "inherent", "current", "target", "rationale" }) body.Remove(rating);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{p}/risks/{id}") { Content = JsonContent.Create(body) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(put)).StatusCode);
        Assert.Empty(await ListAsync("register=csp"));
        Assert.Equal([id], await ListAsync($"register=asb&band={f4Band}"));

        (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks/{id}/close", new { reason = "Done." })).EnsureSuccessStatusCode();
        Assert.Empty(await ListAsync("register=asb"));
        Assert.Equal([id], await ListAsync("register=asb&status=closed"));
        Assert.Null(await host.Redis.SortedSetScoreAsync($"risk:{{{p}}}:ix:status:Open", id));
        Assert.Null(await host.Redis.SortedSetScoreAsync($"risk:{{{p}}}:ix:register:csp", id));
        Assert.Null(await host.Redis.SortedSetScoreAsync($"risk:{{{p}}}:ix:band:{a1Band}", id));
    }

    [Fact]
    public async Task Risks_stored_before_the_indexes_are_indexed_on_the_first_list_once()
    {
        const string p = "risk-ix-upgrade";
        await SeedAsync(p, 30, seed: 2);
        var all = (await Store.ListRisksAsync(p)).Select(r => r.Value).ToList();
        var server = RedisServer.Instance.Connection.GetServer(RedisServer.Instance.Connection.GetEndPoints()[0]);
        async Task<List<string>> IndexKeysAsync()
        {
            var found = new List<string>();
            await foreach (var key in server.KeysAsync(host.Database, $"risk:{{{p}}}:ix:*")) found.Add(key!);
            return found;
        }
        async Task<Dictionary<string, string>> SnapshotAsync(IEnumerable<string> keys)
        {
            var snapshot = new Dictionary<string, string>();
            foreach (var key in keys) snapshot[key] = string.Join(",", (await host.Redis.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}={e.Score}"));
            return snapshot;
        }
        var indexKeys = await IndexKeysAsync();
        var before = await SnapshotAsync(indexKeys.Where(k => !k.EndsWith(":built", StringComparison.Ordinal)));
        Assert.NotEmpty(before);
        foreach (var key in indexKeys) await host.Redis.KeyDeleteAsync(key); // as the previous version left it

        using var board = host.App.Client(TestUser.Board(p));
        var listed = await board.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/risks?register=csp&pageSize=200");
        var expected = all.Where(r => r.Register == "csp" && r.IsOpen).Select(r => r.Id).Order().ToList();
        Assert.Equal(expected, listed!["items"]!.AsArray().Select(r => (long)r!["id"]!));
        Assert.Equal(expected.Count, (int)listed["total"]!);
        Assert.Equal(before, await SnapshotAsync(before.Keys));

        Assert.True(await Store.RebuildIndexesAsync(p)); // again: the same entries
        Assert.Equal(before, await SnapshotAsync(before.Keys));
    }

    [Fact]
    public async Task A_list_never_writes_the_first_risk_marks_the_indexes_built()
    {
        const string p = "risk-ix-first";
        await host.AnnouncePartnershipAsync(p, 1, "medway-council", "kent-police");
        var built = $"risk:{{{p}}}:ix:built";
        using var board = host.App.Client(TestUser.Board(p));

        // A partnership with no risks: the list answers empty and stores nothing (no rebuild, no marker).
        var empty = await board.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/risks?register=csp");
        Assert.Equal(0, (int)empty!["total"]!);
        Assert.False(await host.Redis.KeyExistsAsync(built));
        Assert.False(await host.Redis.KeyExistsAsync($"risk:{{{p}}}:ix:rebuild-lease"));

        // The first risk's own write marks them built, so the next list reads the indexes without building anything.
        using var manager = host.App.Client(TestUser.Manager(p));
        var id = await CreateAsync(manager, p, "csp", "A1");
        Assert.True(await host.Redis.KeyExistsAsync(built));
        var listed = await board.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/risks?register=csp");
        Assert.Equal([id], listed!["items"]!.AsArray().Select(r => (long)r!["id"]!));
    }

    private async Task AssertSameAsync(string p, IReadOnlyList<RiskEntry> all, RiskFilter filter)
    {
        var expected = all.Where(filter.Matches).OrderBy(r => r.Id).Select(r => r.Id).ToList();
        var (items, total) = await Store.QueryRisksAsync(p, filter, 0, 200);
        Assert.True(expected.Count == total, $"{filter}: {total} counted, {expected.Count} expected");
        Assert.Equal(expected, items.Select(r => r.Value.Id));
    }

    private static async Task<long> CreateAsync(HttpClient manager, string p, string register, string current)
    {
        var created = await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", RiskHost.RiskBody(b =>
        {
            b["register"] = register; b["current"] = current; b.Remove("inherent"); b.Remove("target");
        }));
        created.EnsureSuccessStatusCode();
        return (long)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    /// <summary>Risks in random registers and ratings; some reassessed to another band, some closed.</summary>
    private async Task SeedAsync(string p, int count, int seed)
    {
        await host.AnnouncePartnershipAsync(p, 1, "medway-council", "kent-police");
        using var manager = host.App.Client(TestUser.Manager(p));
        var random = new Random(seed);
        var plans = Enumerable.Range(0, count).Select(_ => (Register: Registers[random.Next(3)], Current: Cells[random.Next(Cells.Length)],
            Then: random.Next(3) == 0 ? Cells[random.Next(Cells.Length)] : null, Close: random.Next(5) == 0)).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var (register, current, then, close) = plans[i];
                var id = await CreateAsync(manager, p, register, current);
                if (then is not null)
                    (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks/{id}/assessments", new { current = then, rationale = "Reviewed." })).EnsureSuccessStatusCode();
                if (close)
                    (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks/{id}/close", new { reason = "Done." })).EnsureSuccessStatusCode();
            }
        }));
    }
}
