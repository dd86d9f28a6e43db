namespace Csp.Portal.Api;

// The risk register's reads and writes the manager's pages use beyond those in Views.cs (docs/risk-register.md).

/// <summary>A matrix with its tolerance line, as <c>GET .../risk-matrix</c> answers (Views.cs's <see cref="RiskMatrix"/>
/// leaves the tolerance out).</summary>
public sealed record RiskMatrixWithTolerance(string Name, string RatingFormat, MatrixAxis Likelihood, MatrixAxis Impact,
    IReadOnlyList<MatrixBand> Bands, IReadOnlyList<MatrixCell> Cells, RiskTolerance? Tolerance)
{
    public string Rating(MatrixCell cell) => RatingFormat.Replace("{likelihood}", cell.Likelihood, StringComparison.Ordinal).Replace("{impact}", cell.Impact, StringComparison.Ordinal);

    public string BandLabel(string band) => Bands.FirstOrDefault(b => b.Id == band)?.Label ?? band;

    public int MaxScore => Cells.Count == 0 ? 1 : Cells.Max(c => c.Score);

    /// <summary>A rating in words: "D3: low likelihood, marginal impact".</summary>
    public string Describe(MatrixCell cell)
    {
        var likelihood = Likelihood.Levels.FirstOrDefault(l => l.Code == cell.Likelihood)?.Label ?? cell.Likelihood;
        var impact = Impact.Levels.FirstOrDefault(l => l.Code == cell.Impact)?.Label ?? cell.Impact;
        return $"{Rating(cell)}: {likelihood.ToLowerInvariant()} {Likelihood.Title.ToLowerInvariant()}, {impact.ToLowerInvariant()} {Impact.Title.ToLowerInvariant()}";
    }

    /// <summary>The ratings from the worst (highest score) to the least.</summary>
    public IEnumerable<MatrixCell> WorstFirst => Cells.OrderByDescending(c => c.Score).ThenBy(c => c.Likelihood, StringComparer.Ordinal).ThenBy(c => c.Impact, StringComparer.Ordinal);
}

public sealed record RiskTolerance(string? MaxBand, int? MaxScore);

public sealed record RiskMatrixRead(string PartnershipId, bool IsDefault, RiskMatrixWithTolerance Matrix, long? Version);
