using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Tests.Domain;

public class PlanSetupTests
{
    [Fact]
    public void A_plan_needs_unique_priorities_and_areas_and_years_in_order()
    {
        var errors = new ValidationErrors();
        var draft = new PlanDraft("Community Safety Plan 2020-2024", 2024, 2020,
        [
            new PriorityDraft("safeguarding", "Safeguarding", [new AreaDraft("cuckooing", "Cuckooing"), new AreaDraft("cuckooing", "Again")]),
            new PriorityDraft("safeguarding", "Twice", []),
            new PriorityDraft("Not A Slug", "Bad id", []),
        ]);
        Assert.Null(draft.Validate("medway", "csp-2020-2024", errors));
        Assert.Contains("endYear", errors.Fields);
        Assert.Contains("priorities[0].areasOfFocus[1].id", errors.Fields);
        Assert.Contains("priorities[1].id", errors.Fields);
        Assert.Contains("priorities[2].id", errors.Fields);
    }

    [Fact]
    public void A_valid_plan_keeps_priorities_and_areas_in_order()
    {
        var errors = new ValidationErrors();
        var plan = new PlanDraft("Plan", 2020, 2024, [new PriorityDraft("a", "A", [new AreaDraft("x", "X")]), new PriorityDraft("b", "B", [])])
            .Validate("medway", "p", errors);
        Assert.True(errors.IsEmpty);
        Assert.Equal(["a", "b"], plan!.Priorities.Select(p => p.Id).ToArray());
        Assert.True(plan.Priorities[0].HasAreaOfFocus("x"));
    }

    [Fact]
    public void A_partnership_needs_at_least_one_agency_with_a_unique_slug()
    {
        var errors = new ValidationErrors();
        Assert.Null(new PartnershipDraft("Medway CSP", []).Validate("medway", errors));
        Assert.Contains("agencies", errors.Fields);

        errors = new ValidationErrors();
        Assert.Null(new PartnershipDraft("Medway CSP", [new AgencyDraft("kent-police", "Kent Police", true), new AgencyDraft("kent-police", "Dup", false)]).Validate("medway", errors));
        Assert.Contains("agencies[1].id", errors.Fields);
    }
}
