using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Tests.Domain;

/// <summary>An action's milestones, and the days they were completed, fall within the action's dates, at both ends.</summary>
public class MilestoneRulesTests
{
    private static readonly DateOnly Start = new(2026, 1, 1);
    private static readonly DateOnly Due = new(2027, 3, 31);
    private static readonly Plan Plan = new("p", "medway", "Plan", 2020, 2024, [new Priority("safeguarding", "S", [])]);
    private static readonly Partnership Medway = new("medway", "Medway", [new Agency("kent-police", "Kent Police", true)]);

    private static ValidationErrors Validate(params MilestoneDraft[] milestones)
    {
        var errors = new ValidationErrors();
        var draft = new ActionDraft("p", "safeguarding", null, "Title", null, Strand.Protect, "kent-police", [], "Owner", Start, Due, milestones);
        var definition = ActionDefinition.Validate(draft, id => id == "p" ? Plan : null, Medway, errors);
        Assert.Equal(errors.IsEmpty, definition is not null);
        return errors;
    }

    [Fact]
    public void A_milestone_due_before_the_action_starts_is_refused() =>
        Assert.Equal(["milestones[0].dueDate"], Validate(new MilestoneDraft("m", Start.AddDays(-1), null)).Fields);

    [Fact]
    public void A_milestone_due_after_the_action_is_due_is_refused() =>
        Assert.Equal(["milestones[0].dueDate"], Validate(new MilestoneDraft("m", Due.AddDays(1), null)).Fields);

    [Fact]
    public void A_milestone_completed_before_the_action_starts_is_refused() =>
        Assert.Equal(["milestones[0].completedOn"], Validate(new MilestoneDraft("m", Start.AddDays(30), Start.AddDays(-1))).Fields);

    [Fact]
    public void A_milestone_completed_after_the_action_is_due_is_refused() =>
        Assert.Equal(["milestones[0].completedOn"], Validate(new MilestoneDraft("m", Due, Due.AddDays(1))).Fields);

    [Fact]
    public void Milestones_due_and_completed_on_the_actions_first_and_last_days_are_accepted() =>
        Assert.True(Validate(new MilestoneDraft("first", Start, Start), new MilestoneDraft("last", Due, Due), new MilestoneDraft("open", Due, null)).IsEmpty);

    [Fact]
    public void Each_bad_milestone_is_named_by_its_position()
    {
        var errors = Validate(new MilestoneDraft("ok", Start.AddDays(10), null), new MilestoneDraft("late", Due.AddDays(1), Due.AddDays(2)));
        Assert.Equal(["milestones[1].dueDate", "milestones[1].completedOn"], errors.Fields.ToArray());
    }
}
