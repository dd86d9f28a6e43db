using Csp.Risk.Domain;

namespace Csp.Risk.Tests.Domain;

/// <summary>The rules that have one home on the risk: above tolerance, mitigations complete, revising, scheduling a review,
/// and movement (shared by the direction of travel and the heat map).</summary>
public class RiskEntryTests
{
    private static readonly RiskMatrix Council = RiskMatrix.CouncilDefault;
    private static readonly DateTimeOffset At = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly RiskDetails Details = new("Legislation", null, null, null, null, null, "medway-council", "CSM", null, null, Treatment.Treat, ReviewFrequency.Quarterly);

    private static RiskRating R(string rating) => Council.TryRead(rating, out var r) ? r : throw new ArgumentException(rating);

    private static RiskEntry Rated(string current) =>
        RiskEntry.Create(1, "medway", "csp", Details, new AssessmentDetails(null, R(current), null, "first"), "u", "U", At, null);

    [Theory]
    [InlineData("B2", true)]  // red: above the council's tolerance (up to amber)
    [InlineData("C2", false)] // amber: tolerated
    [InlineData("D3", false)]
    public void An_open_risk_is_above_tolerance_when_its_current_rating_is(string current, bool above) =>
        Assert.Equal(above, Rated(current).IsAboveTolerance(Council));

    [Fact]
    public void A_closed_risk_is_never_above_tolerance()
    {
        var closed = Rated("A1").Close("Realised and managed.", At.AddDays(1));
        Assert.False(closed.IsAboveTolerance(Council));
        Assert.Equal(RiskStatus.Closed, closed.Status);
        Assert.Equal("Realised and managed.", closed.ClosedBecause);
    }

    [Fact]
    public void Mitigations_are_complete_only_when_there_are_some_and_all_are_done()
    {
        var risk = Rated("D3");
        Assert.False(risk.MitigationsComplete);
        risk = risk.Link(new Mitigation(7, "a", "kent-police", At, "m", false, null));
        Assert.False(risk.MitigationsComplete);
        Assert.True(risk.TryMarkMitigationDone(7, At.AddDays(1), out var done));
        Assert.True(done.MitigationsComplete);
    }

    [Fact]
    public void Revising_changes_the_register_and_details_but_not_the_ratings_and_keeps_the_review_date_unless_given()
    {
        var risk = Rated("D3");
        var revised = risk.Revise("medway-task-force", Details with { Title = "Legislation and guidance" }, null);
        Assert.Equal("medway-task-force", revised.Register);
        Assert.Equal("Legislation and guidance", revised.Details.Title);
        Assert.Equal((risk.Latest, risk.PreviousRating, risk.AssessmentCount), (revised.Latest, revised.PreviousRating, revised.AssessmentCount));
        Assert.Equal(risk.NextReviewDate, revised.NextReviewDate);
        Assert.Equal(new DateOnly(2026, 2, 1), risk.Revise("csp", Details, new DateOnly(2026, 2, 1)).NextReviewDate);
        Assert.Equal("csp", risk.Register); // the original is unchanged
    }

    [Fact]
    public void Scheduling_a_review_sets_the_next_review_date_and_a_passed_one_is_overdue()
    {
        var risk = Rated("D3").ScheduleReview(new DateOnly(2026, 1, 10));
        Assert.Equal(new DateOnly(2026, 1, 10), risk.NextReviewDate);
        Assert.False(risk.IsReviewOverdue(new DateOnly(2026, 1, 10)));
        Assert.True(risk.IsReviewOverdue(new DateOnly(2026, 1, 11)));
    }

    [Theory]
    [InlineData("C2", "D3", Direction.Improving)]
    [InlineData("D3", "E2", Direction.Stable)] // both score 6
    [InlineData("E2", "C2", Direction.Worsening)]
    public void The_heat_map_and_the_direction_of_travel_read_a_movement_the_same_way(string before, string now, Direction expected)
    {
        Assert.Equal(expected, RiskRules.Movement(R(before), R(now)));

        var today = new DateOnly(2026, 8, 1); // Q2 of 2026/27: the previous quarter ended on 30 June 2026
        var risk = RiskEntry.Create(1, "medway", "csp", Details, new AssessmentDetails(null, R(before), null, "first"), "u", "U", At, null)
            .Reassess(new AssessmentDetails(null, R(now), null, "again"), "u", "U", new DateTimeOffset(2026, 7, 15, 10, 0, 0, TimeSpan.Zero), null);
        Assert.Equal(expected, risk.DirectionOfTravel);
        // The latest assessment came after the cut-off, so the rating then is the one in force from the history.
        var cutOff = HeatMap.CutOff(today);
        Assert.True(risk.NeedsHistoryAt(cutOff));
        var inForce = new Dictionary<long, Assessment> { [1] = new(At, "u", "U", R(before), R(before), null, "first", 1) };
        var movement = Assert.Single(HeatMap.Of("medway", null, Council, [risk], today, inForce).Movements);
        Assert.Equal(expected, movement.Direction);
        Assert.Equal(before, movement.PreviousRating);
    }

    [Fact]
    public void A_partnership_copy_is_superseded_only_by_a_newer_version_of_itself()
    {
        static KnownPartnership Version(long version) => new("medway", "Medway CSP", [new KnownAgency("medway-council", "Medway Council")], version);
        var copy = Version(2);
        Assert.True(copy.IsSupersededBy(Version(3)));
        Assert.False(copy.IsSupersededBy(Version(2))); // a redelivery
        Assert.False(copy.IsSupersededBy(Version(1))); // an older change arriving late
        Assert.True(copy.HasAgency("medway-council"));
        Assert.False(copy.HasAgency("kent-police"));
    }
}
