using Csp.Portal.Api;

namespace Csp.Portal.Packs;

// What the board dashboard shows, as the portal's own records: the dashboard renders them live, and a governance pack is
// these same records stored as JSON at the moment the pack was made (so a pack reads later exactly as it was shown).
// A change to these records is a change of the stored format: add fields (nullable), never rename or remove them.

/// <summary>Everything the board sees for one partnership: the KPI scorecard, action RAG, overdue actions, the risk heat map
/// and top risks, and the funding position.</summary>
public sealed record BoardFigures(
    string PartnershipId, string PartnershipName, DateOnly AsOf, string? KpiPeriod,
    IReadOnlyList<KpiGroup> Scorecard, IReadOnlyList<ActionRagGroup> ActionRag, IReadOnlyList<OverdueAction> OverdueActions,
    HeatMapFigures? HeatMap, IReadOnlyList<TopRisk> TopRisks, FundingPosition Funding);

/// <summary>One plan priority's KPIs with their RAG counts.</summary>
public sealed record KpiGroup(string PriorityId, string PriorityTitle, int Green, int Amber, int Red, int None, IReadOnlyList<KpiCardView> Kpis);

/// <summary>Actions by RAG for one strand (or, as <see cref="ActionRagGroup.Total"/>, all strands) of a priority.</summary>
public sealed record ActionRagRow(string Strand, int Red, int Amber, int Green, int Complete, int NotStartedOrCancelled)
{
    public int Total => Red + Amber + Green + Complete + NotStartedOrCancelled;
}

public sealed record ActionRagGroup(string PriorityId, string PriorityTitle, IReadOnlyList<ActionRagRow> Strands, ActionRagRow Total);

public sealed record OverdueAction(long Id, string Title, string PriorityTitle, string Strand, string LeadAgency, string Owner, DateOnly DueDate,
    int DaysOverdue, string Status, int ProgressPercent);

public sealed record HeatLevel(string Code, string Label);

/// <summary>A matrix cell: open risks rated there now, and at the end of the previous quarter.</summary>
public sealed record HeatCell(string Rating, string Likelihood, string Impact, string Band, string BandLabel, int Score, int Count, int PreviousCount);

public sealed record RiskMovement(long RiskId, string Title, string? PreviousRating, string Rating, string? Direction);

/// <summary>The partnership's own matrix grid with counts now and at the end of the previous quarter, and each open risk's move.</summary>
public sealed record HeatMapFigures(
    string Matrix, string LikelihoodTitle, string ImpactTitle, IReadOnlyList<HeatLevel> Likelihood, IReadOnlyList<HeatLevel> Impact,
    IReadOnlyList<HeatCell> Cells, string PreviousQuarter, DateOnly PreviousQuarterEnd, int Total, int PreviousTotal, int OffMatrix,
    IReadOnlyList<RiskMovement> Movements)
{
    public HeatCell? Cell(string likelihood, string impact) => Cells.FirstOrDefault(c => c.Likelihood == likelihood && c.Impact == impact);
}

public sealed record TopRisk(long Id, string Title, string OwningAgency, string Owner, string Rating, string Band, string BandLabel, int Score,
    string? TargetRating, string? DirectionOfTravel, bool AboveTolerance, DateOnly NextReviewDate, bool ReviewOverdue);

/// <summary>One allocation's position, money in pence.</summary>
public sealed record FundingLine(string AllocationId, string Programme, string FunderId, string Year, string Status, long AwardedPence,
    long ReleasedPence, long SpentPence, long RemainingPence, long ProfileToDatePence, long SpentAgainstProfilePence, long? ForecastUnderspendPence,
    int ReturnsOverdue);

/// <summary>The funding position, or why it is not shown (the funding service refused, is down, or is not deployed).</summary>
public sealed record FundingPosition(IReadOnlyList<FundingLine> Allocations, string? NotAvailable)
{
    public bool Available => NotAvailable is null;
}
