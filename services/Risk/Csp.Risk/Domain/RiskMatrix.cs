using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Validation;

namespace Csp.Risk.Domain;

/// <summary>
/// A partnership's risk matrix, as data: two axes of coded levels, the notation a rating is written in (the matrix's own
/// <see cref="RatingFormat"/>, e.g. <c>{likelihood}{impact}</c> → <c>D3</c>, or <c>{likelihood}x{impact}</c> → <c>4x3</c>),
/// every cell's band and score (a higher score is a worse risk), the bands from least to most severe, and the tolerance line.
/// </summary>
public sealed record RiskMatrix(
    string Name, string RatingFormat, MatrixAxis Likelihood, MatrixAxis Impact, IReadOnlyList<Band> Bands,
    IReadOnlyList<MatrixCell> Cells, Tolerance Tolerance)
{
    public const string LikelihoodPlaceholder = "{likelihood}";
    public const string ImpactPlaceholder = "{impact}";

    private Dictionary<string, RiskRating>? _byNotation;

    /// <summary>Writes a cell in the matrix's notation.</summary>
    public string Notation(string likelihood, string impact) =>
        RatingFormat.Replace(LikelihoodPlaceholder, likelihood, StringComparison.Ordinal).Replace(ImpactPlaceholder, impact, StringComparison.Ordinal);

    private Dictionary<string, RiskRating> ByNotation => _byNotation ??= Cells.ToDictionary(
        c => Notation(c.Likelihood, c.Impact), c => new RiskRating(Notation(c.Likelihood, c.Impact), c.Likelihood, c.Impact, c.Band, c.Score), StringComparer.Ordinal);

    /// <summary>All ratings the matrix can give, in cell order.</summary>
    [JsonIgnore] public IEnumerable<RiskRating> Ratings => Cells.Select(c => ByNotation[Notation(c.Likelihood, c.Impact)]);

    /// <summary>Reads a rating written exactly in the matrix's notation (case matters: <c>d3</c> is not <c>D3</c>).</summary>
    public bool TryRead(string? text, out RiskRating rating)
    {
        rating = null!;
        if (text is null) return false;
        if (!ByNotation.TryGetValue(text, out var found)) return false;
        rating = found;
        return true;
    }

    /// <summary>Reads a required rating field, adding a per-field error when it is missing or off the matrix.</summary>
    public RiskRating? Read(string field, string? text, ValidationErrors errors, bool required)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (required) errors.Add(field, $"is required: a rating on the matrix such as '{ExampleRating}'");
            return null;
        }
        if (TryRead(text, out var rating)) return rating;
        var shown = text.Length > 16 ? text[..16] + "…" : text;
        errors.Add(field, $"'{shown}' is not a rating on the matrix '{Name}': write {Describe()}, e.g. '{ExampleRating}'");
        return null;
    }

    /// <summary>The band's position from least (0) to most severe; -1 for a band this matrix does not have.</summary>
    public int Severity(string bandId)
    {
        for (var i = 0; i < Bands.Count; i++) if (Bands[i].Id == bandId) return i;
        return -1;
    }

    /// <summary>Above the tolerance line: in a band more severe than the most severe tolerated band, or over the tolerated score.</summary>
    public bool IsAboveTolerance(RiskRating rating) =>
        (Tolerance.MaxBand is { } maxBand && Severity(rating.Band) > Severity(maxBand)) || (Tolerance.MaxScore is { } maxScore && rating.Score > maxScore);

    [JsonIgnore] public string ExampleRating => Notation(Likelihood.Levels[^1].Code, Impact.Levels[^1].Code);

    private string Describe() =>
        $"the {Likelihood.Title.ToLowerInvariant()} ({string.Join(", ", Likelihood.Levels.Select(l => l.Code))}) and the {Impact.Title.ToLowerInvariant()} " +
        $"({string.Join(", ", Impact.Levels.Select(l => l.Code))}) as '{RatingFormat}'";

    /// <summary>
    /// The common UK council 6×4 scheme: likelihood A (very high) to F (almost impossible), impact 1 (catastrophic) to 4
    /// (negligible); lower letter and lower number = worse. Score = likelihood weight (A 6 … F 1) × impact weight (1 4 … 4 1).
    /// Banding (ours; Medway's own boundaries are not in the seeds): red A1 A2 B1 B2 C1; amber A3 A4 B3 C2 C3 D1 D2 E1;
    /// green the rest. Tolerance: up to amber.
    /// </summary>
    public static RiskMatrix CouncilDefault { get; } = BuildCouncilDefault();

    private static RiskMatrix BuildCouncilDefault()
    {
        string[] letters = ["A", "B", "C", "D", "E", "F"];
        string[] numbers = ["1", "2", "3", "4"];
        var red = new HashSet<string> { "A1", "A2", "B1", "B2", "C1" };
        var amber = new HashSet<string> { "A3", "A4", "B3", "C2", "C3", "D1", "D2", "E1" };
        var cells = new List<MatrixCell>();
        for (var l = 0; l < letters.Length; l++)
            for (var i = 0; i < numbers.Length; i++)
            {
                var rating = letters[l] + numbers[i];
                var band = red.Contains(rating) ? "red" : amber.Contains(rating) ? "amber" : "green";
                cells.Add(new MatrixCell(letters[l], numbers[i], band, (6 - l) * (4 - i)));
            }
        return new RiskMatrix(
            "UK council 6x4 (default)", LikelihoodPlaceholder + ImpactPlaceholder,
            new MatrixAxis("Likelihood", [new("A", "Very high"), new("B", "High"), new("C", "Significant"), new("D", "Low"), new("E", "Very low"), new("F", "Almost impossible")]),
            new MatrixAxis("Impact", [new("1", "Catastrophic"), new("2", "Critical"), new("3", "Marginal"), new("4", "Negligible")]),
            [new("green", "Green: within appetite"), new("amber", "Amber: monitor"), new("red", "Red: act now")],
            cells, new Tolerance("amber", null));
    }
}

public sealed record MatrixAxis(string Title, IReadOnlyList<MatrixLevel> Levels);

public sealed record MatrixLevel(string Code, string Label);

/// <summary>A band of the matrix, e.g. <c>red</c>.</summary>
public sealed record Band(string Id, string Label);

public sealed record MatrixCell(string Likelihood, string Impact, string Band, int Score);

/// <summary>The tolerance line: the most severe band tolerated and/or the highest score tolerated.</summary>
public sealed record Tolerance(string? MaxBand, int? MaxScore);

/// <summary>A rating: the cell written in the council's notation (<c>D3</c>), its axis codes, band and score as rated.
/// Assessments keep this snapshot, so history reads the same after the matrix is changed.</summary>
public sealed record RiskRating(string Rating, string Likelihood, string Impact, string Band, int Score)
{
    public override string ToString() => Rating;
}
