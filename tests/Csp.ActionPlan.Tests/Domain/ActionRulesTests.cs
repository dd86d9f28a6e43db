using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Tests.Domain;

public class ActionRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    internal static ActionDefinition ADefinition(DateOnly? due = null, DateOnly? start = null, string lead = "kent-police") =>
        new("p", "safeguarding", null, "t", null, Strand.Protect, lead, [], "o", start ?? new DateOnly(2026, 1, 1), due ?? new DateOnly(2027, 3, 31), []);

    /// <summary>An action created six months ago and, unless not started, brought to <paramref name="status"/> by an update then.</summary>
    internal static PlanAction AnAction(ActionStatus status = ActionStatus.OnTrack, DateOnly? due = null, DateOnly? start = null, string lead = "kent-police", long id = 1)
    {
        var action = PlanAction.Create(id, "medway", ADefinition(due, start, lead), "mgr", Now.AddMonths(-6));
        return status == ActionStatus.NotStarted
            ? action
            : action.RecordUpdate(new UpdateDetails(status, null, "Status as the test needs it."), "mgr", "M", null, Now.AddMonths(-6)).Action!;
    }

    [Theory]
    [InlineData(ActionStatus.OnTrack, false, true, Rag.Green)]
    [InlineData(ActionStatus.AtRisk, false, true, Rag.Amber)]
    [InlineData(ActionStatus.OffTrack, false, true, Rag.Red)]
    [InlineData(ActionStatus.Completed, false, true, Rag.Blue)]
    [InlineData(ActionStatus.Cancelled, false, true, Rag.Grey)]
    [InlineData(ActionStatus.NotStarted, false, false, Rag.Grey)]
    [InlineData(ActionStatus.NotStarted, false, true, Rag.Amber)]
    [InlineData(ActionStatus.OnTrack, true, true, Rag.Red)]
    [InlineData(ActionStatus.AtRisk, true, true, Rag.Red)]
    public void Status_maps_to_RAG_with_overdue_and_late_start_overriding(ActionStatus status, bool overdue, bool shouldHaveStarted, Rag expected) =>
        Assert.Equal(expected, ActionStatusRules.RagFor(status, overdue, shouldHaveStarted));

    [Fact]
    public void An_open_action_is_overdue_from_the_day_after_its_due_date()
    {
        var action = AnAction(due: Today);
        Assert.False(action.IsOverdue(Today));
        Assert.True(action.IsOverdue(Today.AddDays(1)));
        Assert.Equal(Rag.Red, action.RagOn(Today.AddDays(1)));
    }

    [Theory]
    [InlineData(ActionStatus.Completed)]
    [InlineData(ActionStatus.Cancelled)]
    public void A_closed_action_is_never_overdue(ActionStatus status) =>
        Assert.False(AnAction(status, due: Today.AddDays(-30)).IsOverdue(Today));

    [Fact]
    public void Overdue_is_raised_once_per_due_date_and_again_when_the_due_date_moves()
    {
        var action = AnAction(due: Today.AddDays(-1));
        Assert.True(action.TryRaiseOverdue(Today, out var marked));
        Assert.False(marked.TryRaiseOverdue(Today, out _));
        Assert.False(marked.TryRaiseOverdue(Today.AddDays(10), out _));

        var moved = marked.Revise(ADefinition(due: Today.AddDays(5)));
        Assert.False(moved.TryRaiseOverdue(Today, out _));
        Assert.True(moved.TryRaiseOverdue(Today.AddDays(6), out _));
    }

    [Fact]
    public void Completing_an_action_sets_progress_to_100_and_says_so()
    {
        var action = AnAction();
        var result = action.RecordUpdate(new UpdateDetails(ActionStatus.Completed, 80, "Done"), "p1", "P One", "kent-police", Now);
        Assert.True(result.Completed);
        Assert.True(result.Action!.IsCompleted);
        Assert.True(result.Action.IsClosed);
        Assert.True(result.StatusChanged);
        Assert.Equal(100, result.Action.ProgressPercent);
        Assert.Equal(Now, result.Action.CompletedAt);
        Assert.Equal(action.UpdateCount + 1, result.Action.UpdateCount);
        Assert.Equal(Now, result.Action.LastUpdatedAt);
        Assert.Equal(ActionStatus.Completed, result.Update!.Status);
    }

    [Fact]
    public void An_update_that_keeps_the_status_is_history_but_not_a_status_change()
    {
        var result = AnAction().RecordUpdate(new UpdateDetails(null, 55, "Visits continuing"), "p1", "P One", "kent-police", Now);
        Assert.False(result.StatusChanged);
        Assert.Equal(ActionStatus.OnTrack, result.Action!.Status);
        Assert.Equal(55, result.Action.ProgressPercent);
        Assert.Equal("Visits continuing", result.Update!.Commentary);
    }

    [Fact]
    public void A_closed_action_takes_no_more_updates()
    {
        var result = AnAction(ActionStatus.Completed).RecordUpdate(new UpdateDetails(ActionStatus.OnTrack, 10, "reopen"), "p1", "P", "kent-police", Now);
        Assert.False(result.IsAccepted);
        Assert.Contains("completed", result.RefusedBecause);
    }

    [Fact]
    public void Partner_updates_only_actions_their_agency_leads_in_their_partnerships()
    {
        var action = AnAction(lead: "kent-police");
        Caller Partner(string agency, string partnership) => Caller.With("u", "U", agency, $"{partnership}:partner");
        Assert.True(AccessRules.CanUpdate(Partner("kent-police", "medway"), action));
        Assert.False(AccessRules.CanUpdate(Partner("medway-council", "medway"), action));
        Assert.False(AccessRules.CanUpdate(Partner("kent-police", "swale"), action));
        var board = Caller.With("b", "B", "kent-police", "medway:board");
        Assert.False(AccessRules.CanUpdate(board, action));
        var manager = Caller.With("m", "M", "medway-council", "medway:manager");
        Assert.True(AccessRules.CanUpdate(manager, action));
        Assert.False(AccessRules.CanManage(manager, "swale"));
        Assert.False(AccessRules.CanSetStatus(Partner("kent-police", "medway"), action, ActionStatus.Cancelled));
        Assert.True(AccessRules.CanSetStatus(manager, action, ActionStatus.Cancelled));
    }

    [Fact]
    public void Definition_rules_name_each_bad_field()
    {
        var plan = new Plan("p", "medway", "Plan", 2020, 2024, [new Priority("safeguarding", "S", [new AreaOfFocus("cuckooing", "C")])]);
        var partnership = new Partnership("medway", "Medway", [new Agency("kent-police", "Kent Police", true)]);
        var errors = new ValidationErrors();
        var draft = new ActionDraft("p", "safeguarding", "no-such-area", "<script>alert(1)</script>", null, Strand.Prevent, "unknown-agency", ["kent-police"],
            "Owner", new DateOnly(2026, 5, 1), new DateOnly(2026, 4, 1), []);
        Assert.Null(ActionDefinition.Validate(draft, id => id == "p" ? plan : null, partnership, errors));
        Assert.Contains("title", errors.Fields);
        Assert.Contains("areaOfFocusId", errors.Fields);
        Assert.Contains("leadAgencyId", errors.Fields);
        Assert.Contains("dueDate", errors.Fields);
        Assert.DoesNotContain("owner", errors.Fields);
    }
}
