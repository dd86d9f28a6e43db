using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Validation;
using Csp.BuildingBlocks.Time;

namespace Csp.ActionPlan.Tests.Domain;

public class UpdateRoundTests
{
    private static readonly DateOnly OpensOn = new(2026, 11, 9);

    [Fact]
    public void Outstanding_lists_open_actions_with_no_update_since_the_round_opened()
    {
        var round = new UpdateRound("2026-q3", "medway", FinancialQuarter.Parse("2026-Q3"), OpensOn, OpensOn.AddDays(21), "mgr", DateTimeOffset.UtcNow);
        var notUpdated = ActionRulesTests.AnAction(id: 1);
        var updatedBefore = ActionRulesTests.AnAction(id: 2).RecordUpdate(new UpdateDetails(null, 10, "old"), "p", "P", null, UkTime.StartOf(OpensOn.AddDays(-1))).Action!;
        var updatedDuring = ActionRulesTests.AnAction(id: 3).RecordUpdate(new UpdateDetails(null, 10, "new"), "p", "P", null, UkTime.StartOf(OpensOn)).Action!;
        var completed = ActionRulesTests.AnAction(ActionStatus.Completed, id: 4);

        var outstanding = round.Outstanding([notUpdated, updatedBefore, updatedDuring, completed]);

        Assert.Equal([1L, 2L], outstanding.Select(a => a.Id).ToArray());
    }

    [Fact]
    public void An_update_late_in_the_UK_evening_counts_for_that_UK_day()
    {
        // 23:30 BST on 30 June is 22:30 UTC: still 30 June in the UK.
        var at = new DateTimeOffset(2026, 6, 30, 22, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateOnly(2026, 6, 30), UkTime.DateOf(at));
        Assert.Equal(new DateOnly(2026, 7, 1), UkTime.DateOf(at.AddHours(1)));
    }

    [Theory]
    [InlineData("2023-Q5")]
    [InlineData("2023Q1")]
    [InlineData("Q1-2023")]
    [InlineData("")]
    public void A_round_needs_a_financial_quarter(string period)
    {
        var errors = new ValidationErrors();
        Assert.Null(new UpdateRoundDraft(period, OpensOn, OpensOn.AddDays(7)).Validate("medway", "m", DateTimeOffset.UtcNow, errors));
        Assert.Contains("period", errors.Fields);
    }

    [Fact]
    public void A_round_deadline_cannot_precede_its_opening()
    {
        var errors = new ValidationErrors();
        Assert.Null(new UpdateRoundDraft("2026-Q3", OpensOn, OpensOn.AddDays(-1)).Validate("medway", "m", DateTimeOffset.UtcNow, errors));
        Assert.Contains("deadline", errors.Fields);
    }

    [Theory]
    [InlineData("2023-Q1", "2023-04-01", "2023-06-30")]
    [InlineData("2023-Q4", "2024-01-01", "2024-03-31")]
    public void Quarters_are_quarters_of_the_financial_year(string text, string start, string end)
    {
        var q = FinancialQuarter.Parse(text);
        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), q.Start);
        Assert.Equal(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), q.End);
        Assert.Equal(q, FinancialQuarter.Containing(q.End));
    }

    [Theory]
    [InlineData("2019-20", true)]
    [InlineData("2019-21", false)]
    [InlineData("2019/20", false)]
    [InlineData("1999-00", true)]
    public void Financial_years_are_written_like_2019_20(string text, bool valid) =>
        Assert.Equal(valid, FinancialYear.TryParse(text, out _));
}
