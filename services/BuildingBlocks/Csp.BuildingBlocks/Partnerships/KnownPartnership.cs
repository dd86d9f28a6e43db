namespace Csp.BuildingBlocks.Partnerships;

/// <summary>
/// A service's copy of a partnership and its agencies, kept from the action-plan service's <c>partnership.changed</c>
/// events and, when the copy is missing or incomplete, from the owner's own list (<c>ListPartnerships</c> over gRPC).
/// The action-plan service owns partnerships; the copy lets a service check agencies without a call that would fail
/// whenever the owner is down. <see cref="SourceVersion"/> is the owner's version of the partnership this copy was made
/// from. Pure values and rules: a service's domain may use it.
/// </summary>
public sealed record KnownPartnership(string Id, string Name, IReadOnlyList<KnownAgency> Agencies, long SourceVersion)
{
    /// <summary>The partnership's ONS code (E22…), when the owner knows it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? OnsCode { get; init; }

    /// <summary>The org-id of the organisation that receives grants for the partnership (e.g. <c>GB-LAE-MDW</c>), when known.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RecipientOrgId { get; init; }

    public bool HasAgency(string agencyId) => Agencies.Any(a => a.Id == agencyId);

    /// <summary>A change replaces the copy only if it is newer: events may arrive twice or out of order.</summary>
    public bool IsSupersededBy(KnownPartnership change) => change.Id == Id && change.SourceVersion > SourceVersion;

    /// <summary>
    /// What to do with a change that arrived as an event: keep it if it is newer than <paramref name="current"/> (none: 0)
    /// by at most <paramref name="maxVersionJump"/>. The owner raises a partnership's version by one per change, and a
    /// copy that follows the events misses a version only when an event is lost; a change far ahead of the copy is
    /// therefore not believed (a forged event with a huge version would otherwise freeze the copy for good, since
    /// nothing real could ever be newer). The owner's own list is not judged by this rule: it is the truth.
    /// </summary>
    public static ChangeVerdict Judge(KnownPartnership? current, KnownPartnership change, long maxVersionJump)
    {
        if (change.SourceVersion < 1) return ChangeVerdict.ImplausibleJump;
        if (current is not null && !current.IsSupersededBy(change)) return ChangeVerdict.NotNewer;
        return change.SourceVersion - (current?.SourceVersion ?? 0) > maxVersionJump ? ChangeVerdict.ImplausibleJump : ChangeVerdict.Newer;
    }
}

public sealed record KnownAgency(string Id, string Name);

/// <summary>The verdict on a change to a copy: keep it, ignore it as old news, or refuse it as an implausible jump.</summary>
public enum ChangeVerdict { Newer, NotNewer, ImplausibleJump }
