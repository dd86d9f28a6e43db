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
    public const int TopRiskCount = BoardFiguresReader.TopRiskCount;

    /// <summary>Whether the caller is offered the governance packs (the board and the manager make and read them).</summary>
    public bool MayUsePacks => PackMaker.MayMake(Caller, PartnershipId);

    /// <summary>Where governance packs are kept (the portal's own Redis keys).</summary>
    internal PackStore Packs => ActivatorUtilities.GetServiceOrCreateInstance<PackStore>(HttpContext.RequestServices);

    /// <summary>The packs are the portal's own data, so the portal is their wall: the board and the manager of the partnership.</summary>
    internal void RequirePackRole()
    {
        if (!MayUsePacks)
            throw new ApiFailure(HttpStatusCode.Forbidden, new ApiProblem(403, "Governance packs are for the board and the CSP manager", null, ApiProblem.NoErrors, null));
    }

    /// <summary>How the board figures are read (the benchmark registers its own to measure the old path beside the new).</summary>
    internal BoardReading Reading => HttpContext.RequestServices.GetService<BoardReading>() ?? BoardReading.Default;

    internal BoardFiguresReader Reader => new(Api, HttpContext.RequestServices.GetRequiredService<TimeProvider>(), Reading);

    internal PackMaker PackMaker => new(Reader, Packs, HttpContext.RequestServices.GetRequiredService<TimeProvider>());

    /// <param name="kpiPeriod">The scorecard's period (a quarter for a pack); null for each KPI's latest.</param>
    protected Task<BoardFigures> ReadFiguresAsync(string? kpiPeriod, CancellationToken cancellationToken) =>
        Reader.ReadAsync(PartnershipId, kpiPeriod, cancellationToken);
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
