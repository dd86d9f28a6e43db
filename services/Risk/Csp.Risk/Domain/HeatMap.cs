using Csp.BuildingBlocks.Time;

namespace Csp.Risk.Domain;

/// <summary>
/// The heat map: open risks counted per matrix cell by current rating, beside the position at the end of the previous
/// financial quarter (each risk's current rating as of then, from its assessment history), with each risk's movement.
/// </summary>
public sealed record HeatMap(
    string PartnershipId, string? Register, string Matrix, string RatingFormat, IReadOnlyList<MatrixLevel> Likelihood, IReadOnlyList<MatrixLevel> Impact,
    DateOnly AsOf, string PreviousQuarter, DateOnly PreviousQuarterEnd, IReadOnlyList<HeatMap.Cell> Cells, IReadOnlyList<HeatMap.Movement> Movements,
    int Total, int PreviousTotal, int OffMatrix)
{
    public sealed record Cell(string Rating, string Likelihood, string Impact, string Band, int Score, int Count, int PreviousCount);

    /// <summary>One open risk's move since the end of the previous quarter; previous is null for a risk added since.</summary>
    public sealed record Movement(long RiskId, string Title, string Register, string? PreviousRating, string Rating, Direction? Direction);

    /// <summary>The last instant of the previous financial quarter (UK time): the "then" of the map.</summary>
    public static DateTimeOffset CutOff(DateOnly today) => UkTime.StartOf(FinancialQuarter.Containing(today).Previous.End.AddDays(1)).AddTicks(-1);

    /// <param name="inForceAtCutOff">For each risk whose latest assessment came after the cut-off
    /// (<see cref="RiskEntry.NeedsHistoryAt"/>), the newest assessment from its history made at or before it.</param>
    public static HeatMap Of(string partnershipId, string? register, RiskMatrix matrix, IEnumerable<RiskEntry> risks, DateOnly today,
        IReadOnlyDictionary<long, Assessment> inForceAtCutOff)
    {
        var previousQuarter = FinancialQuarter.Containing(today).Previous;
        var cutOff = CutOff(today);
        var selected = risks.Where(r => register is null || r.Register == register).ToList();

        var now = new Dictionary<string, int>(StringComparer.Ordinal);
        var then = new Dictionary<string, int>(StringComparer.Ordinal);
        var movements = new List<Movement>();
        var offMatrix = 0;
        foreach (var risk in selected)
        {
            var before = risk.CurrentAt(cutOff, inForceAtCutOff.GetValueOrDefault(risk.Id));
            if (before is not null && matrix.TryRead(before.Rating, out _)) then[before.Rating] = then.GetValueOrDefault(before.Rating) + 1;
            if (!risk.IsOpen) continue;
            if (matrix.TryRead(risk.Current.Rating, out _)) now[risk.Current.Rating] = now.GetValueOrDefault(risk.Current.Rating) + 1;
            else offMatrix++; // rated on an earlier matrix whose cell no longer exists
            Direction? direction = before is null ? null : RiskRules.Movement(before, risk.Current);
            movements.Add(new Movement(risk.Id, risk.Details.Title, risk.Register, before?.Rating, risk.Current.Rating, direction));
        }

        var cells = matrix.Ratings.Select(r => new Cell(r.Rating, r.Likelihood, r.Impact, r.Band, r.Score, now.GetValueOrDefault(r.Rating), then.GetValueOrDefault(r.Rating))).ToList();
        return new HeatMap(partnershipId, register, matrix.Name, matrix.RatingFormat, matrix.Likelihood.Levels, matrix.Impact.Levels, today,
            previousQuarter.ToString(), previousQuarter.End, cells, movements.OrderBy(m => m.RiskId).ToList(),
            now.Values.Sum() + offMatrix, then.Values.Sum(), offMatrix);
    }
}
