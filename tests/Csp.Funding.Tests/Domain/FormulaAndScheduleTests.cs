using Csp.BuildingBlocks.Time;
using Csp.Funding.Domain;

namespace Csp.Funding.Tests.Domain;

public class FormulaAndScheduleTests
{
    private static readonly AllocationFormula ThamesValley = new([new(FormulaFactor.Population, 50), new(FormulaFactor.Crime, 25), new(FormulaFactor.NonCrimeDemand, 25)]);

    [Fact]
    public void The_formula_proposes_allocations_that_add_up_to_the_pot_to_the_penny()
    {
        var inputs = new List<FormulaInput>
        {
            new("medway", 280_000, 31_000, 12_000), new("swale", 150_000, 14_000, 7_000), new("dartford", 117_000, 11_500, 5_100),
        };
        var proposed = ThamesValley.Propose(Money.Pounds(100_000), inputs);
        Assert.True(proposed.IsOk);
        Assert.Equal(Money.Pounds(100_000), Money.Sum(proposed.Value!.Select(p => p.Amount)));
        Assert.True(proposed.Value!.Single(p => p.PartnershipId == "medway").Amount > proposed.Value!.Single(p => p.PartnershipId == "swale").Amount);
    }

    [Fact]
    public void Left_over_pennies_go_to_the_largest_remainders_then_by_partnership_id()
    {
        // Three equal partnerships share 100p: 33.33…p each; one penny is left and goes to the first id in ordinal order.
        var inputs = new List<FormulaInput> { new("c", 1, 1, 1), new("a", 1, 1, 1), new("b", 1, 1, 1) };
        var proposed = ThamesValley.Propose(new Money(100), inputs).Value!;
        Assert.Equal(34, proposed.Single(p => p.PartnershipId == "a").Amount.Pence);
        Assert.Equal(33, proposed.Single(p => p.PartnershipId == "b").Amount.Pence);
        Assert.Equal(33, proposed.Single(p => p.PartnershipId == "c").Amount.Pence);
    }

    [Fact]
    public void The_formula_is_exact_for_the_largest_pot_across_300_partnerships()
    {
        var inputs = Enumerable.Range(1, 300).Select(i => new FormulaInput($"csp-{i:000}", 100_000 + i * 7_919, 5_000 + i * 31, 2_000 + i % 17)).ToList();
        var proposed = ThamesValley.Propose(Money.Max, inputs);
        Assert.Equal(Money.Max, Money.Sum(proposed.Value!.Select(p => p.Amount)));
    }

    [Fact]
    public void A_factor_whose_inputs_add_up_to_zero_is_refused_naming_the_rule()
    {
        var broken = ThamesValley.Propose(Money.Pounds(10), [new("a", 0, 1, 1)]).Broken!;
        Assert.Equal("formula-factor-total-zero", broken.Rule);
        Assert.Equal("inputs", broken.Field);
    }

    [Fact]
    public void Two_thirds_of_39661_pounds_is_26440_67_and_the_last_third_takes_the_rest()
    {
        // The remainder rule (ScheduleTemplates): the running total is rounded to the nearest penny (halves up), each
        // tranche is the step between running totals. 2/3 of £39,661 = £26,440.666… → £26,440.67 (the first carries the
        // odd penny); the last is £13,220.33.
        var tranches = ScheduleTemplates.Apply(ScheduleTemplates.All["two-thirds-then-one-third"], Money.Pounds(39_661), new FinancialYear(2025));
        Assert.Equal([2_644_067, 1_322_033], tranches.Select(t => t.Amount.Pence));
        Assert.Equal(Money.Pounds(39_661), Money.Sum(tranches.Select(t => t.Amount)));
        Assert.Equal(TrancheCondition.BusinessCasesApproved, tranches[0].Condition);
        Assert.Equal(new FinancialQuarter(2025, 2), tranches[1].WaitsOnReturn);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(3_966_100)]
    [InlineData(999_999_999_999_999)]
    public void Every_template_adds_up_to_the_award_to_the_penny(long award)
    {
        foreach (var (name, template) in ScheduleTemplates.All)
        {
            var tranches = ScheduleTemplates.Apply(template, new Money(award), new FinancialYear(2024));
            Assert.True(new Money(award) == Money.Sum(tranches.Select(t => t.Amount)), name);
            Assert.All(tranches, t => Assert.False(t.Amount.IsNegative));
        }
    }

    [Fact]
    public void Quarterly_tranches_carry_the_odd_penny_where_the_running_total_crosses_a_half_penny()
    {
        // £100.01 in four: running totals 25.0025 → 25.00, 50.005 → 50.01, 75.0075 → 75.01, 100.01.
        var tranches = ScheduleTemplates.Apply(ScheduleTemplates.All["quarterly"], new Money(10_001), new FinancialYear(2024));
        Assert.Equal([2_500, 2_501, 2_500, 2_500], tranches.Select(t => t.Amount.Pence));
        // 2p in four: 0.5 → 1, 1, 1.5 → 2, 2: never a negative tranche.
        Assert.Equal([1, 0, 1, 0], ScheduleTemplates.Apply(ScheduleTemplates.All["quarterly"], new Money(2), new FinancialYear(2024)).Select(t => t.Amount.Pence));
    }
}
