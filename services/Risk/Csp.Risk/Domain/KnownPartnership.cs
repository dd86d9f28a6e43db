namespace Csp.Risk.Domain;

/// <summary>
/// The risk service's copy of a partnership and its agencies, kept from the action-plan service's
/// <c>partnership.changed</c> events (the action-plan service owns partnerships). It lets a risk's owning agency be
/// checked without a call that would fail whenever the action-plan service is down. <see cref="SourceVersion"/> is the
/// owner's version of the partnership this copy was made from.
/// </summary>
public sealed record KnownPartnership(string Id, string Name, IReadOnlyList<KnownAgency> Agencies, long SourceVersion)
{
    public bool HasAgency(string agencyId) => Agencies.Any(a => a.Id == agencyId);

    /// <summary>A change replaces the copy only if it is newer: events may arrive twice or out of order.</summary>
    public bool IsSupersededBy(KnownPartnership change) => change.Id == Id && change.SourceVersion > SourceVersion;
}

public sealed record KnownAgency(string Id, string Name);
