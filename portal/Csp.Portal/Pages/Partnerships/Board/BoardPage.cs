using System.Net;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Csp.Portal.Packs;

namespace Csp.Portal.Pages.Partnerships.Board;

/// <summary>
/// The base of the board dashboard and the governance pack pages: reads the board figures of the partnership from the
/// services, through the gateway with the user's token (KPI scorecard, actions, risk heat map, matrix and register,
/// funding allocations) in parallel. The funding position is optional: when the funding service refuses, is down or is
/// not deployed, the panel says it is not available and the rest is shown.
/// </summary>
public abstract class BoardPage : PartnershipPage
{
    /// <summary>How many open risks the "top risks" table lists (highest score first).</summary>
    public const int TopRiskCount = 5;

    /// <summary>Whether the caller is offered the governance packs (the board and the manager make and read them).</summary>
    public bool MayUsePacks => Caller.Has(Roles.Board, PartnershipId) || Caller.Has(Roles.Manager, PartnershipId);

    /// <summary>Where governance packs are kept (the portal's own Redis keys).</summary>
    internal PackStore Packs => ActivatorUtilities.GetServiceOrCreateInstance<PackStore>(HttpContext.RequestServices);

    /// <summary>The packs are the portal's own data, so the portal is their wall: the board and the manager of the partnership.</summary>
    internal void RequirePackRole()
    {
        if (!MayUsePacks)
            throw new ApiFailure(HttpStatusCode.Forbidden, new ApiProblem(403, "Governance packs are for the board and the CSP manager", null, ApiProblem.NoErrors, null));
    }

    /// <param name="kpiPeriod">The scorecard's period (a quarter for a pack); null for each KPI's latest.</param>
    protected async Task<BoardFigures> ReadFiguresAsync(string? kpiPeriod, CancellationToken cancellationToken)
    {
        var partnership = LoadPartnershipAsync(cancellationToken, withPlans: true);
        var scorecard = Api.GetAsync<ScorecardView>($"{ApiPath}/kpis/scorecard" + (kpiPeriod is null ? "" : "?period=" + Uri.EscapeDataString(kpiPeriod)), cancellationToken);
        var actions = ListActionsAsync("", cancellationToken);
        var heatMap = Api.GetAsync<BoardHeatMapView>($"{ApiPath}/risks/heat-map", cancellationToken);
        var matrix = Api.GetAsync<RiskMatrixView>($"{ApiPath}/risk-matrix", cancellationToken);
        var risks = Api.GetAsync<PageView<RiskView>>($"{ApiPath}/risks?pageSize=200", cancellationToken);
        var funding = ReadFundingAsync(cancellationToken);
        await Task.WhenAll(partnership, scorecard, actions, heatMap, matrix, risks, funding);

        var today = Today;
        var bands = (await matrix).Value!.Matrix.Bands.ToDictionary(b => b.Id, b => b.Label, StringComparer.Ordinal);
        string BandLabel(string band) => bands.TryGetValue(band, out var label) ? label : band;

        // Derived KPIs are grouped under platform ids (action-plan, risk-register) that are no plan's priorities.
        string GroupTitle(string id) => PriorityTitles.ContainsKey(id) ? PriorityTitle(id) : KpiDisplay.Humanise(id);
        var groups = (await scorecard).Value!.Priorities
            .Select(g => new KpiGroup(g.PriorityId, GroupTitle(g.PriorityId), g.Green, g.Amber, g.Red, g.None, g.Kpis)).ToList();

        var allActions = await actions;
        var actionRag = allActions.GroupBy(a => a.PriorityId, StringComparer.Ordinal).OrderBy(g => PriorityTitle(g.Key), StringComparer.Ordinal)
            .Select(g => new ActionRagGroup(g.Key, PriorityTitle(g.Key),
                g.GroupBy(a => a.Strand, StringComparer.Ordinal).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => RagRow(Display.Strand(s.Key), s)).ToList(),
                RagRow("All strands", g))).ToList();
        var overdue = allActions.Where(a => a.Overdue).OrderBy(a => a.DueDate).ThenBy(a => a.Id)
            .Select(a => new OverdueAction(a.Id, a.Title, PriorityTitle(a.PriorityId), Display.Strand(a.Strand), Partnership.AgencyName(a.LeadAgencyId), a.Owner,
                a.DueDate, today.DayNumber - a.DueDate.DayNumber, Display.Status(a.Status), a.ProgressPercent)).ToList();

