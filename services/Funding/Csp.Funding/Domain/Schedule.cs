using Csp.BuildingBlocks.Time;

namespace Csp.Funding.Domain;

/// <summary>A tranche as the schedule will hold it (validated, not yet numbered).</summary>
public sealed record TrancheDraftValue(string Label, Money Amount, TrancheCondition Condition, FinancialQuarter? WaitsOnReturn);

/// <summary>One part of a schedule template: its weight among the parts and what it waits for.</summary>
public sealed record TemplatePart(string Label, int Parts, TrancheCondition Condition, int? WaitsOnQuarter);

/// <summary>
/// Payment-schedule templates held as data, e.g. two-thirds on approval of business cases and one-third on acceptance of
/// the Q2 return (Kent's Crime Reduction Grant).
/// <para><b>Remainder rule (which tranche carries the odd penny, and why):</b> rounding is done on the running total, not
/// on each tranche. The tranches up to and including tranche <i>k</i> add up to their exact cumulative share of the award
/// rounded to the nearest penny (a half penny rounds up), so tranche <i>k</i> is that rounded running total minus the one
/// before it, and the last tranche ends the running total exactly on the award. So the tranches always add up to the award
/// to the penny, no tranche is negative, and no tranche is more than a penny from its exact share; the odd penny falls on
/// the tranche where the running total crosses a half penny. For two-thirds + one-third of £39,661: 2/3 is £26,440.666…,
/// rounded to £26,440.67, so the <i>first</i> tranche carries the odd penny and the last is £39,661 − £26,440.67 =
/// £13,220.33 (its exact share, £13,220.333…, rounded down). Kent paid £26,440 up front, rounding down to whole pounds and
/// leaving £1 adrift; this rule never leaves money adrift.</para>
/// </summary>
public static class ScheduleTemplates
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<TemplatePart>> All = new Dictionary<string, IReadOnlyList<TemplatePart>>(StringComparer.Ordinal)
    {
        ["single"] = [new("Full award on confirmation", 1, TrancheCondition.None, null)],
        ["two-thirds-then-one-third"] =
        [
            new("Two-thirds on approval of business cases", 2, TrancheCondition.BusinessCasesApproved, null),
            new("One-third on acceptance of the Q2 return", 1, TrancheCondition.ReturnAccepted, 2),
        ],
        ["quarterly"] =
        [
            new("Q1", 1, TrancheCondition.None, null),
            new("Q2 (after the Q1 return)", 1, TrancheCondition.ReturnAccepted, 1),
            new("Q3 (after the Q2 return)", 1, TrancheCondition.ReturnAccepted, 2),
            new("Q4 (after the Q3 return)", 1, TrancheCondition.ReturnAccepted, 3),
        ],
    };

    /// <summary>The tranches of <paramref name="template"/> for <paramref name="award"/> in <paramref name="year"/>, by the remainder rule above.</summary>
    public static IReadOnlyList<TrancheDraftValue> Apply(IReadOnlyList<TemplatePart> template, Money award, FinancialYear year)
    {
        var totalParts = template.Sum(p => p.Parts);
        var tranches = new List<TrancheDraftValue>(template.Count);
        var partsSoFar = 0;
        var paidSoFar = Money.Zero;
        foreach (var part in template)
        {
            partsSoFar += part.Parts;
            // The running total rounded to the nearest penny, halves up: floor((2 × award × parts + total) / (2 × total)),
            // exact in 128-bit arithmetic; when every part is counted it is the award itself.
            var runningTotal = new Money((long)(((Int128)award.Pence * partsSoFar * 2 + totalParts) / (2 * (Int128)totalParts)));
            tranches.Add(new TrancheDraftValue(part.Label, runningTotal - paidSoFar, part.Condition,
                part.WaitsOnQuarter is { } q ? new FinancialQuarter(year.StartYear, q) : null));
            paidSoFar = runningTotal;
        }
        return tranches;
    }
}
