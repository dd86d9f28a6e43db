using Csp.BuildingBlocks.Validation;

namespace Csp.Risk.Domain;

/// <summary>The register's rules that are not one risk's state: review dates, direction of travel, escalation.</summary>
public static class RiskRules
{
    public static DateOnly NextReview(DateOnly from, ReviewFrequency frequency) => frequency switch
    {
        ReviewFrequency.Monthly => from.AddMonths(1),
        ReviewFrequency.Quarterly => from.AddMonths(3),
        ReviewFrequency.SixMonthly => from.AddMonths(6),
        ReviewFrequency.Annual => from.AddYears(1),
        _ => throw new ArgumentOutOfRangeException(nameof(frequency)),
    };

    /// <summary>From the last two current ratings, by matrix score (higher = worse); null until there are two.</summary>
    public static Direction? DirectionOfTravel(RiskRating? previous, RiskRating current) => previous is null ? null : Movement(previous, current);

    /// <summary>
    /// A partner's reassessment may set the next review at most one review period ahead of the day it is made (a quarterly
    /// risk assessed on 1 April: by 1 July at the latest), so a risk cannot be parked out of review. The manager may set any
    /// date. Adds an error on <c>nextReviewDate</c> when the rule is broken.
    /// </summary>
    public static void CheckNextReviewDate(DateOnly? requested, DateOnly assessedOn, ReviewFrequency frequency, bool byManager, ValidationErrors errors)
    {
        if (byManager || requested is not { } date) return;
        var latest = NextReview(assessedOn, frequency);
        if (date > latest)
            errors.Add("nextReviewDate", $"a partner may set the next review at most one review period ahead of the assessment: on or before {latest:yyyy-MM-dd}");
    }

    /// <summary>How a risk moved from one current rating to another, by matrix score (a lower score is better).</summary>
    public static Direction Movement(RiskRating before, RiskRating now) =>
        now.Score < before.Score ? Direction.Improving : now.Score > before.Score ? Direction.Worsening : Direction.Stable;

    /// <summary>
    /// Why a change of current rating escalates, or null: it moved into a band above the tolerance line (from at or below
    /// it, or it is new), or it worsened by at least one band. Staying above tolerance is not a new escalation, so a
    /// crossing escalates once.
    /// </summary>
    public static string? Escalation(RiskMatrix matrix, RiskRating? previous, RiskRating next)
    {
        var nowAbove = matrix.IsAboveTolerance(next);
        var wasAbove = previous is not null && matrix.IsAboveTolerance(previous);
        if (nowAbove && !wasAbove) return "above-tolerance";
        if (previous is not null && matrix.Severity(previous.Band) >= 0 && matrix.Severity(next.Band) > matrix.Severity(previous.Band)) return "worsened-band";
        return null;
    }
}
