using Csp.Contracts.IntegrationEvents;

namespace Csp.Risk.Domain;

/// <summary>
/// The risk service's copy of a partnership and its agencies, kept from the action-plan service's
/// <c>partnership.changed</c> events (the action-plan service owns partnerships). It lets a risk's owning agency be
/// checked without a call that would fail whenever the action-plan service is down.
/// </summary>
public sealed record KnownPartnership(string Id, string Name, IReadOnlyList<KnownAgency> Agencies, long SourceVersion)
{
    public bool HasAgency(string agencyId) => Agencies.Any(a => a.Id == agencyId);

    public static KnownPartnership From(PartnershipChanged e) =>
        new(e.PartnershipId, e.Name, e.Agencies.Select(a => new KnownAgency(a.Id, a.Name)).ToList(), e.Version);

    /// <summary>A change replaces the copy only if it is newer: events may arrive twice or out of order.</summary>
    public bool IsSupersededBy(PartnershipChanged e) => e.Version > SourceVersion;
}

public sealed record KnownAgency(string Id, string Name);
