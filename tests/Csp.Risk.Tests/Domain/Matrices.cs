using Csp.BuildingBlocks.Validation;
using Csp.Risk.Domain;

namespace Csp.Risk.Tests.Domain;

/// <summary>Matrices for tests: a Kent-style 5×5 numeric matrix, written "likelihood x impact" (e.g. <c>4x3</c>).</summary>
public static class Matrices
{
    /// <summary>Likelihood 1 (rare) to 5 (almost certain) × impact 1 (minimal) to 5 (major); score = L × I; red ≥ 15,
    /// amber 8-12, green below; tolerance: up to amber.</summary>
    public static RiskMatrixDraft FiveByFive() => new(
        "Kent 5x5", "{likelihood}x{impact}",
        new AxisDraft("Likelihood", [.. Enumerable.Range(1, 5).Select(i => new LevelDraft(i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"L{i}"))]),
        new AxisDraft("Impact", [.. Enumerable.Range(1, 5).Select(i => new LevelDraft(i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"I{i}"))]),
        [new BandDraft("green", "Low"), new BandDraft("amber", "Medium"), new BandDraft("red", "High")],
        [.. from l in Enumerable.Range(1, 5) from i in Enumerable.Range(1, 5)
            select new CellDraft(l.ToString(System.Globalization.CultureInfo.InvariantCulture), i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                l * i >= 15 ? "red" : l * i >= 8 ? "amber" : "green", l * i)],
        new ToleranceDraft("amber", null));

    public static RiskMatrix Loaded(RiskMatrixDraft draft)
    {
        var errors = new ValidationErrors();
        return draft.Validate(errors) ?? throw new InvalidOperationException(string.Join("; ", errors.Fields));
    }
}
