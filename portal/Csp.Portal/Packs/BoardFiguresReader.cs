using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Csp.Portal.Pages.Partnerships.Board;

namespace Csp.Portal.Packs;

/// <summary>
/// Reads the board figures of one partnership from the services, through the gateway with the signed-in user's token:
/// the partnership and its plans, the KPI scorecard, the actions, the risk heat map, matrix and register, and the funding
/// allocations, all eight calls at once (<see cref="ReadAsync"/>: the dashboard and one pack); or of up to 50 partnerships
/// with the four services' batch reads (<see cref="ReadManyAsync"/>: every partnership's packs). Both compose with
/// <see cref="BoardFiguresComposer"/>.
/// </summary>
public sealed class BoardFiguresReader(GatewayApi api, TimeProvider clock, BoardReading reading)
{
    /// <summary>How many open risks the "top risks" table lists (highest score first).</summary>
    public const int TopRiskCount = 5;

    /// <param name="kpiPeriod">The scorecard's period (a quarter for a pack); null for each KPI's latest.</param>
    /// <param name="cacheFor">The signed-in user's subject when the partnership, its plans and its risk matrix (which change
    /// rarely) may come from this user's own copy of the last <see cref="BoardReading.StaticTtl"/>: the live dashboard
    /// passes it; a pack, a snapshot, never does. The other five calls still carry the user's token every time, so the
    /// services still decide what the user may see.</param>
    public async Task<BoardFigures> ReadAsync(string partnershipId, string? kpiPeriod, CancellationToken cancellationToken, string? cacheFor = null)
    {
        var apiPath = "api/partnerships/" + Uri.EscapeDataString(partnershipId);
        var cache = reading.FirstVersion || string.IsNullOrEmpty(cacheFor) ? null : $"{cacheFor}\n{partnershipId}\n";
        var partnershipAndPlans = reading.FirstVersion
            ? SeriallyAsync(apiPath, cancellationToken)
            : cache is null ? ConcurrentlyAsync(apiPath, cancellationToken) : reading.StaticReads.GetAsync(cache + "partnership", () => ConcurrentlyAsync(apiPath, cancellationToken));
        var scorecard = Timed("kpis/scorecard", api.GetAsync<ScorecardView>($"{apiPath}/kpis/scorecard" + (kpiPeriod is null ? "" : "?period=" + Uri.EscapeDataString(kpiPeriod)), cancellationToken));
        var actions = Timed("actions", ListActionsAsync(apiPath, cancellationToken));
        var heatMap = Timed("risks/heat-map", api.GetAsync<BoardHeatMapView>($"{apiPath}/risks/heat-map", cancellationToken));
        var matrix = cache is null
            ? Timed("risk-matrix", api.GetAsync<RiskMatrixView>($"{apiPath}/risk-matrix", cancellationToken))
            : reading.StaticReads.GetAsync(cache + "risk-matrix", () => Timed("risk-matrix", api.GetAsync<RiskMatrixView>($"{apiPath}/risk-matrix", cancellationToken)));
        var risks = Timed("risks", api.GetAsync<PageView<RiskView>>($"{apiPath}/risks?pageSize=200", cancellationToken));
        var funding = Timed("funding/allocations", ReadFundingAsync(apiPath, cancellationToken));
        await Task.WhenAll(partnershipAndPlans, scorecard, actions, heatMap, matrix, risks, funding);

        var (partnership, plans) = await partnershipAndPlans;
        return BoardFiguresComposer.Compose(partnershipId, kpiPeriod, Csp.BuildingBlocks.Time.UkTime.Today(clock), partnership, plans,
            (await scorecard).Value!, await actions, (await heatMap).Value!, (await matrix).Value!, (await risks).Value!.Items, await funding);
    }

