using Csp.Risk.Domain;

namespace Csp.Risk.Tests.Domain;

public class RiskRulesTests
{
    private static readonly RiskMatrix Council = RiskMatrix.CouncilDefault;

    private static RiskRating R(string rating) => Council.TryRead(rating, out var r) ? r : throw new ArgumentException(rating);

    private static RiskEntry RiskRated(params string[] currents)
    {
        var at = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        var details = new RiskDetails("Legislation", null, null, null, null, null, "medway-council", "CSM", null, null, Treatment.Treat, ReviewFrequency.Quarterly);
        var risk = RiskEntry.Create(1, "medway", "csp", details, new AssessmentDetails(null, R(currents[0]), null, "first"), "u", "U", at, null);
        foreach (var c in currents.Skip(1)) risk = risk.Reassess(new AssessmentDetails(null, R(c), null, "again"), "u", "U", at = at.AddDays(30), null);
        return risk;
    }

    [Theory]
    [InlineData(new[] { "D3" }, null)]
    [InlineData(new[] { "C2", "D3" }, Direction.Improving)]
    [InlineData(new[] { "D3", "E2" }, Direction.Stable)]   // both score 6
    [InlineData(new[] { "D3", "D3" }, Direction.Stable)]
    [InlineData(new[] { "E2", "C2" }, Direction.Worsening)]
    [InlineData(new[] { "A1", "E4", "D3" }, Direction.Worsening)] // only the last two count
    public void Direction_of_travel_compares_the_last_two_current_ratings_by_score(string[] currents, Direction? expected) =>
        Assert.Equal(expected, RiskRated(currents).DirectionOfTravel);

    [Fact]
    public void Crossing_the_tolerance_line_escalates_once_and_staying_above_does_not()
    {
        Assert.Equal("above-tolerance", RiskRules.Escalation(Council, R("D3"), R("B2")));
        Assert.Null(RiskRules.Escalation(Council, R("B2"), R("C1"))); // red to red: already escalated
        Assert.Null(RiskRules.Escalation(Council, R("B2"), R("A1")));
        Assert.Null(RiskRules.Escalation(Council, R("B2"), R("D3"))); // improving
        Assert.Equal("above-tolerance", RiskRules.Escalation(Council, R("D3"), R("B2"))); // back over the line: a new crossing
    }

    [Fact]
    public void Worsening_by_a_band_below_the_tolerance_line_escalates()
    {
        Assert.Equal("worsened-band", RiskRules.Escalation(Council, R("E3"), R("D2"))); // green to amber
        Assert.Null(RiskRules.Escalation(Council, R("E3"), R("E2")));                    // green to green
    }

    [Fact]
    public void A_new_risk_above_tolerance_escalates_and_a_tolerable_one_does_not()
    {
        Assert.Equal("above-tolerance", RiskRules.Escalation(Council, null, R("A2")));
        Assert.Null(RiskRules.Escalation(Council, null, R("D2")));
    }

    [Fact]
    public void Reassessing_carries_inherent_and_target_forward_and_moves_the_review_date()
    {
        var at = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        var details = new RiskDetails("Legislation", null, null, null, null, null, "medway-council", "CSM", null, null, Treatment.Treat, ReviewFrequency.Quarterly);
        var risk = RiskEntry.Create(1, "medway", "csp", details, new AssessmentDetails(R("C2"), R("D3"), R("E3"), "first"), "u", "U", at, null);
        Assert.Equal(new DateOnly(2026, 4, 5), risk.NextReviewDate);
        var later = risk.Reassess(new AssessmentDetails(null, R("D2"), null, "worse"), "u", "U", at.AddMonths(1), null);
        Assert.Equal("C2", later.Inherent!.Rating);
        Assert.Equal("E3", later.Target!.Rating);
        Assert.Equal("D2", later.Current.Rating);
        Assert.Equal(new DateOnly(2026, 5, 5), later.NextReviewDate);
        Assert.Equal(2, later.AssessmentCount);
        Assert.Equal(2, later.Latest.Number);
        Assert.Equal("D3", later.PreviousRating!.Rating);
    }

    [Fact]
    public void A_review_overdue_is_raised_once_per_review_date()
    {
        var risk = RiskRated("D3");
        var after = risk.NextReviewDate.AddDays(1);
        Assert.False(risk.TryRaiseReviewOverdue(risk.NextReviewDate, out _));
        Assert.True(risk.TryRaiseReviewOverdue(after, out var marked));
        Assert.False(marked.TryRaiseReviewOverdue(after.AddDays(5), out _));
    }

    [Fact]
    public void A_completed_mitigation_is_marked_done_once_and_prompts_a_review_when_all_are_done()
    {
        var risk = RiskRated("D3");
        var at = risk.Latest.At.AddDays(1);
        risk = risk.Link(new Mitigation(7, "a", "kent-police", at, "m", false, null)).Link(new Mitigation(8, "b", "kent-police", at, "m", false, null));
        Assert.True(risk.TryMarkMitigationDone(7, at.AddDays(1), out var one));
        Assert.Null(one.ReviewPrompt);
        Assert.False(one.TryMarkMitigationDone(7, at.AddDays(2), out var same));
        Assert.Same(one, same);
        Assert.True(one.TryMarkMitigationDone(8, at.AddDays(2), out var both));
        Assert.Equal("mitigations complete: review the rating", both.ReviewPrompt);
        Assert.False(both.TryMarkMitigationDone(99, at, out _));
        var reviewed = both.Reassess(new AssessmentDetails(null, R("E3"), null, "mitigations done"), "u", "U", at.AddDays(3), null);
        Assert.Null(reviewed.ReviewPrompt);
    }
}
