using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

public class RagTests
{
    private static readonly Period Q = Period.Parse("2023-Q1", Frequency.Quarterly);

    [Fact]
    public void Red_beyond_the_percentage_tolerance_says_why_in_words()
    {
        var kpi = Kpis.Definition(Unit.RatePer1000, Polarity.LowerIsBetter, Target.Fixed(20.0m), new Tolerance(ToleranceKind.Percentage, 10m));
        var judged = RagRules.Judge(kpi, Q, 23.4m);
        Assert.Equal(Rag.Red, judged.Rag);
        Assert.Equal("red: 23.4 per 1,000 against a target of 20.0 per 1,000, beyond the 10% tolerance", judged.Reason);
        Assert.Equal(20.0m, judged.Target);
        Assert.Equal(1, judged.DefinitionVersion);
    }

    [Theory]
    [InlineData(18, Rag.Green)]
    [InlineData(20, Rag.Green)] // at target
    [InlineData(21, Rag.Amber)]
    [InlineData(22, Rag.Amber)] // exactly at the edge of the tolerance: amber
    [InlineData(22.01, Rag.Red)]
    public void Lower_is_better_with_a_10_percent_tolerance(decimal value, Rag expected)
    {
        var kpi = Kpis.Definition(Unit.RatePer1000, Polarity.LowerIsBetter, Target.Fixed(20m), new Tolerance(ToleranceKind.Percentage, 10m));
        Assert.Equal(expected, RagRules.Judge(kpi, Q, value).Rag);
    }

    [Theory]
    [InlineData(95, Rag.Green)]
    [InlineData(90, Rag.Green)]
    [InlineData(85, Rag.Amber)]
    [InlineData(84.9, Rag.Red)]
    public void Higher_is_better_with_an_absolute_tolerance(decimal value, Rag expected)
    {
        var kpi = Kpis.Definition(Unit.Percentage, Polarity.HigherIsBetter, Target.Fixed(90m), new Tolerance(ToleranceKind.Absolute, 5m));
        Assert.Equal(expected, RagRules.Judge(kpi, Q, value).Rag);
    }

    [Fact]
    public void Without_a_tolerance_any_shortfall_is_red()
    {
        var kpi = Kpis.Definition(Unit.Count, Polarity.HigherIsBetter, Target.Fixed(652m));
        var judged = RagRules.Judge(kpi, Q, 651m);
        Assert.Equal(Rag.Red, judged.Rag);
        Assert.Equal("red: 651 against a target of 652, worse than target (no tolerance)", judged.Reason);
    }

    [Fact]
    public void A_two_sided_tolerance_makes_an_overshoot_amber_never_red()
    {
        var kpi = Kpis.Definition(Unit.Percentage, Polarity.HigherIsBetter, Target.Fixed(100m), new Tolerance(ToleranceKind.Percentage, 5m, BothSides: true));
        Assert.Equal(Rag.Green, RagRules.Judge(kpi, Q, 100m).Rag);
        var under = Kpis.Definition(Unit.Count, Polarity.LowerIsBetter, Target.Fixed(100m), new Tolerance(ToleranceKind.Absolute, 10m, BothSides: true));
        Assert.Equal(Rag.Green, RagRules.Judge(under, Q, 90m).Rag);
        var judged = RagRules.Judge(under, Q, 89m);
        Assert.Equal(Rag.Amber, judged.Rag);
        Assert.Equal("amber: 89 against a target of 100, below it by more than the tolerance of 10", judged.Reason);
        Assert.Equal(Rag.Red, RagRules.Judge(under, Q, 111m).Rag);
    }

    [Fact]
    public void A_one_sided_tolerance_lets_any_overshoot_be_green()
    {
        var kpi = Kpis.Definition(Unit.Count, Polarity.LowerIsBetter, Target.Fixed(100m), new Tolerance(ToleranceKind.Absolute, 10m));
        Assert.Equal(Rag.Green, RagRules.Judge(kpi, Q, 0m).Rag);
    }

    [Fact]
    public void A_contextual_KPI_is_never_red_or_green()
    {
        var kpi = Kpis.Definition(Kpis.Spec(Unit.Count, Polarity.Contextual, target: Target.Fixed(10m)));
        var judged = RagRules.Judge(kpi, Q, 5000m);
        Assert.Equal(Rag.None, judged.Rag);
        Assert.StartsWith("no RAG: 5,000; a contextual KPI", judged.Reason);
    }

    [Fact]
    public void An_activity_indicator_has_no_target_and_is_never_red()
    {
        var kpi = Kpis.Definition(activity: true);
        var judged = RagRules.Judge(kpi, Q, 0m);
        Assert.Equal(Rag.None, judged.Rag);
        Assert.Null(judged.Target);
        Assert.Contains("activity indicator", judged.Reason);
    }

    [Fact]
    public void A_trajectory_target_is_judged_at_the_period()
    {
        // Seed 003: beat teams at 50% in June 2023 → 100% by September 2024. 2023-Q2's target is 60.04%.
        var kpi = Kpis.Definition(Unit.Percentage, Polarity.HigherIsBetter,
            Target.Of(new Milestone(new DateOnly(2023, 6, 30), 50m), new Milestone(new DateOnly(2024, 9, 30), 100m)), new Tolerance(ToleranceKind.Absolute, 5m));
        var judged = RagRules.Judge(kpi, Period.Parse("2023-Q2", Frequency.Quarterly), 58m);
        Assert.Equal(Rag.Amber, judged.Rag);
        Assert.Equal("amber: 58.0% against a target of 60.0%, within the tolerance of 5.0 percentage points", judged.Reason);
        Assert.Equal(60.04m, judged.Target);
    }

    [Fact]
    public void A_new_version_judges_with_its_own_number()
    {
        var v1 = Kpis.Definition(Unit.Count, Polarity.LowerIsBetter, Target.Fixed(100m));
        var v2 = v1.Change(v1.Spec with { Target = Target.Fixed(80m) }, "mgr", DateTimeOffset.UnixEpoch);
        Assert.Equal(Rag.Green, RagRules.Judge(v1, Q, 90m).Rag);
        var judged = RagRules.Judge(v2, Q, 90m);
        Assert.Equal((Rag.Red, 2), (judged.Rag, judged.DefinitionVersion));
    }
}
