using System.Globalization;
using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.ActionPlan.Storage;

/// <summary>How the action list is read. <see cref="Index"/> (the default) intersects the filter indexes and reads only the
/// page; <see cref="Scan"/> reads and filters every action of the partnership (the path before the indexes), kept only so
/// the benchmark can measure both in one run (<c>ActionPlan:ListMode=Scan</c>).</summary>
public enum ActionListMode { Index, Scan }

public sealed class ActionListOptions
{
    public const string Key = "ActionPlan:ListMode";
    public ActionListMode Mode { get; set; } = ActionListMode.Index;
}

/// <summary>
/// The action list's indexes (all under the partnership's hash tag, written in each action's own transaction):
/// sorted sets scored by action id, one per filter value: <c>actionplan:{p}:ix:priority:{id}</c>, <c>ix:strand:{Strand}</c>,
/// <c>ix:status:{Status}</c>, <c>ix:agency:{id}</c> (lead and supporting agencies alike); and <c>ix:open-due</c>, the open
/// (not closed) actions only, scored by due date then id (<see cref="OpenDueScore"/>), which answers <c>overdue</c>: the
/// overdue list is that set's range up to the end of yesterday, paged in that order straight from the set (or from the
/// other filters' intersection with it), so its cost does not grow with how many actions are overdue or past due.
/// (Format 1 had <c>ix:due</c>, every action by due day, copied and less the closed statuses per query; the format-2
/// rebuild deletes it.) The summary's counts: <c>ix:cell:{priority}|{Strand}|{Status}</c>, one set per cell that has
/// ever held an action, named in the set <c>ix:cells</c>; the summary is their sizes, the open-due count up to
/// yesterday and the id list's size, read in one transaction, never the actions. <c>ix:built</c> says the indexes hold every action of
/// the partnership: set when the partnership is created, or by the one-off rebuild of a partnership whose actions were
/// stored before the indexes existed. A query is one script: intersect, count, take the page's ids; then the page's
/// documents are read in one pipelined round trip.
/// </summary>
public sealed partial class ActionPlanStore
{
    /// <summary>The index format; a partnership whose <c>ix:built</c> differs is rebuilt once.</summary>
    private const string IndexFormat = "2";

    /// <summary>An open action's score in <c>ix:open-due</c>: its due date's day number, then its id (day × 2³² + id; both
    /// well inside a double's exact integers: day numbers are under 2²⁰ and ids under 2³²).</summary>
    private static long OpenDueScore(PlanAction action) => ((long)action.DueDate.DayNumber << 32) + action.Id;

    /// <summary>The highest <see cref="OpenDueScore"/> of an action overdue on <paramref name="today"/> (due yesterday or
    /// before: <see cref="PlanAction.IsOverdue"/>).</summary>
    private static long OverdueMaxScore(DateOnly today) => ((long)today.DayNumber << 32) - 1;

    private static readonly ActionStatus[] AllStatuses = Enum.GetValues<ActionStatus>();
    private static readonly Strand[] AllStrands = Enum.GetValues<Strand>();

    private readonly ActionListMode _listMode = listOptions.Value.Mode;

    /// <summary>
    /// A page of the actions matching <paramref name="query"/>, by id, and how many match. Reads the indexes, then only the
    /// page's documents. The indexes only narrow: each document read is checked against the domain's rule
    /// (<see cref="ActionQuery.Matches"/>), so one changed between the two reads is left out rather than shown wrongly.
    /// A partnership whose actions predate the indexes has them built first (once, under a lease); while another replica
    /// builds them, the list is answered by reading every action.
    /// </summary>
    public async Task<Page<Versioned<PlanAction>>> QueryActionsAsync(string partnershipId, ActionQuery query, DateOnly today)
    {
        if (_listMode == ActionListMode.Scan) return await ScanAsync(partnershipId, query, today);
        if (await QueryIndexesAsync(partnershipId, query, today) is { } page) return page;
        if (await RebuildIndexesAsync(partnershipId) && await QueryIndexesAsync(partnershipId, query, today) is { } rebuilt) return rebuilt;
        return await ScanAsync(partnershipId, query, today);
    }

