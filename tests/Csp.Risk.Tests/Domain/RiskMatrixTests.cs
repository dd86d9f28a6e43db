using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Validation;
using Csp.Risk.Domain;

namespace Csp.Risk.Tests.Domain;

public class RiskMatrixTests
{
    private static readonly RiskMatrix Council = RiskMatrix.CouncilDefault;

    [Theory]
    [InlineData("A1", "red", 24)]
    [InlineData("C1", "red", 16)]
    [InlineData("B2", "red", 15)]
    [InlineData("C2", "amber", 12)]
    [InlineData("D2", "amber", 9)]
    [InlineData("D3", "green", 6)] // seed 001: Legislation, PCC plans; seed 000: both Task Force risks
    [InlineData("E2", "green", 6)] // seed 001: Decreased agency buy-in, A wide range of CSP objectives
    [InlineData("F4", "green", 1)]
    public void The_default_council_matrix_bands_and_scores_each_cell(string rating, string band, int score)
    {
        Assert.True(Council.TryRead(rating, out var read));
        Assert.Equal(band, read.Band);
        Assert.Equal(score, read.Score);
        Assert.Equal(rating, read.Rating);
    }

    [Fact]
    public void The_default_matrix_has_24_cells_and_tolerates_up_to_amber()
    {
        Assert.Equal(24, Council.Cells.Count);
        Council.TryRead("C1", out var red);
        Council.TryRead("C2", out var amber);
        Assert.True(Council.IsAboveTolerance(red));
        Assert.False(Council.IsAboveTolerance(amber));
    }

    [Theory]
    [InlineData("G7")]  // off both axes
    [InlineData("G1")]  // no likelihood G
    [InlineData("A5")]  // no impact 5
    [InlineData("D0")]
    [InlineData("3D")]  // axes the wrong way round
    [InlineData("d3")]  // ratings are written in the council's notation: upper-case letters
    [InlineData(" D3")]
    [InlineData("D3 ")]
    [InlineData("D")]
    [InlineData("DD3")]
    [InlineData("4x3")] // another matrix's notation
    public void A_rating_off_the_matrix_is_refused_naming_the_field(string text)
    {
        Assert.False(Council.TryRead(text, out _));
        var errors = new ValidationErrors();
        Assert.Null(Council.Read("current", text, errors, required: true));
        Assert.Contains("current", errors.Fields);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_required_rating_is_refused_and_an_optional_one_is_left_out(string? text)
    {
        var errors = new ValidationErrors();
        Assert.Null(Council.Read("current", text, errors, required: true));
        Assert.Contains("current", errors.Fields);
        var none = new ValidationErrors();
        Assert.Null(Council.Read("target", text, none, required: false));
        Assert.True(none.IsEmpty);
    }

    [Fact]
    public void A_loaded_5x5_matrix_reads_ratings_in_its_own_notation()
    {
        var kent = Matrices.Loaded(Matrices.FiveByFive());
        Assert.Equal(25, kent.Cells.Count);
        Assert.True(kent.TryRead("4x3", out var rating));
        Assert.Equal(("4", "3", "amber", 12), (rating.Likelihood, rating.Impact, rating.Band, rating.Score));
        Assert.True(kent.TryRead("5x5", out var worst));
        Assert.Equal("red", worst.Band);
        Assert.True(kent.IsAboveTolerance(worst));
        foreach (var wrong in new[] { "43", "D3", "6x1", "0x2", "4X3", "x3", "" })
            Assert.False(kent.TryRead(wrong, out _), wrong);
    }

    [Fact]
    public void A_matrix_survives_storage_as_JSON()
    {
        var json = StorageJson.Serialize(Matrices.Loaded(Matrices.FiveByFive()));
        var back = StorageJson.Deserialize<RiskMatrix>(json);
        Assert.True(back.TryRead("3x5", out var r));
        Assert.Equal(15, r.Score);
        Assert.Equal("red", r.Band);
    }

    public static TheoryData<string, RiskMatrixDraft, string> BadMatrices => new()
    {
        { "no name", Matrices.FiveByFive() with { Name = "" }, "name" },
        { "format without impact", Matrices.FiveByFive() with { RatingFormat = "{likelihood}" }, "ratingFormat" },
        { "format with a brace", Matrices.FiveByFive() with { RatingFormat = "{likelihood}{impact}}" }, "ratingFormat" },
        { "ambiguous notation", Ambiguous(), "ratingFormat" },
        { "a missing cell", Matrices.FiveByFive() with { Cells = Matrices.FiveByFive().Cells!.Skip(1).ToList() }, "cells" },
        { "a cell on an unknown band", Matrices.FiveByFive() with { Cells = [Matrices.FiveByFive().Cells![0] with { Band = "purple" }, .. Matrices.FiveByFive().Cells!.Skip(1)] }, "cells[0].band" },
        { "a cell off the axes", Matrices.FiveByFive() with { Cells = [Matrices.FiveByFive().Cells![0] with { Likelihood = "9" }, .. Matrices.FiveByFive().Cells!.Skip(1)] }, "cells[0].likelihood" },
        { "a cell without a score", Matrices.FiveByFive() with { Cells = [Matrices.FiveByFive().Cells![0] with { Score = null }, .. Matrices.FiveByFive().Cells!.Skip(1)] }, "cells[0].score" },
        { "a duplicated level code", Matrices.FiveByFive() with { Impact = new AxisDraft("Impact", [new("1", "a"), new("1", "b")]) }, "impact.levels[1].code" },
        { "a level code with a space", Matrices.FiveByFive() with { Impact = new AxisDraft("Impact", [new("1 ", "a")]) }, "impact.levels[0].code" },
        { "tolerance on an unknown band", Matrices.FiveByFive() with { Tolerance = new ToleranceDraft("purple", null) }, "tolerance.maxBand" },
        { "no tolerance", Matrices.FiveByFive() with { Tolerance = null }, "tolerance" },
        { "no bands", Matrices.FiveByFive() with { Bands = [] }, "bands" },
    };

    /// <summary>Codes 1 and 11 on both axes written side by side: "1"+"11" and "11"+"1" are both "111".</summary>
    private static RiskMatrixDraft Ambiguous() => new("Ambiguous", "{likelihood}{impact}",
        new AxisDraft("Likelihood", [new("1", "a"), new("11", "b")]), new AxisDraft("Impact", [new("1", "a"), new("11", "b")]),
        [new BandDraft("green", "Green")],
        [new CellDraft("1", "1", "green", 1), new CellDraft("1", "11", "green", 2), new CellDraft("11", "1", "green", 2), new CellDraft("11", "11", "green", 4)],
        new ToleranceDraft("green", null));

    [Theory]
    [MemberData(nameof(BadMatrices))]
    public void A_bad_matrix_is_refused_naming_the_field(string @case, RiskMatrixDraft draft, string field)
    {
        var errors = new ValidationErrors();
        Assert.Null(draft.Validate(errors));
        Assert.True(errors.Fields.Contains(field), $"{@case}: expected '{field}' in {string.Join(", ", errors.Fields)}");
    }
}
