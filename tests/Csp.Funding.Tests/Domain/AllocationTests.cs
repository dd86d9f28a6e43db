using Csp.BuildingBlocks.Time;
using Csp.Funding.Domain;

namespace Csp.Funding.Tests.Domain;

public class AllocationTests
{
    private static readonly DateTimeOffset At = new(2024, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly FinancialYear Year = new(2024);

    public static Allocation Provisional(long pounds = 39_661)
    {
        var programme = Programme.Create("crg-2024-25", "kent-pcc", "Crime Reduction Grant 2024-25", Year, Money.Pounds(558_385), null, null, "tom", At);
        return Allocation.Create("kent-county", programme, Money.Pounds(pounds), null, null, "tom", At);
    }

    public static Allocation Ok(Decision<Allocation> d) => d.IsOk ? d.Value! : throw new Xunit.Sdk.XunitException($"refused: {d.Broken}");

    private static string Rule(Decision<Allocation> d) => d.Broken?.Rule ?? throw new Xunit.Sdk.XunitException("was allowed");

    public static Allocation Confirmed(long pounds = 39_661) => Ok(Provisional(pounds).Confirm(new DateOnly(2024, 2, 6), "PCP budget 2024-25", "tom", At));

    private static Allocation WithProject(Allocation a, long pounds, out int id, bool approve = true)
    {
        a = Ok(a.SubmitProject(new ProjectDetails("Project", "kent-police", Money.Pounds(pounds), [], ["Referrals"]), [], "sam", At, out var p));
        id = p.Id;
        return approve ? Ok(a.ApproveProject(id, "tom", At)) : a;
    }

    private static Allocation Spend(Allocation a, int projectId, long pence, int? corrects = null, SpendEntry? corrected = null, Money already = default) =>
        Ok(a.RecordSpend(new SpendDetails(projectId, new DateOnly(2024, 6, 1), new Money(pence), "Invoice", "INV-1", corrects), corrected, already, "sam", At, out _));

    [Fact]
    public void Provisional_becomes_confirmed_with_the_panel_date_and_reference()
    {
        var a = Confirmed();
        Assert.Equal(AllocationStatus.Confirmed, a.Status);
        Assert.Equal(new DateOnly(2024, 2, 6), a.Confirmation!.PanelDate);
        Assert.Equal("confirm-only-provisional", Rule(a.Confirm(new DateOnly(2024, 2, 7), "again", "tom", At)));
    }

    [Fact]
    public void Only_a_provisional_allocation_is_withdrawn()
    {
        Assert.Equal(AllocationStatus.Withdrawn, Ok(Provisional().Withdraw("Budget veto")).Status);
        Assert.Equal("withdraw-only-provisional", Rule(Confirmed().Withdraw("no")));
        Assert.Equal("confirm-only-provisional", Rule(Ok(Provisional().Withdraw("x")).Confirm(new DateOnly(2024, 2, 6), "r", "tom", At)));
    }

    [Fact]
    public void Projects_go_submitted_then_approved_or_rejected_then_completed_or_closed()
    {
        var a = WithProject(Confirmed(), 1_000, out var approved);
        a = WithProject(a, 500, out var rejected, approve: false);
        a = Ok(a.RejectProject(rejected, "Not eligible", "tom", At));
        Assert.Equal("decide-only-submitted-project", Rule(a.ApproveProject(rejected, "tom", At)));
        Assert.Equal("decide-only-submitted-project", Rule(a.ApproveProject(approved, "tom", At)));
        Assert.Equal("end-only-approved-project", Rule(a.EndProject(rejected, ProjectStatus.Completed, null, "sam", At)));
        a = Ok(a.EndProject(approved, ProjectStatus.Completed, null, "sam", At));
        Assert.Equal(ProjectStatus.Completed, a.FindProject(approved)!.Status);
        Assert.Equal("end-only-approved-project", Rule(a.EndProject(approved, ProjectStatus.Closed, null, "sam", At)));
    }

    [Fact]
    public void Approved_projects_commit_no_more_than_is_awarded()
    {
        var a = WithProject(Confirmed(39_661), 39_505, out _);
        a = WithProject(a, 200, out var tooMuch, approve: false);
        Assert.Equal("commitments-within-award", Rule(a.ApproveProject(tooMuch, "tom", At)));
    }

    [Fact]
    public void Tranches_must_add_up_to_the_award_to_the_penny()
    {
        var a = Provisional();
        var broken = a.SetSchedule([new("First", new Money(2_644_067), TrancheCondition.None, null), new("Second", new Money(1_322_032), TrancheCondition.None, null)]).Broken!;
        Assert.Equal(("tranches-add-up", RuleKind.Invalid, "tranches"), (broken.Rule, broken.Kind, broken.Field));
    }

    [Fact]
    public void Nothing_is_released_before_confirmation_nor_before_its_condition_holds()
    {
        var schedule = ScheduleTemplates.Apply(ScheduleTemplates.All["two-thirds-then-one-third"], Money.Pounds(39_661), Year);
        var provisional = Ok(Provisional().SetSchedule(schedule));
        Assert.Equal("release-before-confirmation", Rule(provisional.ReleaseTranche(1, new DateOnly(2024, 5, 1), "tom")));

        var confirmed = Ok(provisional.Confirm(new DateOnly(2024, 2, 6), "PCP", "tom", At));
        Assert.Equal("tranche-waits-on-business-cases", Rule(confirmed.ReleaseTranche(1, new DateOnly(2024, 5, 1), "tom")));
        var withCases = WithProject(confirmed, 10_000, out _);
        var released = Ok(withCases.ReleaseTranche(1, new DateOnly(2024, 5, 1), "tom"));
        Assert.Equal(new Money(2_644_067), released.Released);
        Assert.Equal("release-only-scheduled", Rule(released.ReleaseTranche(1, new DateOnly(2024, 5, 2), "tom")));
        Assert.Equal("tranche-waits-on-return", Rule(released.ReleaseTranche(2, new DateOnly(2024, 11, 1), "tom")));
    }

    [Fact]
    public void A_tranche_waiting_on_a_return_is_released_once_the_return_is_accepted()
    {
        var schedule = ScheduleTemplates.Apply(ScheduleTemplates.All["two-thirds-then-one-third"], Money.Pounds(39_661), Year);
        var a = WithProject(Ok(Confirmed().SetSchedule(schedule)), 10_000, out _);
        var q2 = new FinancialQuarter(2024, 2);
        a = Ok(a.SubmitReturn(new ReturnDetails(q2, [], "On track", [], Money.Pounds(39_661)), "sam", At, new DateOnly(2024, 10, 1)));
        Assert.Equal("accept-only-signed-off", Rule(a.DecideReturn(q2, true, null, "tom", At)));
        a = Ok(a.SignOffReturn(q2, "fay", At));
        a = Ok(a.DecideReturn(q2, true, null, "tom", At));
        Assert.Equal(TrancheStatus.Released, Ok(a.ReleaseTranche(2, new DateOnly(2024, 11, 1), "tom")).Tranches[1].Status);
    }

    [Fact]
    public void Spend_is_appended_and_a_correction_is_a_negative_entry_naming_the_one_it_corrects()
    {
        var a = WithProject(Confirmed(), 1_000, out var project);
        a = Spend(a, project, 50_000);
        Assert.Equal(new Money(50_000), a.Spent);
        var original = new SpendEntry(1, project, new DateOnly(2024, 6, 1), new Money(50_000), "Invoice", null, null, "sam", At);

        var negative = a.RecordSpend(new SpendDetails(project, new DateOnly(2024, 6, 2), new Money(-100), "Refund", null, null), null, Money.Zero, "sam", At, out _);
        Assert.Equal(("negative-spend-is-correction", "amount"), (negative.Broken!.Rule, negative.Broken.Field));

        a = Spend(a, project, -10_000, corrects: 1, corrected: original);
        Assert.Equal(new Money(40_000), a.Spent);
        Assert.Equal(new Money(40_000), a.FindProject(project)!.Spent);
        var tooMuch = a.RecordSpend(new SpendDetails(project, new DateOnly(2024, 6, 2), new Money(-40_001), "x", null, 1), original, new Money(-10_000), "sam", At, out _);
        Assert.Equal("correction-within-entry", tooMuch.Broken!.Rule);
        var positive = a.RecordSpend(new SpendDetails(project, new DateOnly(2024, 6, 2), new Money(100), "x", null, 1), original, Money.Zero, "sam", At, out _);
        Assert.Equal("correction-is-negative", positive.Broken!.Rule);
    }

    [Fact]
    public void No_spend_on_a_rejected_project_nor_on_a_provisional_allocation()
    {
        var a = WithProject(Confirmed(), 1_000, out var project, approve: false);
        a = Ok(a.RejectProject(project, "No", "tom", At));
        Assert.Equal("no-spend-on-rejected-project", a.RecordSpend(new SpendDetails(project, new DateOnly(2024, 6, 1), new Money(1), "x", null, null), null, Money.Zero, "sam", At, out _).Broken!.Rule);
        var p = Ok(Provisional().SubmitProject(new ProjectDetails("P", "kent-police", Money.Pounds(5), [], []), [], "sam", At, out var sub));
        Assert.Equal("spend-needs-confirmed-allocation", p.RecordSpend(new SpendDetails(sub.Id, new DateOnly(2024, 6, 1), new Money(1), "x", null, null), null, Money.Zero, "sam", At, out _).Broken!.Rule);
    }

    [Fact]
    public void A_return_is_late_after_its_due_date_and_an_unsubmitted_one_is_overdue()
    {
        var q1 = new FinancialQuarter(2024, 1);
        Assert.Equal(new DateOnly(2024, 7, 31), MonitoringReturn.DueDate(q1));
        var a = Confirmed();
        Assert.Equal([q1], a.ReturnsOverdue(new DateOnly(2024, 8, 1)));
        Assert.Empty(a.ReturnsOverdue(new DateOnly(2024, 7, 31)));
        a = Ok(a.SubmitReturn(new ReturnDetails(q1, [], "Late", [], Money.Pounds(39_661)), "sam", new DateTimeOffset(2024, 8, 5, 9, 0, 0, TimeSpan.Zero), new DateOnly(2024, 8, 5)));
        Assert.True(a.ReturnFor(q1)!.IsLate);
        Assert.Empty(a.ReturnsOverdue(new DateOnly(2024, 8, 6)));
        Assert.Equal("one-return-per-quarter", Rule(a.SubmitReturn(new ReturnDetails(q1, [], "Again", [], Money.Zero), "sam", At, new DateOnly(2024, 8, 6))));
        a = Ok(a.DecideReturn(q1, false, "Figures missing", "tom", At));
        a = Ok(a.SubmitReturn(new ReturnDetails(q1, [], "Again", [], Money.Pounds(39_000)), "sam", At, new DateOnly(2024, 8, 6)));
        Assert.Equal(2, a.ReturnFor(q1)!.Revision);
        Assert.Equal("return-quarter-in-year", Rule(a.SubmitReturn(new ReturnDetails(new FinancialQuarter(2025, 1), [], "x", [], Money.Zero), "sam", At, new DateOnly(2024, 8, 6))));
    }

    [Fact]
    public void Variations_are_requested_then_approved_and_applied_or_rejected()
    {
        var schedule = ScheduleTemplates.Apply(ScheduleTemplates.All["two-thirds-then-one-third"], Money.Pounds(39_661), Year);
        var a = WithProject(Ok(Confirmed().SetSchedule(schedule)), 2_000, out var from);
        a = WithProject(a, 1_000, out var to);
        a = Ok(a.RequestVariation(new VariationDetails(VariationKind.Virement, null, null, from, to, Money.Pounds(500), "Move"), "sam", At, out var virement));
        a = Ok(a.RequestVariation(new VariationDetails(VariationKind.Amount, Money.Pounds(40_000), null, null, null, null, "More"), "sam", At, out var amount));
        a = Ok(a.RequestVariation(new VariationDetails(VariationKind.EndDate, null, new DateOnly(2025, 6, 30), null, null, null, "Later"), "sam", At, out var end));
        a = Ok(a.DecideVariation(virement.Id, true, null, "tom", At));
        Assert.Equal((Money.Pounds(1_500), Money.Pounds(1_500)), (a.FindProject(from)!.Amount, a.FindProject(to)!.Amount));
        a = Ok(a.DecideVariation(amount.Id, true, null, "tom", At));
        Assert.Equal(Money.Pounds(40_000), a.Awarded);
        Assert.Equal(a.Awarded, Money.Sum(a.Tranches.Select(t => t.Amount))); // the last scheduled tranche took the difference
        a = Ok(a.DecideVariation(end.Id, false, "No", "tom", At));
        Assert.Equal(Year.End, a.PlannedEnd);
        Assert.Equal("decide-only-requested-variation", Rule(a.DecideVariation(end.Id, true, null, "tom", At)));
    }

    [Fact]
    public void Year_end_records_the_outturn_returns_the_underspend_and_closes()
    {
        // Kent's county CSP: £39,661 awarded and released, nine projects spent £39,505, £156 returned.
        var a = Ok(Confirmed().SetSchedule([new("All", Money.Pounds(39_661), TrancheCondition.None, null)]));
        a = Ok(a.ReleaseTranche(1, new DateOnly(2024, 5, 1), "tom"));
        a = WithProject(a, 39_505, out var project);
        a = Spend(a, project, 3_950_500);
        Assert.Equal("outturn-is-spend", Rule(a.CloseYear(Money.Pounds(39_000), new DateOnly(2025, 4, 30), "R1", "tom", At)));
        a = Ok(a.CloseYear(Money.Pounds(39_505), new DateOnly(2025, 4, 30), "R1", "tom", At));
        Assert.Equal(AllocationStatus.Closed, a.Status);
        Assert.Equal(Money.Pounds(156), a.YearEnd!.FundsReturned);
        Assert.Equal("allocation-open", Rule(a.SubmitProject(new ProjectDetails("x", "kent-police", Money.Pounds(1), [], []), [], "sam", At, out _)));
        Assert.Equal("close-confirmed-allocation", Rule(a.CloseYear(Money.Pounds(39_505), new DateOnly(2025, 4, 30), "R1", "tom", At)));
    }

    [Fact]
    public void Derived_totals()
    {
        var schedule = ScheduleTemplates.Apply(ScheduleTemplates.All["two-thirds-then-one-third"], Money.Pounds(39_661), Year);
        var a = WithProject(Ok(Confirmed().SetSchedule(schedule)), 30_000, out var project);
        a = Ok(a.ReleaseTranche(1, new DateOnly(2024, 5, 1), "tom"));
        a = Spend(a, project, 1_000_000);
        a = Ok(a.SubmitReturn(new ReturnDetails(new FinancialQuarter(2024, 1), [new(project, new Money(1_000_000))], "ok", [], Money.Pounds(39_000)), "sam", At, new DateOnly(2024, 7, 1)));
        var t = a.Totals(new DateOnly(2024, 9, 30)); // 183 of 365 days
        Assert.Equal(Money.Pounds(39_661), t.Awarded);
        Assert.Equal(Money.Pounds(30_000), t.Committed);
        Assert.Equal(new Money(2_644_067), t.Released);
        Assert.Equal(new Money(1_000_000), t.Spent);
        Assert.Equal(new Money(1_322_033), t.Unreleased);
        Assert.Equal(new Money(2_966_100), t.Remaining);
        Assert.Equal(Money.Pounds(39_000), t.ForecastOutturn);
        Assert.Equal(Money.Pounds(661), t.ForecastUnderspend);
        Assert.Equal(new Money(3_966_100L * 183 / 365), t.ProfileToDate);
        Assert.Equal(t.Spent - t.ProfileToDate, t.SpentAgainstProfile);
    }

    [Fact]
    public void A_project_shows_ready_to_close_when_all_its_actions_complete_and_flagged_when_one_is_off_track()
    {
        var a = Ok(Confirmed().SubmitProject(new ProjectDetails("P", "kent-police", Money.Pounds(10), [7, 8], []),
            [new(7, "Seven", false, false), new(8, "Eight", false, false)], "sam", At, out var p));
        a = Ok(a.ApproveProject(p.Id, "tom", At));
        Assert.True(a.TryUpdateAction(8, completed: false, offTrack: true, out a));
        Assert.True(a.FindProject(p.Id)!.Flagged);
        Assert.True(a.TryUpdateAction(7, completed: true, offTrack: false, out a));
        Assert.False(a.FindProject(p.Id)!.ReadyToClose);
        Assert.True(a.TryUpdateAction(8, completed: true, offTrack: false, out a));
        Assert.True(a.FindProject(p.Id)!.ReadyToClose);
        Assert.False(a.FindProject(p.Id)!.Flagged);
        Assert.False(a.TryUpdateAction(8, completed: true, offTrack: false, out _)); // twice changes nothing
        Assert.False(a.TryUpdateAction(99, completed: true, offTrack: false, out _));
    }

    [Fact]
    public void The_summary_the_funders_view_reads_agrees_with_the_allocations_own_totals()
    {
        var a = Api.OverviewTests.RealisticYear(Provisional(), []);
        foreach (var today in new[] { new DateOnly(2024, 3, 1), new DateOnly(2024, 9, 30), new DateOnly(2025, 8, 1) })
        {
            var t = a.Totals(today);
            var row = OverviewRow.Of(AllocationSummary.Of(a), today);
            Assert.Equal((t.Awarded, t.Released, t.Spent, t.ProfileToDate, t.SpentAgainstProfile, t.ReturnsOverdue, t.LateReturns, t.ForecastUnderspend),
                (row.Awarded, row.Released, row.Spent, row.ProfileToDate, row.SpentAgainstProfile, row.ReturnsOverdue, row.LateReturns, row.ForecastUnderspend));
        }
    }
}
