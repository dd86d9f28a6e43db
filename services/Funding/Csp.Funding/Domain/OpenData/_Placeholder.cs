// THROWAWAY placeholder of the open-data helper's interface (the lead deletes this file at merge; the real code lives
// beside it in Domain/OpenData/). Only the signatures matter: the funding service builds GrantForExport values and calls
// ThreeSixtyGiving.Package / Csv.
using System.Text.Json.Nodes;

namespace Csp.Funding.Domain.OpenData;

public sealed record GrantForExport(
    string AllocationId, string FunderId, string FunderName, string? FunderOrgId,
    string PartnershipId, string PartnershipName, string? RecipientOrgId, string? OnsCode,
    string ProgrammeId, string ProgrammeTitle, string FinancialYear, string? Purpose,
    long AmountAwardedPence, DateOnly AwardDate, DateOnly PlannedStart, DateOnly PlannedEnd,
    string? ConfirmationReference, IReadOnlyList<DisbursementForExport> Releases);

public sealed record DisbursementForExport(string TrancheId, long AmountPence, DateOnly ReleasedOn);

public static class ThreeSixtyGiving
{
    public static JsonObject Package(string publisherPrefix, IReadOnlyList<GrantForExport> grants, DateTimeOffset issued) =>
        new() { ["grants"] = new JsonArray() };

    public static string Csv(IReadOnlyList<GrantForExport> grants) => "Identifier,Title\n";
}
