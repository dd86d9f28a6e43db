using Csp.BuildingBlocks.Validation;
using Csp.Risk.Domain;

namespace Csp.Risk.Tests.Domain;

public class RiskFilterTests
{
    private static readonly RiskMatrix Council = RiskMatrix.CouncilDefault;

    private static RiskEntry Risk(string register, string current, bool closed = false)
    {
        Council.TryRead(current, out var rating);
        var at = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        var details = new RiskDetails("t", null, null, null, null, null, "medway-council", "CSM", null, null, Treatment.Treat, ReviewFrequency.Quarterly);
        var risk = RiskEntry.Create(1, "medway", register, details, new AssessmentDetails(null, rating, null, "r"), "u", "U", at, null);
        return closed ? risk.Close("done", at) : risk;
    }

    [Theory]
    [InlineData(null, RiskStatusFilter.Open)]
    [InlineData("open", RiskStatusFilter.Open)]
    [InlineData("closed", RiskStatusFilter.Closed)]
    [InlineData("all", RiskStatusFilter.All)]
    public void The_status_is_read_from_its_name_and_defaults_to_open(string? status, RiskStatusFilter expected)
    {
        var errors = new ValidationErrors();
        Assert.Equal(expected, RiskFilter.Read(null, null, status, Council, errors)!.Status);
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData(null, null, "Open", "status")]
    [InlineData(null, null, "archived", "status")]
    [InlineData(null, "purple", null, "band")]
    [InlineData("Task Force!", null, null, "register")]
    public void A_bad_filter_names_its_parameter(string? register, string? band, string? status, string field)
    {
        var errors = new ValidationErrors();
        Assert.Null(RiskFilter.Read(register, band, status, Council, errors));
        Assert.Contains(field, errors.Fields);
    }

    [Fact]
    public void A_filter_matches_by_register_band_and_status()
    {
        var errors = new ValidationErrors();
        var redTaskForce = RiskFilter.Read("medway-task-force", "red", null, Council, errors)!;
        Assert.True(redTaskForce.Matches(Risk("medway-task-force", "A1")));
        Assert.False(redTaskForce.Matches(Risk("csp", "A1")));
        Assert.False(redTaskForce.Matches(Risk("medway-task-force", "D3")));
        Assert.False(redTaskForce.Matches(Risk("medway-task-force", "A1", closed: true)));
        Assert.True(RiskFilter.Read(null, null, "closed", Council, errors)!.Matches(Risk("csp", "A1", closed: true)));
        Assert.True(RiskFilter.Read(null, null, "all", Council, errors)!.Matches(Risk("csp", "A1", closed: true)));
        Assert.True(errors.IsEmpty);
    }
}
