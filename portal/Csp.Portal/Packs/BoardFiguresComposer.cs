using System.Net;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Csp.Portal.Pages.Partnerships.Board;

namespace Csp.Portal.Packs;

/// <summary>
/// The board figures made from the services' views: a pure function (no calls, no clock), used by the dashboard and one
/// pack (<see cref="BoardFiguresReader.ReadAsync"/>, eight calls) and by the packs of every partnership
/// (<see cref="BoardFiguresReader.ReadManyAsync"/>, four batch calls for up to 50), so a pack made in bulk is the one its
/// own button makes.
/// </summary>
public static class BoardFiguresComposer
{
    public static BoardFigures Compose(string partnershipId, string? kpiPeriod, DateOnly today, PartnershipView partnership, IReadOnlyList<PlanView> plans,
        ScorecardView scorecard, IReadOnlyList<ActionView> actions, BoardHeatMapView map, RiskMatrixView matrix, IReadOnlyList<RiskView> risks, FundingPosition funding)
    {
        var priorityTitles = plans.SelectMany(p => p.Priorities).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Title);
        string PriorityTitle(string id) => priorityTitles.TryGetValue(id, out var title) ? title : id;
        var bands = matrix.Matrix.Bands.ToDictionary(b => b.Id, b => b.Label, StringComparer.Ordinal);
        string BandLabel(string band) => bands.TryGetValue(band, out var label) ? label : band;

        // Derived KPIs are grouped under platform ids (action-plan, risk-register) that are no plan's priorities.
        string GroupTitle(string id) => priorityTitles.ContainsKey(id) ? PriorityTitle(id) : KpiDisplay.Humanise(id);
        var groups = scorecard.Priorities
            .Select(g => new KpiGroup(g.PriorityId, GroupTitle(g.PriorityId), g.Green, g.Amber, g.Red, g.None, g.Kpis)).ToList();

        var actionRag = actions.GroupBy(a => a.PriorityId, StringComparer.Ordinal).OrderBy(g => PriorityTitle(g.Key), StringComparer.Ordinal)
            .Select(g => new ActionRagGroup(g.Key, PriorityTitle(g.Key),
                g.GroupBy(a => a.Strand, StringComparer.Ordinal).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => RagRow(Display.Strand(s.Key), s)).ToList(),
                RagRow("All strands", g))).ToList();
        var overdue = actions.Where(a => a.Overdue).OrderBy(a => a.DueDate).ThenBy(a => a.Id)
            .Select(a => new OverdueAction(a.Id, a.Title, PriorityTitle(a.PriorityId), Display.Strand(a.Strand), partnership.AgencyName(a.LeadAgencyId), a.Owner,
                a.DueDate, today.DayNumber - a.DueDate.DayNumber, Display.Status(a.Status), a.ProgressPercent)).ToList();

        var axes = matrix.Matrix;
        var heat = new HeatMapFigures(map.Matrix, axes.Likelihood.Title, axes.Impact.Title,
            map.Likelihood.Select(l => new HeatLevel(l.Code, l.Label)).ToList(), map.Impact.Select(l => new HeatLevel(l.Code, l.Label)).ToList(),
            map.Cells.Select(c => new HeatCell(c.Rating, c.Likelihood, c.Impact, c.Band, BandLabel(c.Band), c.Score, c.Count, c.PreviousCount)).ToList(),
            map.PreviousQuarter, map.PreviousQuarterEnd, map.Total, map.PreviousTotal, map.OffMatrix,
            map.Movements.Select(m => new RiskMovement(m.RiskId, m.Title, m.PreviousRating, m.Rating, m.Direction)).ToList());

        var top = risks.Where(r => r.Status == "open").OrderByDescending(r => r.Current.Score).ThenBy(r => r.Id).Take(BoardFiguresReader.TopRiskCount)
            .Select(r => new TopRisk(r.Id, r.Title, partnership.AgencyName(r.OwningAgencyId), r.Owner, r.Current.Rating, r.Current.Band, BandLabel(r.Current.Band),
                r.Current.Score, r.Target?.Rating, r.DirectionOfTravel, r.AboveTolerance, r.NextReviewDate, r.ReviewOverdue)).ToList();

        return new BoardFigures(partnershipId, partnership.Name, today, kpiPeriod, groups, actionRag, overdue, heat, top, funding);
    }

    /// <summary>The funding position from the allocations (withdrawn ones left out), newest year first.</summary>
    public static FundingPosition Funding(IReadOnlyList<BoardAllocationView> allocations) =>
        new(allocations.Where(a => a.Status != "withdrawn").OrderByDescending(a => a.Year, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)
            .Select(a => new FundingLine(a.Id, a.ProgrammeTitle, a.FunderId, a.Year, a.Status, a.Totals.Awarded.Pence, a.Totals.Released.Pence, a.Totals.Spent.Pence,
                a.Totals.Remaining.Pence, a.Totals.ProfileToDate.Pence, a.Totals.SpentAgainstProfile.Pence, a.Totals.ForecastUnderspend?.Pence, a.Totals.ReturnsOverdue))
            .ToList(), null);

    /// <summary>Why the funding position is not shown, from the funding service's answer.</summary>
    public static FundingPosition FundingNotAvailable(HttpStatusCode status) => new([], status switch
    {
        HttpStatusCode.Forbidden => "Your role does not include the funding position.",
        HttpStatusCode.NotFound => "The funding service holds nothing for this partnership.",
        _ => "The funding position is not available at the moment.",
    });

    private static ActionRagRow RagRow(string strand, IEnumerable<ActionView> actions)
    {
        var list = actions.ToList();
        return new ActionRagRow(strand, list.Count(a => a.Rag == "red"), list.Count(a => a.Rag == "amber"), list.Count(a => a.Rag == "green"),
            list.Count(a => a.Rag == "blue"), list.Count(a => a.Rag is not ("red" or "amber" or "green" or "blue")));
    }
}