        var map = (await heatMap).Value!;
        var axes = (await matrix).Value!.Matrix;
        var heat = new HeatMapFigures(map.Matrix, axes.Likelihood.Title, axes.Impact.Title,
            map.Likelihood.Select(l => new HeatLevel(l.Code, l.Label)).ToList(), map.Impact.Select(l => new HeatLevel(l.Code, l.Label)).ToList(),
            map.Cells.Select(c => new HeatCell(c.Rating, c.Likelihood, c.Impact, c.Band, BandLabel(c.Band), c.Score, c.Count, c.PreviousCount)).ToList(),
            map.PreviousQuarter, map.PreviousQuarterEnd, map.Total, map.PreviousTotal, map.OffMatrix,
            map.Movements.Select(m => new RiskMovement(m.RiskId, m.Title, m.PreviousRating, m.Rating, m.Direction)).ToList());

        var top = (await risks).Value!.Items.Where(r => r.Status == "open").OrderByDescending(r => r.Current.Score).ThenBy(r => r.Id).Take(TopRiskCount)
            .Select(r => new TopRisk(r.Id, r.Title, Partnership.AgencyName(r.OwningAgencyId), r.Owner, r.Current.Rating, r.Current.Band, BandLabel(r.Current.Band),
                r.Current.Score, r.Target?.Rating, r.DirectionOfTravel, r.AboveTolerance, r.NextReviewDate, r.ReviewOverdue)).ToList();

        return new BoardFigures(PartnershipId, Partnership.Name, today, kpiPeriod, groups, actionRag, overdue, heat, top, await funding);
    }

    private static ActionRagRow RagRow(string strand, IEnumerable<ActionView> actions)
    {
        var list = actions.ToList();
        return new ActionRagRow(strand, list.Count(a => a.Rag == "red"), list.Count(a => a.Rag == "amber"), list.Count(a => a.Rag == "green"),
            list.Count(a => a.Rag == "blue"), list.Count(a => a.Rag is not ("red" or "amber" or "green" or "blue")));
    }

    private async Task<FundingPosition> ReadFundingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var allocations = (await Api.GetAsync<List<BoardAllocationView>>($"{ApiPath}/funding/allocations", cancellationToken)).Value ?? [];
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
}

// The parts of the risk and funding services' answers the board figures read (docs/risk-register.md, docs/funding.md).

public sealed record BoardHeatMapView(
    string PartnershipId, string Matrix, IReadOnlyList<MatrixLevel> Likelihood, IReadOnlyList<MatrixLevel> Impact, DateOnly AsOf,
    string PreviousQuarter, DateOnly PreviousQuarterEnd, IReadOnlyList<BoardHeatCellView> Cells, IReadOnlyList<BoardMovementView> Movements,
    int Total, int PreviousTotal, int OffMatrix);

public sealed record BoardHeatCellView(string Rating, string Likelihood, string Impact, string Band, int Score, int Count, int PreviousCount);

public sealed record BoardMovementView(long RiskId, string Title, string Register, string? PreviousRating, string Rating, string? Direction);

public sealed record BoardAmountView(long Pence, string Pounds);

public sealed record BoardTotalsView(BoardAmountView Awarded, BoardAmountView Released, BoardAmountView Spent, BoardAmountView Remaining,
    BoardAmountView ProfileToDate, BoardAmountView SpentAgainstProfile, BoardAmountView? ForecastUnderspend, int ReturnsOverdue);

public sealed record BoardAllocationView(string Id, string FunderId, string ProgrammeTitle, string Year, string Status, BoardTotalsView Totals);
