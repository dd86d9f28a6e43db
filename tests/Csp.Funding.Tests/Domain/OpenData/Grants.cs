using Csp.Funding.Domain.OpenData;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>
/// Grants to export, built from the seeds: Medway's £106,460 for 2019-20 (confirmed at the Police and Crime Panel of
/// 6 February 2020) and Kent's county CSP's £39,661 for 2024-25. ONS codes, org ids other than GB-LAE-MDW,
/// tranche ids and the publisher prefix are illustrative.
/// </summary>
internal static class Grants
{
    /// <summary>Illustrative: the Kent PCC's real 360Giving prefix is not known here.</summary>
    public const string Prefix = "360G-example-kentpcc";

    public static readonly DateTimeOffset Issued = new(2025, 6, 2, 9, 30, 0, TimeSpan.Zero); // 10:30 BST

    public static GrantForExport Medway(
        string allocationId = "alloc-medway-2019-20", long pence = 10_646_000, string? recipientOrgId = "GB-LAE-MDW",
        string? onsCode = "E22000001", string? funderOrgId = null, IReadOnlyList<DisbursementForExport>? releases = null,
        string? purpose = "Activities to tackle crime, disorder, drugs and reoffending",
        string partnershipName = "Medway Community Safety Partnership", string programmeTitle = "PCC Crime Reduction Grant") =>
        new(allocationId, "kent-pcc", "Office of the Kent Police and Crime Commissioner", funderOrgId,
            "medway", partnershipName, recipientOrgId, onsCode,
            "crg", programmeTitle, "2019-20", purpose,
            pence, new DateOnly(2020, 2, 6), new DateOnly(2019, 4, 1), new DateOnly(2020, 3, 31),
            "PCP-2020-02-06", releases ?? [new("t1", 7_097_333, new DateOnly(2019, 5, 1)), new("t2", 3_548_667, new DateOnly(2019, 10, 1))]);

    public static GrantForExport KentCounty(string allocationId = "alloc-kent-2024-25", IReadOnlyList<DisbursementForExport>? releases = null) =>
        new(allocationId, "kent-pcc", "Office of the Kent Police and Crime Commissioner", null,
            "kent", "Kent County Community Safety Partnership", "GB-LAE-KEN", "E22000002",
            "crg-2024-25", "Kent Crime Reduction Grant", "2024-25", null,
            3_966_100, new DateOnly(2024, 2, 8), new DateOnly(2024, 4, 1), new DateOnly(2025, 3, 31),
            null, releases ?? [new("first-two-thirds", 2_644_067, new DateOnly(2024, 5, 1)), new("last-third", 1_322_033, new DateOnly(2024, 11, 1))]);

    /// <summary>The 2024-25 grant round: the county and 12 district CSPs (amounts illustrative, summing to £558,385).</summary>
    public static IReadOnlyList<GrantForExport> KentRound()
    {
        var districts = new[] { "ashford", "canterbury", "dartford", "dover", "folkestone-hythe", "gravesham", "maidstone",
            "medway", "sevenoaks", "swale", "thanet", "tonbridge-malling" };
        var rest = 55_838_500L - 3_966_100L;
        var each = rest / districts.Length; // 4,322,700 pence: 558,385 - 39,661 = 518,724 splits evenly over 12
        return [KentCounty(), .. districts.Select((d, i) => KentCounty($"alloc-{d}-2024-25") with
        {
            PartnershipId = d,
            PartnershipName = $"{char.ToUpperInvariant(d[0])}{d[1..]} Community Safety Partnership",
            RecipientOrgId = null,
            OnsCode = $"E22{100 + i:000000}",
            AmountAwardedPence = each,
            Releases = [new($"t1", each * 2 / 3, new DateOnly(2024, 5, 1))],
        })];
    }
}
