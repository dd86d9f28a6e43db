namespace Csp.Funding.Domain.OpenData;

/// <summary>
/// One confirmed allocation as the open-data exports see it: everything <see cref="ThreeSixtyGiving"/> needs, and
/// nothing it must not publish (no people, no spend lines). Money is integer pence; dates are UK calendar dates.
/// </summary>
/// <param name="RecipientOrgId">The accountable body's org-id.guide identifier, e.g. <c>GB-LAE-MDW</c> (Medway Council).</param>
/// <param name="OnsCode">The partnership's ONS code, <c>E22…</c> for an English community safety partnership.</param>
/// <param name="FinancialYear">The UK financial year, written <c>2024-25</c>.</param>
/// <param name="AwardDate">When the award was decided: the allocation's confirmation date.</param>
/// <param name="Releases">The tranches released so far (released ones only, not scheduled or cancelled).</param>
public sealed record GrantForExport(
    string AllocationId, string FunderId, string FunderName, string? FunderOrgId,
    string PartnershipId, string PartnershipName, string? RecipientOrgId, string? OnsCode,
    string ProgrammeId, string ProgrammeTitle, string FinancialYear, string? Purpose,
    long AmountAwardedPence, DateOnly AwardDate, DateOnly PlannedStart, DateOnly PlannedEnd,
    string? ConfirmationReference, IReadOnlyList<DisbursementForExport> Releases);

/// <summary>One released tranche of a grant: a 360Giving <c>disbursementTransaction</c>.</summary>
public sealed record DisbursementForExport(string TrancheId, long AmountPence, DateOnly ReleasedOn);

/// <summary>
/// What a publisher says about its package beyond the grants. The licence is the publisher's choice, so nothing is
/// assumed: a package without one is still valid 360Giving, but the 360Giving registry asks for one.
/// </summary>
public sealed record PackageMetadata(Uri? License = null, Uri? PublisherWebsite = null)
{
    /// <summary>The Open Government Licence v3.0, the usual licence for UK public-sector open data.</summary>
    public static readonly Uri OpenGovernmentLicence = new("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/");
}