    /// <summary>The old path: every action read and filtered. Also the answer while the indexes are being built.</summary>
    private async Task<Page<Versioned<PlanAction>>> ScanAsync(string partnershipId, ActionQuery query, DateOnly today)
    {
        var stored = await ListActionsAsync(partnershipId);
        var versions = stored.ToDictionary(a => a.Value.Id, a => a.Version);
        var page = query.Apply(stored.Select(a => a.Value), today);
        return new(page.Items.Select(a => new Versioned<PlanAction>(a, versions[a.Id])).ToList(), page.Total, page.PageNumber, page.PageSize);
    }

    private async Task<Page<Versioned<PlanAction>>?> QueryIndexesAsync(string p, ActionQuery query, DateOnly today)
    {
        var filters = new List<RedisKey>();
        if (query.PriorityId is { } priority) filters.Add(IndexKey(p, "priority", priority));
        if (query.Strand is { } strand) filters.Add(IndexKey(p, "strand", strand.ToString()));
        if (query.AgencyId is { } agency) filters.Add(IndexKey(p, "agency", agency));
        if (query.Status is { } status) filters.Add(IndexKey(p, "status", status.ToString()));
        var start = (long)(query.Page - 1) * query.PageSize;
        // Overdue = open and due before today (PlanAction.IsOverdue): the open actions' due-date set up to the end of
        // yesterday, in due-date order (the domain's order for the overdue list, ActionQuery.Order); not overdue = the rest.
        var overdue = query.Overdue is { } o
            ? new ScoreNarrowing(IndexKey(p, "open-due"), OverdueMaxScore(today), [], Inside: o, InScoreOrder: o)
            : null;
        if (await new IndexQuery(IndexKey(p, "built"), IndexFormat, keys.For(p, "actions"), IndexKey(p, "scratch:a"), IndexKey(p, "scratch:b"),
                filters, start, start + query.PageSize - 1, overdue).RunAsync(Db) is not { } page) return null;
        var (total, ids) = page;
        var found = await writer.ReadManyAsync<PlanAction>(ids.Select(id => ActionKey(p, id)));
        return new(query.Order(found.Where(a => query.Matches(a.Value, today)), a => a.Value).ToList(), total, query.Page, query.PageSize);
    }

    /// <summary>
    /// Builds the indexes of a partnership whose actions were stored before they existed. Idempotent: each action's entries
    /// are written in a transaction conditional on the version read (an action saved meanwhile was indexed by its own
    /// write), and the marker last. Under a lease, so one replica builds while the others keep answering by reading every
    /// action. Returns false when another replica holds the lease.
    /// </summary>
    public async Task<bool> RebuildIndexesAsync(string partnershipId)
    {
        var written = await IndexRebuild.RunAsync<PlanAction>(writer, IndexKey(partnershipId, "rebuild-lease"), replica.Name, IndexKey(partnershipId, "built"),
            IndexFormat, () => ListActionsAsync(partnershipId), a => ActionKey(partnershipId, a.Id), (w, a) => WriteIndexes(w, null, a, isNew: false));
        if (written is null) return false;
        await Db.KeyDeleteAsync(IndexKey(partnershipId, "due")); // format 1's due-day set, read by nothing since format 2
        logger.LogInformation("Action indexes of {PartnershipId} built: {Written} actions written (others were saved meanwhile)", partnershipId, written);
        return true;
    }

