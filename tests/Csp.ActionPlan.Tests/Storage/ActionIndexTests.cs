using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Time;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Csp.ActionPlan.Tests.Storage;

/// <summary>
/// The action list's indexes (sets per filter value, kept in each action's own transaction) answer exactly what reading
/// every action and applying the domain's <see cref="ActionQuery.Matches"/> answers, for every filter, combination, page and
/// day; they move with each write atomically; and a partnership stored before them is indexed on its first list.
/// </summary>
public class ActionIndexTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private static readonly string[] Agencies = ["medway-council", "kent-police", "kent-fire-rescue", "probation-kss"];
    private static readonly string[] Priorities = ["safeguarding", "reducing-vulnerability", "reducing-reoffending"];
    private static readonly string[] StatusNames = ["not-started", "on-track", "at-risk", "off-track", "completed", "cancelled"];

    private ActionPlanStore Store => host.App.Services.GetRequiredService<ActionPlanStore>();

    [Fact]
    public async Task Every_filter_and_combination_returns_exactly_what_the_scan_returns()
    {
        var p = await PartnershipAsync("index-oracle");
        var today = new DateOnly(2026, 11, 23);
        await SeedAsync(p, 250, today, seed: 1);
        var all = (await Store.ListActionsAsync(p)).Select(a => a.Value).ToList();
        Assert.Equal(250, all.Count);

        var random = new Random(42);
        var checkedQueries = 0;
        foreach (var priority in Priorities.Prepend(null))
            foreach (var strand in Enum.GetValues<Strand>().Cast<Strand?>().Prepend(null))
                foreach (var overdue in new bool?[] { null, true, false })
                for (var draw = 0; draw < 2; draw++)
                {
                    // Agency and status are drawn at random for each combination of the others (all of them appear).
                    var agency = random.Next(5) == 0 ? null : Agencies[random.Next(Agencies.Length)];
                    ActionStatus? status = random.Next(4) == 0 ? null : Enum.GetValues<ActionStatus>()[random.Next(6)];
                    var day = today.AddDays(random.Next(-60, 60));
                    var query = new ActionQuery(priority, strand, agency, status, overdue, Page: 1, PageSize: 200);
                    await AssertSameAsync(p, all, query, day);
                    checkedQueries++;
                }
        foreach (var agency in Agencies)
            foreach (var status in Enum.GetValues<ActionStatus>())
            {
                await AssertSameAsync(p, all, new ActionQuery(AgencyId: agency, Status: status, PageSize: 200), today);
                checkedQueries++;
            }
        Assert.Equal(4 * 5 * 3 * 2 + 4 * 6, checkedQueries);
    }

    [Fact]
    public async Task The_overdue_list_is_the_most_overdue_first_paged_from_the_open_actions_by_due_date()
    {
        var p = await PartnershipAsync("index-overdue-order");
        var today = new DateOnly(2026, 11, 23);
        await SeedAsync(p, 150, today, seed: 5);
        var all = (await Store.ListActionsAsync(p)).Select(a => a.Value).ToList();
        var overdue = all.Where(a => a.IsOverdue(today)).OrderBy(a => a.DueDate).ThenBy(a => a.Id).Select(a => a.Id).ToList();
        Assert.True(overdue.Count > 20, "the seed has overdue actions");
        Assert.Contains(all, a => a.IsClosed && a.DueDate < today); // closed and past due: never overdue
        Assert.Contains(all.Where(a => a.IsOverdue(today)).GroupBy(a => a.DueDate), g => g.Count() > 1); // ties: ordered by id

        // Page by page, 7 at a time: the whole overdue list, most overdue first, ties by id, with the total each time.
        var seen = new List<long>();
        for (var page = 1; page <= overdue.Count / 7 + 2; page++)
        {
            var result = await Store.QueryActionsAsync(p, new ActionQuery(Overdue: true, Page: page, PageSize: 7), today);
            Assert.Equal(overdue.Count, result.Total);
            seen.AddRange(result.Items.Select(a => a.Value.Id));
        }
        Assert.Equal(overdue, seen);

        // The index holds open actions only: a closed one is never in it, whatever its due date.
        var openDue = (await host.Redis.SortedSetRangeByRankAsync($"actionplan:{{{p}}}:ix:open-due")).Select(v => (long)v).ToHashSet();
        Assert.Equal(all.Where(a => !a.IsClosed).Select(a => a.Id).ToHashSet(), openDue);
        // With other filters: the same order, narrowed.
        await AssertSameAsync(p, all, new ActionQuery(AgencyId: "kent-police", Overdue: true, PageSize: 10), today);
        await AssertSameAsync(p, all, new ActionQuery(Strand: Strand.Prevent, Status: ActionStatus.AtRisk, Overdue: true, Page: 2, PageSize: 3), today);
        // A later day: more of them overdue, still in order.
        await AssertSameAsync(p, all, new ActionQuery(Overdue: true, PageSize: 200), today.AddDays(90));
    }

    [Fact]
    public async Task A_revised_due_date_or_a_reopened_action_moves_in_the_overdue_list()
    {
        var p = await PartnershipAsync("index-overdue-moves");
        using var manager = host.App.Client(TestUser.Manager(p));
        var today = UkTime.Today(TimeProvider.System);
        var early = await CreateAsync(manager, p, Body(p, "kent-police", "safeguarding", "protect", today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        var late = await CreateAsync(manager, p, Body(p, "kent-police", "safeguarding", "protect", today.AddDays(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        async Task<IReadOnlyList<long>> OverdueAsync() =>
            (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/actions?overdue=true"))!["items"]!.AsArray().Select(a => (long)a!["id"]!).ToList();
        Assert.Equal([early, late], await OverdueAsync());

        // The later one's due date revised to before the other's: it comes first now.
        var read = await manager.GetAsync($"/api/partnerships/{p}/actions/{late}");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{p}/actions/{late}")
        {
            Content = JsonContent.Create(Body(p, "kent-police", "safeguarding", "protect", today.AddDays(-60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(put)).StatusCode);
        Assert.Equal([late, early], await OverdueAsync());

        // Completed: out of the list and out of the open set; revised to a future date: not overdue.
        (await manager.PostAsJsonAsync($"/api/partnerships/{p}/actions/{late}/updates", new { status = "completed", commentary = "Done." })).EnsureSuccessStatusCode();
        Assert.Equal([early], await OverdueAsync());
        Assert.Null(await host.Redis.SortedSetScoreAsync($"actionplan:{{{p}}}:ix:open-due", late));
        read = await manager.GetAsync($"/api/partnerships/{p}/actions/{early}");
        put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{p}/actions/{early}")
        {
            Content = JsonContent.Create(Body(p, "kent-police", "safeguarding", "protect", today.AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(put)).StatusCode);
        Assert.Empty(await OverdueAsync());
    }

    [Fact]
    public async Task The_summary_from_the_kept_cell_sets_equals_counting_every_action_after_every_kind_of_write()
    {
        var p = await PartnershipAsync("index-summary");
        var today = new DateOnly(2026, 11, 23);
        await SeedAsync(p, 160, today, seed: 6); // creations, status updates (some closed), revisions of lead and priority
        async Task AssertSummaryAsync(DateOnly day)
        {
            var all = (await Store.ListActionsAsync(p)).Select(a => a.Value).ToList();
            var expected = ActionSummary.Of(all, day);
            var kept = await Store.SummaryAsync(p, day);
            Assert.Equal(expected.Total, kept.Total);
            Assert.Equal(expected.Overdue, kept.Overdue);
            Assert.Equal(expected.Counts, kept.Counts);
        }
        await AssertSummaryAsync(today);
        await AssertSummaryAsync(today.AddDays(-45));
        await AssertSummaryAsync(today.AddDays(120));

        // Each kind of write on one action: created, revised to another priority and strand, updated, completed.
        using var manager = host.App.Client(TestUser.Manager(p));
        var id = await CreateAsync(manager, p, Body(p, "kent-police", "safeguarding", "protect", "2026-10-01"));
        await AssertSummaryAsync(today);
        var read = await manager.GetAsync($"/api/partnerships/{p}/actions/{id}");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{p}/actions/{id}") { Content = JsonContent.Create(Body(p, "kent-police", "reducing-reoffending", "pursue", "2026-10-01")) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(put)).StatusCode);
        await AssertSummaryAsync(today);
        foreach (var status in new[] { "at-risk", "completed" })
        {
            (await manager.PostAsJsonAsync($"/api/partnerships/{p}/actions/{id}/updates", new { status, commentary = "Moved." })).EnsureSuccessStatusCode();
            await AssertSummaryAsync(today);
        }
        // Through the API: the same figures as the domain's count of every action.
        var api = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/actions/summary"))!;
        var now = ActionSummary.Of((await Store.ListActionsAsync(p)).Select(a => a.Value).ToList(), UkTime.Today(TimeProvider.System));
        Assert.Equal(now.Total, (int)api["total"]!);
        Assert.Equal(now.Overdue, (int)api["overdue"]!);
        Assert.Equal(now.Counts.Sum(c => c.Count), api["counts"]!.AsArray().Sum(c => (int)c!["count"]!));

        // Indexes lost (as before they existed): the summary rebuilds them and still agrees.
        foreach (var key in await IndexKeysAsync(p)) await host.Redis.KeyDeleteAsync(key);
        await AssertSummaryAsync(today);
        Assert.True(await host.Redis.KeyExistsAsync($"actionplan:{{{p}}}:ix:cells"));
    }

    [Fact]
    public async Task Pages_by_id_with_the_total_of_the_whole_match()
    {
        var p = await PartnershipAsync("index-paging");
        var today = new DateOnly(2026, 11, 23);
        await SeedAsync(p, 120, today, seed: 2);
        var all = (await Store.ListActionsAsync(p)).Select(a => a.Value).ToList();
        foreach (var query in new[] { new ActionQuery(PageSize: 7), new ActionQuery(Strand: Strand.Protect, PageSize: 5), new ActionQuery(Overdue: false, PageSize: 9) })
        {
            var expected = all.Where(a => query.Matches(a, today)).OrderBy(a => a.Id).Select(a => a.Id).ToList();
            var seen = new List<long>();
            for (var page = 1; page <= expected.Count / query.PageSize + 2; page++)
            {
                var result = await Store.QueryActionsAsync(p, query with { Page = page }, today);
                Assert.Equal(expected.Count, result.Total);
                Assert.Equal(page, result.PageNumber);
                Assert.True(result.Items.Count <= query.PageSize);
                seen.AddRange(result.Items.Select(a => a.Value.Id));
            }
            Assert.Equal(expected, seen);
        }
    }

    [Fact]
    public async Task A_status_change_moves_the_action_between_sets_in_its_own_transaction()
    {
        var p = await PartnershipAsync("index-status");
        using var manager = host.App.Client(TestUser.Manager(p));
        var id = await CreateAsync(manager, p, Body(p, "kent-police", "safeguarding", "protect", "2027-03-31"));
        var statusKeys = Enum.GetValues<ActionStatus>().ToDictionary(s => s, s => (RedisKey)$"actionplan:{{{p}}}:ix:status:{s}");

        // A reader that looks at every status set at one instant (one MULTI) while the writes happen: always exactly one.
        using var stop = new CancellationTokenSource();
        var looks = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && looks < 100_000)
            {
                var tx = host.Redis.CreateTransaction();
                var scores = statusKeys.Values.Select(k => tx.SortedSetScoreAsync(k, id)).ToList();
                await tx.ExecuteAsync();
                var holding = (await Task.WhenAll(scores)).Count(s => s is not null);
                Assert.Equal(1, holding);
                looks++;
            }
        });
        var sequence = new[] { ActionStatus.OnTrack, ActionStatus.AtRisk, ActionStatus.OffTrack, ActionStatus.OnTrack, ActionStatus.Completed };
        foreach (var status in sequence)
        {
            (await manager.PostAsJsonAsync($"/api/partnerships/{p}/actions/{id}/updates",
                new { status = StatusNames[(int)status], commentary = "Moved." })).EnsureSuccessStatusCode();
            // After each write: in the new status's set and in no other.
            foreach (var (s, key) in statusKeys)
                Assert.Equal(s == status, (await host.Redis.SortedSetScoreAsync(key, id)) is not null);
            var listed = await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/actions?status={StatusNames[(int)status]}");
            Assert.Contains(id, listed!["items"]!.AsArray().Select(a => (long)a!["id"]!));
        }
        await stop.CancelAsync();
        await reader;
        Assert.True(looks > 0);
    }

    [Fact]
    public async Task An_action_revised_to_another_agency_and_priority_leaves_the_old_sets()
    {
        var p = await PartnershipAsync("index-revise");
        using var manager = host.App.Client(TestUser.Manager(p));
        var body = Body(p, "kent-police", "safeguarding", "protect", "2027-03-31");
        body["supportingAgencyIds"] = new JsonArray("medway-council");
        var id = await CreateAsync(manager, p, body);

        var revised = Body(p, "kent-fire-rescue", "reducing-reoffending", "pursue", "2027-03-31");
        var read = await manager.GetAsync($"/api/partnerships/{p}/actions/{id}");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{p}/actions/{id}") { Content = JsonContent.Create(revised) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(put)).StatusCode);

        async Task<IReadOnlyList<long>> ListAsync(string filter) =>
            (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/actions?{filter}"))!["items"]!.AsArray().Select(a => (long)a!["id"]!).ToList();
        Assert.Empty(await ListAsync("agency=kent-police"));
        Assert.Empty(await ListAsync("agency=medway-council"));
        Assert.Empty(await ListAsync("priority=safeguarding"));
        Assert.Empty(await ListAsync("strand=protect"));
        Assert.Equal([id], await ListAsync("agency=kent-fire-rescue&priority=reducing-reoffending&strand=pursue"));
        foreach (var gone in new[] { "agency:kent-police", "agency:medway-council", "priority:safeguarding", "strand:Protect" })
            Assert.Null(await host.Redis.SortedSetScoreAsync($"actionplan:{{{p}}}:ix:{gone}", id));
    }

    [Fact]
    public async Task Overdue_starts_at_UK_midnight_after_the_due_date_and_ends_when_closed()
    {
        var p = await PartnershipAsync("index-midnight");
        using var manager = host.App.Client(TestUser.Manager(p));
        var id = await CreateAsync(manager, p, Body(p, "kent-police", "safeguarding", "protect", "2026-07-31"));
        // 23:30 UTC on 31 July is already 1 August in the UK (BST): the action is overdue from that instant, not an hour later.
        var beforeMidnight = UkTime.Today(new FixedClock(new DateTimeOffset(2026, 7, 31, 22, 59, 59, TimeSpan.Zero)));
        var afterMidnight = UkTime.Today(new FixedClock(new DateTimeOffset(2026, 7, 31, 23, 0, 1, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 8, 1), afterMidnight);

        async Task<bool> ListedAsync(bool overdue, DateOnly today) =>
            (await Store.QueryActionsAsync(p, new ActionQuery(Overdue: overdue), today)).Items.Any(a => a.Value.Id == id);
        Assert.False(await ListedAsync(true, beforeMidnight));
        Assert.True(await ListedAsync(false, beforeMidnight));
        Assert.True(await ListedAsync(true, afterMidnight));
        Assert.False(await ListedAsync(false, afterMidnight));

        (await manager.PostAsJsonAsync($"/api/partnerships/{p}/actions/{id}/updates", new { status = "cancelled", commentary = "Withdrawn." })).EnsureSuccessStatusCode();
        Assert.False(await ListedAsync(true, afterMidnight));
        Assert.True(await ListedAsync(false, afterMidnight));
    }

    [Fact]
    public async Task Actions_stored_before_the_indexes_are_indexed_on_the_first_list_once()
    {
        var p = await PartnershipAsync("index-upgrade");
        var today = UkTime.Today(TimeProvider.System);
        await SeedAsync(p, 60, today, seed: 3);
        var all = (await Store.ListActionsAsync(p)).Select(a => a.Value).ToList();
        var indexKeys = await IndexKeysAsync(p);
        Assert.Contains($"actionplan:{{{p}}}:ix:built", indexKeys);
        // Every index set as the writes left it (ix:cells names every cell that ever held an action, so it may name more
        // than the rebuild's; the summary test checks what is counted from it).
        var before = await SnapshotAsync(indexKeys.Where(k => !k.EndsWith(":built", StringComparison.Ordinal) && !k.EndsWith(":cells", StringComparison.Ordinal)));

        // As the previous version left it: documents and the id list, no index and no marker.
        foreach (var key in indexKeys) await host.Redis.KeyDeleteAsync(key);
        Assert.Empty(await IndexKeysAsync(p));

        using var partner = host.App.Client(TestUser.Partner("kent-police", p));
        var listed = await partner.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/actions?agency=kent-police&pageSize=200");
        var expected = all.Where(a => a.LeadAgencyId == "kent-police" || a.SupportingAgencyIds.Contains("kent-police")).Select(a => a.Id).Order().ToList();
        Assert.Equal(expected, listed!["items"]!.AsArray().Select(a => (long)a!["id"]!));
        Assert.Equal(expected.Count, (int)listed["total"]!);
        Assert.Equal(before, await SnapshotAsync(before.Keys));
        Assert.Equal("2", (string?)await host.Redis.StringGetAsync($"actionplan:{{{p}}}:ix:built"));

        // Again: idempotent (the same entries), and every filter agrees with the scan.
        Assert.True(await Store.RebuildIndexesAsync(p));
        Assert.Equal(before, await SnapshotAsync(before.Keys));
        foreach (var status in Enum.GetValues<ActionStatus>())
            await AssertSameAsync(p, all, new ActionQuery(Status: status, PageSize: 200), today);
        await AssertSameAsync(p, all, new ActionQuery(Overdue: true, PageSize: 200), today);
    }

    [Fact]
    public async Task While_another_replica_holds_the_rebuild_lease_the_list_is_still_right()
    {
        var p = await PartnershipAsync("index-lease");
        var today = UkTime.Today(TimeProvider.System);
        await SeedAsync(p, 20, today, seed: 4);
        var all = (await Store.ListActionsAsync(p)).Select(a => a.Value).ToList();
        foreach (var key in await IndexKeysAsync(p)) await host.Redis.KeyDeleteAsync(key);
        await host.Redis.StringSetAsync($"actionplan:{{{p}}}:ix:rebuild-lease", "another-replica", TimeSpan.FromMinutes(1));

        await AssertSameAsync(p, all, new ActionQuery(Strand: Strand.Protect, PageSize: 200), today);
        Assert.False(await host.Redis.KeyExistsAsync($"actionplan:{{{p}}}:ix:built"));
        Assert.False(await Store.RebuildIndexesAsync(p));

        await host.Redis.KeyDeleteAsync($"actionplan:{{{p}}}:ix:rebuild-lease");
        await AssertSameAsync(p, all, new ActionQuery(Strand: Strand.Protect, PageSize: 200), today);
        Assert.True(await host.Redis.KeyExistsAsync($"actionplan:{{{p}}}:ix:built"));
    }

    /// <summary>The indexes answer what the domain answers from every action (<see cref="ActionQuery.Apply"/>: its filter,
    /// its order and its paging).</summary>
    private async Task AssertSameAsync(string p, IReadOnlyList<PlanAction> all, ActionQuery query, DateOnly today)
    {
        var expected = query.Apply(all, today);
        var result = await Store.QueryActionsAsync(p, query, today);
        Assert.True(expected.Total == result.Total, $"{query} on {today}: {result.Total} counted, {expected.Total} expected");
        Assert.Equal(expected.Items.Select(a => a.Id), result.Items.Select(a => a.Value.Id));
    }

    private async Task<List<string>> IndexKeysAsync(string p)
    {
        var server = RedisServer.Instance.Connection.GetServer(RedisServer.Instance.Connection.GetEndPoints()[0]);
        var found = new List<string>();
        await foreach (var key in server.KeysAsync(host.Database, $"actionplan:{{{p}}}:ix:*")) found.Add(key!);
        return found;
    }

    private async Task<Dictionary<string, string>> SnapshotAsync(IEnumerable<string> keys)
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var key in keys)
            snapshot[key] = string.Join(",", (await host.Redis.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}={e.Score}"));
        return snapshot;
    }

    /// <summary>A partnership of its own (other tests of the class share the database), with the host's agencies and priorities.</summary>
    private async Task<string> PartnershipAsync(string id)
    {
        using var admin = host.App.Client(TestUser.Admin);
        (await admin.PutAsJsonAsync($"/api/partnerships/{id}", new
        {
            name = id, agencies = Agencies.Select(a => new { id = a, name = a, responsibleAuthority = true }).ToArray(),
        })).EnsureSuccessStatusCode();
        using var manager = host.App.Client(TestUser.Manager(id));
        (await manager.PutAsJsonAsync($"/api/partnerships/{id}/plans/plan", new
        {
            title = "Plan", startYear = 2024, endYear = 2028,
            priorities = Priorities.Select(pr => new { id = pr, title = pr, areasOfFocus = Array.Empty<object>() }).ToArray(),
        })).EnsureSuccessStatusCode();
        return id;
    }

    private static JsonObject Body(string p, string lead, string priority, string strand, string due) => new()
    {
        ["planId"] = "plan", ["priorityId"] = priority, ["title"] = "Indexed action", ["strand"] = strand, ["leadAgencyId"] = lead,
        ["owner"] = "Owner", ["startDate"] = "2024-04-01", ["dueDate"] = due,
    };

    private static async Task<long> CreateAsync(HttpClient manager, string p, JsonObject body)
    {
        var created = await manager.PostAsJsonAsync($"/api/partnerships/{p}/actions", body);
        created.EnsureSuccessStatusCode();
        return (long)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    /// <summary>Random actions: priority, strand, lead and supporting agencies, due dates either side of
    /// <paramref name="around"/>, and statuses (some closed) set by updates; a few revised to another lead and priority.</summary>
    private async Task SeedAsync(string p, int count, DateOnly around, int seed)
    {
        using var manager = host.App.Client(TestUser.Manager(p));
        var random = new Random(seed);
        var plans = Enumerable.Range(0, count).Select(_ => (Lead: Agencies[random.Next(4)], Priority: Priorities[random.Next(3)],
            Strand: new[] { "prevent", "protect", "pursue", "prepare" }[random.Next(4)], Due: around.AddDays(random.Next(-90, 90)),
            Supporting: Agencies.Where(_ => random.Next(4) == 0).ToArray(), Status: random.Next(7), Revise: random.Next(10) == 0)).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var a = plans[i];
                var body = Body(p, a.Lead, a.Priority, a.Strand, a.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                body["supportingAgencyIds"] = new JsonArray(a.Supporting.Where(s => s != a.Lead).Select(s => (JsonNode?)s).ToArray());
                var id = await CreateAsync(manager, p, body);
                if (a.Revise)
                {
                    var revised = Body(p, Agencies[(Array.IndexOf(Agencies, a.Lead) + 1) % 4], Priorities[(Array.IndexOf(Priorities, a.Priority) + 1) % 3], a.Strand,
                        a.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    var put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{p}/actions/{id}") { Content = JsonContent.Create(revised) };
                    put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
                    (await manager.SendAsync(put)).EnsureSuccessStatusCode();
                }
                if (a.Status < StatusNames.Length && a.Status > 0)
                    (await manager.PostAsJsonAsync($"/api/partnerships/{p}/actions/{id}/updates", new { status = StatusNames[a.Status], commentary = "Seeded." })).EnsureSuccessStatusCode();
            }
        }));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
