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
/// allocations, all eight calls at once. Used by the dashboard, by a pack, and by the packs made for every partnership.
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
        var priorityTitles = plans.SelectMany(p => p.Priorities).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Title);
        string PriorityTitle(string id) => priorityTitles.TryGetValue(id, out var title) ? title : id;
        var today = Csp.BuildingBlocks.Time.UkTime.Today(clock);
        var bands = (await matrix).Value!.Matrix.Bands.ToDictionary(b => b.Id, b => b.Label, StringComparer.Ordinal);
        string BandLabel(string band) => bands.TryGetValue(band, out var label) ? label : band;

        // Derived KPIs are grouped under platform ids (action-plan, risk-register) that are no plan's priorities.
        string GroupTitle(string id) => priorityTitles.ContainsKey(id) ? PriorityTitle(id) : KpiDisplay.Humanise(id);
        var groups = (await scorecard).Value!.Priorities
            .Select(g => new KpiGroup(g.PriorityId, GroupTitle(g.PriorityId), g.Green, g.Amber, g.Red, g.None, g.Kpis)).ToList();

        var allActions = await actions;
        var actionRag = allActions.GroupBy(a => a.PriorityId, StringComparer.Ordinal).OrderBy(g => PriorityTitle(g.Key), StringComparer.Ordinal)
            .Select(g => new ActionRagGroup(g.Key, PriorityTitle(g.Key),
                g.GroupBy(a => a.Strand, StringComparer.Ordinal).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => RagRow(Display.Strand(s.Key), s)).ToList(),
                RagRow("All strands", g))).ToList();
        var overdue = allActions.Where(a => a.Overdue).OrderBy(a => a.DueDate).ThenBy(a => a.Id)
            .Select(a => new OverdueAction(a.Id, a.Title, PriorityTitle(a.PriorityId), Display.Strand(a.Strand), partnership.AgencyName(a.LeadAgencyId), a.Owner,
                a.DueDate, today.DayNumber - a.DueDate.DayNumber, Display.Status(a.Status), a.ProgressPercent)).ToList();

        var map = (await heatMap).Value!;
        var axes = (await matrix).Value!.Matrix;
        var heat = new HeatMapFigures(map.Matrix, axes.Likelihood.Title, axes.Impact.Title,
            map.Likelihood.Select(l => new HeatLevel(l.Code, l.Label)).ToList(), map.Impact.Select(l => new HeatLevel(l.Code, l.Label)).ToList(),
            map.Cells.Select(c => new HeatCell(c.Rating, c.Likelihood, c.Impact, c.Band, BandLabel(c.Band), c.Score, c.Count, c.PreviousCount)).ToList(),
            map.PreviousQuarter, map.PreviousQuarterEnd, map.Total, map.PreviousTotal, map.OffMatrix,
            map.Movements.Select(m => new RiskMovement(m.RiskId, m.Title, m.PreviousRating, m.Rating, m.Direction)).ToList());

        var top = (await risks).Value!.Items.Where(r => r.Status == "open").OrderByDescending(r => r.Current.Score).ThenBy(r => r.Id).Take(TopRiskCount)
            .Select(r => new TopRisk(r.Id, r.Title, partnership.AgencyName(r.OwningAgencyId), r.Owner, r.Current.Rating, r.Current.Band, BandLabel(r.Current.Band),
                r.Current.Score, r.Target?.Rating, r.DirectionOfTravel, r.AboveTolerance, r.NextReviewDate, r.ReviewOverdue)).ToList();

        return new BoardFigures(partnershipId, partnership.Name, today, kpiPeriod, groups, actionRag, overdue, heat, top, await funding);
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

    private static ActionRagRow RagRow(string strand, IEnumerable<ActionView> actions)
    {
        var list = actions.ToList();
        return new ActionRagRow(strand, list.Count(a => a.Rag == "red"), list.Count(a => a.Rag == "amber"), list.Count(a => a.Rag == "green"),
            list.Count(a => a.Rag == "blue"), list.Count(a => a.Rag is not ("red" or "amber" or "green" or "blue")));
    }

    private async Task<FundingPosition> ReadFundingAsync(string apiPath, CancellationToken cancellationToken)
    {
        try
        {
            var allocations = (await api.GetAsync<List<BoardAllocationView>>($"{apiPath}/funding/allocations", cancellationToken)).Value ?? [];
            return new FundingPosition(allocations.Where(a => a.Status != "withdrawn").OrderByDescending(a => a.Year, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)
                .Select(a => new FundingLine(a.Id, a.ProgrammeTitle, a.FunderId, a.Year, a.Status, a.Totals.Awarded.Pence, a.Totals.Released.Pence, a.Totals.Spent.Pence,
                    a.Totals.Remaining.Pence, a.Totals.ProfileToDate.Pence, a.Totals.SpentAgainstProfile.Pence, a.Totals.ForecastUnderspend?.Pence, a.Totals.ReturnsOverdue))
                .ToList(), null);
        }
        catch (ApiFailure failure) when (failure.Status != HttpStatusCode.Unauthorized)
        {
            return new FundingPosition([], failure.Status switch
            {
                HttpStatusCode.Forbidden => "Your role does not include the funding position.",
                HttpStatusCode.NotFound => "The funding service holds nothing for this partnership.",
                _ => "The funding position is not available at the moment.",
            });
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

    /// <summary>How many partnerships' packs "every partnership" reads at once (1 reproduces one after another).</summary>
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