    /// <summary>
    /// The board figures of many partnerships (at most <see cref="BoardFiguresBatch.MaxPartnerships"/>): the four services'
    /// batch reads (<c>/api/board-figures/...</c>) at once, with the user's token, each partnership composed exactly as
    /// <see cref="ReadAsync"/> composes it. A partnership a service refused (403), does not know (404) or failed for is
    /// that partnership's <see cref="ApiFailure"/>, as the same call on its own would have been; the funding service's
    /// refusal is the funding position's "not available", as on its own.
    /// </summary>
    public async Task<IReadOnlyList<(string PartnershipId, BoardFigures? Figures, ApiFailure? Failure)>> ReadManyAsync(IReadOnlyList<string> partnershipIds,
        string? kpiPeriod, CancellationToken cancellationToken)
    {
        if (partnershipIds.Count is 0 or > BoardFiguresBatch.MaxPartnerships)
            throw new ArgumentOutOfRangeException(nameof(partnershipIds), $"1 to {BoardFiguresBatch.MaxPartnerships} partnerships at a time");
        var query = "?partnerships=" + string.Join(",", partnershipIds.Select(Uri.EscapeDataString));
        var actionPlan = Timed("batch action-plan", api.GetAsync<BoardFiguresBatch.Answer<BoardFiguresBatch.ActionPlanFigures>>("api/board-figures/action-plan" + query, cancellationToken));
        var risks = Timed("batch risks", api.GetAsync<BoardFiguresBatch.Answer<BoardFiguresBatch.RiskFigures>>("api/board-figures/risks" + query, cancellationToken));
        var kpis = Timed("batch kpis", api.GetAsync<BoardFiguresBatch.Answer<BoardFiguresBatch.KpiFigures>>("api/board-figures/kpis" + query
            + (kpiPeriod is null ? "" : "&period=" + Uri.EscapeDataString(kpiPeriod)), cancellationToken));
        var funding = Timed("batch funding", ReadFundingBatchAsync(query, cancellationToken));
        await Task.WhenAll(actionPlan, risks, kpis, funding);

        var today = Csp.BuildingBlocks.Time.UkTime.Today(clock);
        var a = BoardFiguresBatch.ByPartnership((await actionPlan).Value!);
        var r = BoardFiguresBatch.ByPartnership((await risks).Value!);
        var k = BoardFiguresBatch.ByPartnership((await kpis).Value!);
        var (fundingAnswer, fundingDown) = await funding;
        var f = fundingAnswer is null ? [] : BoardFiguresBatch.ByPartnership(fundingAnswer);
        var results = new List<(string, BoardFigures?, ApiFailure?)>(partnershipIds.Count);
        foreach (var id in partnershipIds)
        {
            // In the order the single path awaits them: the action plan's refusal is the one reported.
            if ((BoardFiguresBatch.Failure(id, a) ?? BoardFiguresBatch.Failure(id, k) ?? BoardFiguresBatch.Failure(id, r)) is { } failure)
            {
                results.Add((id, null, failure));
                continue;
            }
            var (plan, risk, kpi) = (a[id].Figures!, r[id].Figures!, k[id].Figures!);
            var fundingPosition = fundingDown is { } down ? BoardFiguresComposer.FundingNotAvailable(down)
                : BoardFiguresBatch.Failure(id, f) is { } refused
                ? BoardFiguresComposer.FundingNotAvailable(refused.Status)
                : BoardFiguresComposer.Funding(f[id].Figures!.Allocations);
            results.Add((id, BoardFiguresComposer.Compose(id, kpiPeriod, today, plan.Partnership, plan.Plans, kpi.Scorecard, plan.Actions,
                risk.HeatMap, risk.Matrix, risk.Risks.Items, fundingPosition), null));
        }
        return results;
    }

    /// <summary>The old path (kept for the benchmark's "before"): the plans are asked for only once the partnership has answered.</summary>
    private async Task<(PartnershipView, List<PlanView>)> SeriallyAsync(string apiPath, CancellationToken cancellationToken)
    {
        var partnership = (await Timed("partnership", api.GetAsync<PartnershipView>(apiPath, cancellationToken))).Value!;
        var plans = (await Timed("plans", api.GetAsync<List<PlanView>>(apiPath + "/plans", cancellationToken))).Value ?? [];
        return (partnership, plans);
    }

    private async Task<(PartnershipView, List<PlanView>)> ConcurrentlyAsync(string apiPath, CancellationToken cancellationToken)
    {
        var partnership = Timed("partnership", api.GetAsync<PartnershipView>(apiPath, cancellationToken));
        var plans = Timed("plans", api.GetAsync<List<PlanView>>(apiPath + "/plans", cancellationToken));
        return ((await partnership).Value!, (await plans).Value ?? []);
    }