    /// <summary>An action's index entries, in its own transaction: out of the sets of the values it no longer has, into those of
    /// the values it has. <paramref name="before"/> is the state the writer read; without it (and not new), the action is
    /// taken out of every other status and strand set, and its priority and agencies are taken as unchanged.</summary>
    private void WriteIndexes(RedisWrite tx, PlanAction? before, PlanAction after, bool isNew)
    {
        var p = after.PartnershipId;
        if (before is null && !isNew)
        {
            foreach (var status in AllStatuses.Where(s => s != after.Status)) tx.SortedSetRemove(IndexKey(p, "status", status.ToString()), after.Id);
            foreach (var strand in AllStrands.Where(s => s != after.Strand)) tx.SortedSetRemove(IndexKey(p, "strand", strand.ToString()), after.Id);
        }
        if (before is null && !isNew)
            foreach (var status in AllStatuses)
                foreach (var strand in AllStrands.Where(s => s != after.Strand || status != after.Status))
                    tx.SortedSetRemove(IndexKey(p, "cell", Cell(after.PriorityId, strand, status)), after.Id);
        FilterIndexes.Move(tx, (field, value) => IndexKey(p, field, value), before is null ? null : IndexEntries(before), IndexEntries(after).ToList(), after.Id);
        tx.SetAdd(IndexKey(p, "cells"), Cell(after.PriorityId, after.Strand, after.Status));
        if (after.IsClosed) tx.SortedSetRemove(IndexKey(p, "open-due"), after.Id);
        else tx.SortedSetAdd(IndexKey(p, "open-due"), after.Id, OpenDueScore(after));
    }

    private static IEnumerable<(string Field, string Value)> IndexEntries(PlanAction action)
    {
        yield return ("priority", action.PriorityId);
        yield return ("strand", action.Strand.ToString());
        yield return ("status", action.Status.ToString());
        yield return ("agency", action.LeadAgencyId);
        foreach (var agency in action.SupportingAgencyIds) yield return ("agency", agency);
        yield return ("cell", Cell(action.PriorityId, action.Strand, action.Status));
    }

    /// <summary>A summary cell's name: priority ids are slugs, so <c>|</c> never occurs in one.</summary>
    private static string Cell(string priorityId, Strand strand, ActionStatus status) => $"{priorityId}|{strand}|{status}";

    /// <summary>
    /// The partnership's action summary (<see cref="ActionSummary"/>: counts by priority × strand × status, overdue, total)
    /// from the kept sets, without reading an action: the cells' names, then every cell's size, the open actions due up to
    /// yesterday and the id list's size in one transaction, conditional on the indexes being built. Indexes not built
    /// (yet): built first, as for a list; while another replica builds them, counted from every action.
    /// </summary>
    public async Task<ActionSummary> SummaryAsync(string partnershipId, DateOnly today)
    {
        if (_listMode == ActionListMode.Scan) return ActionSummary.Of((await ListActionsAsync(partnershipId)).Select(a => a.Value).ToList(), today);
        if (await KeptSummaryAsync(partnershipId, today) is { } kept) return kept;
        if (await RebuildIndexesAsync(partnershipId) && await KeptSummaryAsync(partnershipId, today) is { } rebuilt) return rebuilt;
        return ActionSummary.Of((await ListActionsAsync(partnershipId)).Select(a => a.Value).ToList(), today);
    }

    private async Task<ActionSummary?> KeptSummaryAsync(string p, DateOnly today)
    {
        var names = (await Db.SetMembersAsync(IndexKey(p, "cells"))).Select(v => (string)v!).ToList();
        var tx = Db.CreateTransaction();
        tx.AddCondition(Condition.StringEqual(IndexKey(p, "built"), IndexFormat));
        var sizes = names.Select(n => tx.SortedSetLengthAsync(IndexKey(p, "cell", n))).ToList();
        var overdue = tx.SortedSetLengthAsync(IndexKey(p, "open-due"), double.NegativeInfinity, OverdueMaxScore(today));
        var total = tx.SortedSetLengthAsync(keys.For(p, "actions"));
        if (!await tx.ExecuteAsync()) return null;
        var cells = new List<ActionSummary.Cell>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            var parts = names[i].Split('|');
            cells.Add(new ActionSummary.Cell(parts[0], Enum.Parse<Strand>(parts[1]), Enum.Parse<ActionStatus>(parts[2]), (int)await sizes[i]));
        }
        return ActionSummary.Of(cells, (int)await overdue, (int)await total);
    }

    private void MarkIndexed(RedisWrite tx, string partnershipId) => tx.StringSet(IndexKey(partnershipId, "built"), IndexFormat);

    private string IndexKey(string p, string name) => keys.For(p, "ix", name);
    private string IndexKey(string p, string field, string value) => keys.For(p, "ix", $"{field}:{value}");
}
