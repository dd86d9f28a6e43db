using System.Numerics;
using Csp.BuildingBlocks.Time;

namespace Csp.Funding.Domain;

/// <summary>A body that funds partnerships: the Kent PCC's office, the Home Office (Prevent), the VRU.
/// <see cref="OrgId"/> is its org-id.guide identifier for open data (e.g. <c>GB-GOR-PC000224</c>) when known.</summary>
public sealed record Funder(string Id, string Name, string? OrgId, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// A funding programme: a funder's pot for a financial year, its conditions and, optionally, an allocation formula held as
/// data. Allocations to partnerships are separate aggregates (one per partnership, in the partnership's own slot); the
/// programme holds the formula's last proposal so the record shows what the formula said beside what was awarded.
/// </summary>
public sealed record Programme
{
    public string Id { get; private init; } = "";
    public string FunderId { get; private init; } = "";
    public string Title { get; private init; } = "";
    public FinancialYear Year { get; private init; }
    public Money Pot { get; private init; }
    public string? Conditions { get; private init; }
    public AllocationFormula? Formula { get; private init; }
    /// <summary>The formula's last proposal (null until proposed): what the formula said, before any adjustment.</summary>
    public IReadOnlyList<ProposedAllocation>? Proposal { get; private init; }
    public DateTimeOffset CreatedAt { get; private init; }
    public string CreatedBy { get; private init; } = "";

    public static Programme Create(string id, string funderId, string title, FinancialYear year, Money pot, string? conditions,
        AllocationFormula? formula, string by, DateTimeOffset at) =>
        new() { Id = id, FunderId = funderId, Title = title, Year = year, Pot = pot, Conditions = conditions, Formula = formula, CreatedAt = at, CreatedBy = by };

    /// <summary>Runs the formula over the inputs and records the proposal. No formula: refused.</summary>
    public Decision<Programme> Propose(IReadOnlyList<FormulaInput> inputs)
    {
        if (Formula is null) return RuleBroken.Conflict("programme-has-no-formula", $"Programme {Id} has no allocation formula to propose from.");
        var proposed = Formula.Propose(Pot, inputs);
        if (!proposed.IsOk) return proposed.Broken!;
        return this with { Proposal = proposed.Value };
    }

    public Money? ProposedFor(string partnershipId) => Proposal?.FirstOrDefault(p => p.PartnershipId == partnershipId)?.Amount;
}

/// <summary>What a formula weighs: the partnership's population, its recorded crime, its non-crime demand.</summary>
public enum FormulaFactor { Population, Crime, NonCrimeDemand }

/// <summary>One weight of a formula, in whole percent.</summary>
public sealed record FormulaWeight(FormulaFactor Factor, int Percent);

/// <summary>One partnership's inputs to a formula (counts: residents, crimes, incidents).</summary>
public sealed record FormulaInput(string PartnershipId, long Population, long Crime, long NonCrimeDemand)
{
    public long Value(FormulaFactor factor) => factor switch
    {
        FormulaFactor.Population => Population,
        FormulaFactor.Crime => Crime,
        _ => NonCrimeDemand,
    };
}

/// <summary>What the formula proposes for one partnership (its share rounded by the remainder rule).</summary>
public sealed record ProposedAllocation(string PartnershipId, Money Amount);

/// <summary>
/// An allocation formula held as data: weights over population, crime and non-crime demand adding up to 100%, e.g. Thames
/// Valley's 50/25/25. A partnership's exact share of the pot is Σ weight × (its value ÷ the total of that factor).
/// <para><b>Remainder rule (largest remainder):</b> every partnership first gets its exact share rounded down to the
/// penny; the pennies left over (fewer than the number of partnerships) go one each to the partnerships with the largest
/// discarded fractions, ties broken by partnership id in ordinal order. So the proposals add up to the pot to the penny, no
/// proposal is more than a penny from its exact share, and the same inputs always give the same pennies. The arithmetic is
/// exact (big integers), never floating point.</para>
/// </summary>
public sealed record AllocationFormula(IReadOnlyList<FormulaWeight> Weights)
{
    public Decision<IReadOnlyList<ProposedAllocation>> Propose(Money pot, IReadOnlyList<FormulaInput> inputs)
    {
        if (inputs.Count == 0) return RuleBroken.Invalid("formula-needs-inputs", "inputs", "give at least one partnership's inputs");
        if (inputs.Select(i => i.PartnershipId).Distinct(StringComparer.Ordinal).Count() != inputs.Count)
            return RuleBroken.Invalid("formula-input-once", "inputs", "each partnership appears once");
        var totals = new Dictionary<FormulaFactor, BigInteger>();
        foreach (var w in Weights.Where(w => w.Percent > 0))
        {
            var total = inputs.Aggregate(BigInteger.Zero, (sum, i) => sum + i.Value(w.Factor));
            if (total.IsZero) return RuleBroken.Invalid("formula-factor-total-zero", "inputs", $"the {w.Factor} inputs add up to zero, so they cannot share {w.Percent}%");
            totals[w.Factor] = total;
        }
        // share_i = pot × Σ_w (pct_w / 100) × (x_iw / T_w). Over the common denominator D = 100 × Π T_w:
        // share_i = pot × N_i / D with N_i = Σ_w pct_w × x_iw × Π_{v≠w} T_v.
        var factors = totals.Keys.ToList();
        var denominator = factors.Aggregate(new BigInteger(100), (d, f) => d * totals[f]);
        var exact = inputs.Select(i =>
        {
            var numerator = BigInteger.Zero;
            foreach (var w in Weights.Where(w => w.Percent > 0))
            {
                var others = factors.Where(f => f != w.Factor).Aggregate(BigInteger.One, (p, f) => p * totals[f]);
                numerator += w.Percent * new BigInteger(i.Value(w.Factor)) * others;
            }
            var scaled = pot.Pence * numerator;
            return (Input: i, Floor: BigInteger.DivRem(scaled, denominator, out var rem), Remainder: rem);
        }).ToList();
        var leftOver = pot.Pence - (long)exact.Aggregate(BigInteger.Zero, (s, e) => s + e.Floor);
        var extra = exact.OrderByDescending(e => e.Remainder).ThenBy(e => e.Input.PartnershipId, StringComparer.Ordinal)
            .Take((int)leftOver).Select(e => e.Input.PartnershipId).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<ProposedAllocation> proposals = exact
            .Select(e => new ProposedAllocation(e.Input.PartnershipId, new Money((long)e.Floor + (extra.Contains(e.Input.PartnershipId) ? 1 : 0)))).ToList();
        return new Decision<IReadOnlyList<ProposedAllocation>>(proposals, null);
    }
}