    /// <summary>Every action of the partnership (the list is paged by 200).</summary>
    private async Task<List<ActionView>> ListActionsAsync(string apiPath, CancellationToken cancellationToken)
    {
        var all = new List<ActionView>();
        for (var page = 1; ; page++)
        {
            var result = (await api.GetAsync<PageView<ActionView>>($"{apiPath}/actions?pageSize=200&page={page}", cancellationToken)).Value!;
            all.AddRange(result.Items);
            if (all.Count >= result.Total || result.Items.Count == 0) return all;
        }
    }

    /// <summary>The funding batch, or (as for one partnership) the status it failed with: the funding position is then "not
    /// available" for each partnership and their packs are still made.</summary>
    private async Task<(BoardFiguresBatch.Answer<BoardFiguresBatch.FundingFigures>? Answer, HttpStatusCode? Failed)> ReadFundingBatchAsync(string query,
        CancellationToken cancellationToken)
    {
        try
        {
            return ((await api.GetAsync<BoardFiguresBatch.Answer<BoardFiguresBatch.FundingFigures>>("api/board-figures/funding" + query, cancellationToken)).Value, null);
        }
        catch (ApiFailure failure) when (failure.Status != HttpStatusCode.Unauthorized)
        {
            return (null, failure.Status);
        }
    }

    private async Task<FundingPosition> ReadFundingAsync(string apiPath, CancellationToken cancellationToken)
    {
        try
        {
            return BoardFiguresComposer.Funding((await api.GetAsync<List<BoardAllocationView>>($"{apiPath}/funding/allocations", cancellationToken)).Value ?? []);
        }
        catch (ApiFailure failure) when (failure.Status != HttpStatusCode.Unauthorized)
        {
            return BoardFiguresComposer.FundingNotAvailable(failure.Status);
        }
    }

    /// <summary>Records how long each call took when the benchmark asks (<see cref="BoardReading.CallTimes"/>); otherwise nothing.</summary>
    private Task<T> Timed<T>(string call, Task<T> task) => reading.CallTimes is { } times ? TimedAsync(call, task, times) : task;

    private static async Task<T> TimedAsync<T>(string call, Task<T> task, ConcurrentQueue<(string Call, double Ms)> times)
    {
        var started = Stopwatch.GetTimestamp();
        try { return await task; }
        finally { times.Enqueue((call, Stopwatch.GetElapsedTime(started).TotalMilliseconds)); }
    }
}

/// <summary>
/// How the board figures are read (a singleton). <see cref="FirstVersion"/> reproduces the first version (the plans asked
/// for after the partnership answered, nothing kept between requests) so that `make bench` measures the before and the
/// after in one run; <see cref="CallTimes"/>, when set, collects each service call's time for the benchmark's breakdown. Neither is
/// configuration: production uses the defaults.
/// </summary>
public sealed class BoardReading
{
    /// <summary>The one used when none is registered (the portal registers none; the benchmark does).</summary>
    public static BoardReading Default { get; } = new();

    public bool FirstVersion { get; set; }

    /// <summary>How long a user's copy of a partnership, its plans and its risk matrix serves the dashboard.</summary>
    public static readonly TimeSpan StaticTtl = TimeSpan.FromSeconds(60);

    /// <summary>Each user's recent copies of the reads that change rarely (see <see cref="BoardFiguresReader.ReadAsync"/>).</summary>
    public StaticReads StaticReads { get; } = new(StaticTtl);

    /// <summary>"Every partnership's packs" the first version's way: eight calls per partnership, <see cref="Parallelism"/>
    /// partnerships at a time (the benchmark's "before"); otherwise the services' batch reads, 50 partnerships a call.</summary>
    public bool PerPartnership { get; set; }

    /// <summary>How many partnerships' packs the per-partnership path reads at once (1 reproduces one after another).</summary>
    public int Parallelism { get; set; } = PackMaker.DefaultParallelism;

    public ConcurrentQueue<(string Call, double Ms)>? CallTimes { get; set; }
}

/// <summary>
/// Successful reads kept for a short time under a key that names the user (a failed read is not kept). Bounded: when it
/// holds <see cref="MaxEntries"/> it is emptied and starts again.
/// </summary>
public sealed class StaticReads(TimeSpan ttl)
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (long Expires, object Value)> _entries = new(StringComparer.Ordinal);

    public async Task<T> GetAsync<T>(string key, Func<Task<T>> read)
    {
        var now = Environment.TickCount64;
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > now && entry.Value is T value) return value;
        var fresh = await read();
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = (now + (long)ttl.TotalMilliseconds, fresh!);
        return fresh;
    }
}
