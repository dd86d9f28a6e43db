using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Risks;

/// <summary>
/// One risk (members): its details, mitigations, and its assessment history as a chart with the same figures in a table
/// (the latest <see cref="HistoryShown"/> assessments). The reassess and link forms are offered to the owning agency's
/// partners and the manager, who are the ones the risk service lets do them.
/// </summary>
public sealed class RiskModel : PartnershipPage
{
    public const int HistoryShown = 50;

    [FromRoute] public long RiskId { get; set; }
    [FromQuery(Name = "reassessed")] public int? Reassessed { get; set; }
    [FromQuery(Name = "linked")] public long? Linked { get; set; }

    public RiskView Risk { get; private set; } = null!;
    public RiskMatrixWithTolerance Matrix { get; private set; } = null!;
    public IReadOnlyList<Assessment> History { get; private set; } = [];
    public int HistoryTotal { get; private set; }
    public AssessmentChart Chart { get; private set; } = null!;

    public bool CanAssess => Caller.Has(Roles.Manager, PartnershipId) || (Caller.Has(Roles.Partner, PartnershipId) && Caller.Agency == Risk.OwningAgencyId);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        var path = $"{ApiPath}/risks/{RiskId}";
        Risk = (await Api.GetAsync<RiskView>(path, cancellationToken)).Value!;
        Matrix = (await Api.GetAsync<RiskMatrixRead>(ApiPath + "/risk-matrix", cancellationToken)).Value!.Matrix;
        (History, HistoryTotal) = await LatestAssessmentsAsync(Api, path, HistoryShown, cancellationToken);
        Chart = new AssessmentChart(History, Matrix);
    }

    /// <summary>The latest <paramref name="count"/> assessments, oldest first: the history is paged oldest first, so read
    /// the last page (and the one before it when the last is short).</summary>
    public static async Task<(IReadOnlyList<Assessment> Items, int Total)> LatestAssessmentsAsync(GatewayApi api, string riskPath, int count, CancellationToken cancellationToken)
    {
        var first = (await api.GetAsync<AssessmentHistoryView>($"{riskPath}/assessments?page=1&pageSize={count}", cancellationToken)).Value!;
        if (first.Total <= count) return (first.Assessments, first.Total);
        var lastPage = (first.Total + count - 1) / count;
        var last = (await api.GetAsync<AssessmentHistoryView>($"{riskPath}/assessments?page={lastPage}&pageSize={count}", cancellationToken)).Value!;
        var before = (await api.GetAsync<AssessmentHistoryView>($"{riskPath}/assessments?page={lastPage - 1}&pageSize={count}", cancellationToken)).Value!;
        return (before.Assessments.Concat(last.Assessments).TakeLast(count).ToList(), last.Total);
    }
}
