using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Funding.Domain;
using Csp.Funding.Domain.OpenData;
using Csp.Funding.Storage;

namespace Csp.Funding.Api;

/// <summary>
/// <c>GET /api/funders/{f}/360giving?year=2024-25</c> (a 360Giving package) and <c>/360giving.csv</c>: the funder's confirmed
/// grants of a financial year as open data. Who may call: anyone, signed in or not (the public may read it); it holds
/// only what the funder publishes anyway (who got a grant, how much, for what, when, and the releases). The grants are
/// the funder's allocations of that year that were confirmed (closed ones included: they were confirmed first);
/// provisional and withdrawn allocations are never published. The package is built by <see cref="ThreeSixtyGiving"/>
/// (docs/funding.md, "360Giving mapping").
/// </summary>
public static class OpenDataApi
{
    public static IEndpointRouteBuilder MapOpenDataApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/funders/{funderId}").AllowAnonymous().WithTags("Open data");
        group.MapGet("360giving", PackageAsync).Produces<object>(StatusCodes.Status200OK, "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The funder's confirmed grants of a year as a 360Giving 1.4.3 package (anyone, no sign-in).");
        group.MapGet("360giving.csv", CsvAsync).Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The same grants as CSV for spreadsheets (anyone, no sign-in).");
        return app;
    }

    /// <summary>The 360Giving identifier prefix the funder publishes under: <c>360G-</c> and the funder's id.</summary>
    public static string PublisherPrefix(string funderId) => "360G-" + funderId;

    private static async Task<IResult> PackageAsync(string funderId, string? year, FundingStore store, IPartnershipLookup<KnownPartnership> partnerships, TimeProvider clock)
    {
        var (grants, refusal) = await GrantsAsync(funderId, year, store, partnerships);
        return refusal ?? Results.Text(ThreeSixtyGiving.Package(PublisherPrefix(funderId), grants!, clock.GetUtcNow()).ToJsonString(), "application/json; charset=utf-8");
    }

    private static async Task<IResult> CsvAsync(string funderId, string? year, FundingStore store, IPartnershipLookup<KnownPartnership> partnerships)
    {
        var (grants, refusal) = await GrantsAsync(funderId, year, store, partnerships);
        return refusal ?? Results.Text(ThreeSixtyGiving.Csv(PublisherPrefix(funderId), grants!), "text/csv; charset=utf-8");
    }

    /// <summary>The funder's confirmed grants of the year (or the problem: 400 for a bad year, 404 for an unknown funder).</summary>
    public static async Task<(IReadOnlyList<GrantForExport>? Grants, IResult? Refusal)> GrantsAsync(string funderId, string? year, FundingStore store,
        IPartnershipLookup<KnownPartnership> partnerships)
    {
        var errors = new ValidationErrors();
        var fy = Periods.ReadYear("year", year, errors);
        if (fy is null) return (null, Problems.Validation(errors));
        var funder = Slug.IsValid(funderId) ? await store.GetFunderAsync(funderId) : null;
        if (funder is null) return (null, Problems.NotFound($"Funder '{(funderId.Length > 64 ? funderId[..64] : funderId)}'"));
        var programmes = (await store.ListProgrammesAsync(funderId)).Select(p => p.Value).Where(p => p.Year == fy).ToList();
        var grants = new List<GrantForExport>();
        foreach (var programme in programmes)
            foreach (var allocation in (await store.ListProgrammeAllocationsAsync(funderId, programme.Id)).Select(a => a.Value)
                         .Where(a => a.Confirmation is not null && a.Status is AllocationStatus.Confirmed or AllocationStatus.Closed)
                         .OrderBy(a => a.PartnershipId, StringComparer.Ordinal))
                grants.Add(Grant(funder.Value, programme, allocation, await partnerships.FindAsync(allocation.PartnershipId)));
        // A 360Giving package needs at least one grant: a year with none confirmed is "nothing published", not an invalid package.
        if (!ThreeSixtyGiving.HasGrants(grants)) return (null, Problems.NotFound($"Confirmed grants of {funder.Value.Name} for {fy}"));
        return (grants, null);
    }

    /// <summary>One confirmed allocation as a grant. Its reference is <c>{programme}-{partnership}</c> (an allocation's id is
    /// its programme's, unique only within its partnership); the award date is the day it was confirmed.</summary>
    public static GrantForExport Grant(Funder funder, Programme programme, Allocation a, KnownPartnership? partnership) => new(
        $"{a.Id}-{a.PartnershipId}", funder.Id, funder.Name, funder.OrgId,
        a.PartnershipId, partnership?.Name ?? a.PartnershipId, partnership?.RecipientOrgId, partnership?.OnsCode,
        programme.Id, programme.Title, a.Year.ToString(), a.Purpose,
        a.Awarded.Pence, UkTime.DateOf(a.Confirmation!.ConfirmedAt), a.PlannedStart, a.PlannedEnd, a.Confirmation.PanelReference,
        a.Tranches.Where(t => t.Status == TrancheStatus.Released)
            .Select(t => new DisbursementForExport($"{a.Id}-{a.PartnershipId}-{t.Id}", t.Amount.Pence, t.ReleasedOn!.Value)).ToList());
}
