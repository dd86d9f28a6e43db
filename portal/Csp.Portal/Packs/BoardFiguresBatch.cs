using System.Net;
using Csp.Portal.Api;
using Csp.Portal.Pages.Partnerships.Board;

namespace Csp.Portal.Packs;

/// <summary>
/// The services' batch reads of the board figures (<c>GET /api/board-figures/{action-plan|risks|kpis|funding}?partnerships=</c>,
/// docs/api.md): one item per partnership, in the order asked, 200 with the same views the single endpoints answer, or the
/// problem the single endpoint would have answered (403, 404).
/// </summary>
public static class BoardFiguresBatch
{
    /// <summary>How many partnerships one batch read may name (the services refuse more).</summary>
    public const int MaxPartnerships = 50;

    public sealed record Answer<T>(IReadOnlyList<Item<T>> Items);

    public sealed record Item<T>(string PartnershipId, int Status, T? Figures, Problem? Problem);

    public sealed record Problem(int? Status, string? Title, string? Detail);

    public sealed record ActionPlanFigures(PartnershipView Partnership, IReadOnlyList<PlanView> Plans, IReadOnlyList<ActionView> Actions);

    public sealed record RiskFigures(BoardHeatMapView HeatMap, RiskMatrixView Matrix, PageView<RiskView> Risks);

    public sealed record KpiFigures(ScorecardView Scorecard);

    public sealed record FundingFigures(IReadOnlyList<BoardAllocationView> Allocations);

    public static Dictionary<string, Item<T>> ByPartnership<T>(Answer<T> answer) =>
        answer.Items.GroupBy(i => i.PartnershipId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>The partnership's item as the failure its own call would have thrown; null when it was answered.</summary>
    public static ApiFailure? Failure<T>(string partnershipId, Dictionary<string, Item<T>> items)
    {
        if (!items.TryGetValue(partnershipId, out var item))
            return new ApiFailure(HttpStatusCode.BadGateway, new ApiProblem(502, "The service's answer left this partnership out", null, ApiProblem.NoErrors, null));
        if (item.Status == 200 && item.Figures is not null) return null;
        var status = item.Status == 200 ? 502 : item.Status;
        return new ApiFailure((HttpStatusCode)status, new ApiProblem(status, item.Problem?.Title ?? "", item.Problem?.Detail, ApiProblem.NoErrors, null));
    }
}
