using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

/// <summary>Seed 003: beat-officer teams at 50% in June 2023, 100% by September 2024; the rule in <see cref="Target"/>.</summary>
public class TargetTests
{
    private static readonly Target BeatTeams = Target.Of(new Milestone(new DateOnly(2023, 6, 30), 50m), new Milestone(new DateOnly(2024, 9, 30), 100m));

    [Theory]
    [InlineData("2022-Q4", 50)] // before the first milestone: its value
    [InlineData("2023-Q1", 50)] // ends on the first milestone
    [InlineData("2023-Q2", 60.04)] // 30 Sep 2023: 50 + 50 × 92 / 458 = 60.0436...
    [InlineData("2023-Q3", 70.09)] // 31 Dec 2023: 50 + 50 × 184 / 458 = 70.0873...
    [InlineData("2023-Q4", 80.02)] // 31 Mar 2024 (a leap year): 50 + 50 × 275 / 458 = 80.0218...
    [InlineData("2024-Q1", 89.96)] // 30 Jun 2024: 50 + 50 × 366 / 458 = 89.9563...
    [InlineData("2024-Q2", 100)] // ends on the last milestone
    [InlineData("2025-Q1", 100)] // after it: its value holds
    public void A_trajectory_is_interpolated_by_calendar_days_at_the_end_of_the_period(string quarter, decimal expected) =>
        Assert.Equal(expected, BeatTeams.For(Period.Parse(quarter, Frequency.Quarterly)));

    [Fact]
    public void A_monthly_period_reads_the_line_at_its_last_day()
    {
        // 31 Jul 2023: 31 days after 30 June; 50 + 50 × 31 / 458 = 53.384...
        Assert.Equal(53.38m, BeatTeams.For(Period.Parse("2023-07", Frequency.Monthly)));
    }

    [Fact]
    public void A_trajectory_with_three_milestones_follows_the_segment_around_the_day()
    {
        var target = Target.Of(new Milestone(new DateOnly(2024, 3, 31), 10m), new Milestone(new DateOnly(2024, 4, 30), 20m), new Milestone(new DateOnly(2024, 5, 31), 0m));
        Assert.Equal(20m, target.For(Period.Parse("2024-04", Frequency.Monthly)));
        Assert.Equal(0m, target.For(Period.Parse("2024-05", Frequency.Monthly)));
        Assert.Equal(15m, Target.Interpolate(target.Trajectory!, new DateOnly(2024, 4, 15))); // 15 of 30 days from 10 to 20
    }

    [Fact]
    public void A_fixed_target_is_the_same_for_every_period() =>
        Assert.Equal(20m, Target.Fixed(20m).For(Period.Parse("2030-Q3", Frequency.Quarterly)));
}
