using System.Globalization;
using System.Net;
using Csp.Portal.Api;
using Csp.Portal.Api.Funding;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// One programme: its pot and formula; the formula's inputs per partnership (population, recorded crime, non-crime demand)
/// and <b>Run the formula</b> (<c>POST .../proposal</c> with the programme's ETag as If-Match), which records the proposal:
/// each partnership's share of the pot to the penny, in pounds with thousands separators; and, beside each proposed share,
/// the allocation awarded from it (its state, a link to confirm it) or an <b>Award</b> form with the proposed amount filled
/// in (<c>POST /api/partnerships/{p}/funding/allocations</c>, provisional; a different amount needs the reason, which the
/// service asks for). Only a finance officer acting for the funder: the service refuses anyone else.
/// </summary>
public sealed class ProgrammeModel : FunderPage
{
    /// <summary>Rows for partnerships the portal cannot list (the action plan knows only some of the funder's partnerships here).</summary>
    public const int ExtraRows = 3;

    [FromRoute] public string ProgrammeId { get; set; } = "";
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [FromQuery(Name = "item")] public string? DoneItem { get; set; }

    [BindProperty] public string? Version { get; set; }
    [BindProperty] public List<string?> InputPartnership { get; set; } = [];
    [BindProperty] public List<string?> InputFixed { get; set; } = [];
    [BindProperty] public List<string?> InputPopulation { get; set; } = [];
    [BindProperty] public List<string?> InputCrime { get; set; } = [];
    [BindProperty] public List<string?> InputNonCrimeDemand { get; set; } = [];
    [BindProperty] public string? AwardPartnership { get; set; }
    [BindProperty] public string? AwardAmount { get; set; }
    [BindProperty] public string? AwardReason { get; set; }

    public ProgrammeDetailView Programme { get; private set; } = null!;

    /// <summary>The programme's allocations by partnership (from the funder's overview of the programme).</summary>
    public IReadOnlyDictionary<string, OverviewRowView> Allocations { get; private set; } = new Dictionary<string, OverviewRowView>();

    /// <summary>The input rows: the partnership's id and whether it is fixed (a known partnership) or typed.</summary>
    public List<(string Id, bool Fixed)> Rows { get; } = [];

    public bool Conflict { get; private set; }
    public string? FailedForm { get; private set; }

    public string PagePath => $"{FunderPagePath}/programmes/{Uri.EscapeDataString(ProgrammeId)}";
    private string ProgrammeApiPath => $"{FunderApiPath}/programmes/{Uri.EscapeDataString(ProgrammeId)}";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        BuildRows(fromPost: false);
    }

    public async Task<IActionResult> OnPostProposeAsync(CancellationToken cancellationToken)
    {
        FailedForm = "propose";
        var inputs = new List<FormulaInputDraft>();
        var fields = new Dictionary<string, (string, string)> { ["inputs"] = ("Inputs", "Formula inputs:") };
        for (var i = 0; i < InputPartnership.Count; i++)
        {
            var id = InputPartnership[i]?.Trim();
            var population = Count(i, InputPopulation, "population", "Population");
            var crime = Count(i, InputCrime, "crime", "Recorded crime");
            var demand = Count(i, InputNonCrimeDemand, "non-crime demand", "Non-crime demand");
            if (string.IsNullOrEmpty(id) && Blank(InputPopulation, i) && Blank(InputCrime, i) && Blank(InputNonCrimeDemand, i)) continue;
            if (Blank(InputPopulation, i) && Blank(InputCrime, i) && Blank(InputNonCrimeDemand, i)) continue; // a partnership left out
            var who = string.IsNullOrEmpty(id) ? $"row {i + 1}" : PartnershipName(id);
            fields[$"inputs[{inputs.Count}].partnershipId"] = ($"InputPartnership{i}", $"Partnership id of {who}");
            fields[$"inputs[{inputs.Count}].population"] = ($"InputPopulation{i}", $"Population of {who}");
            fields[$"inputs[{inputs.Count}].crime"] = ($"InputCrime{i}", $"Recorded crime of {who}");
            fields[$"inputs[{inputs.Count}].nonCrimeDemand"] = ($"InputNonCrimeDemand{i}", $"Non-crime demand of {who}");
            fields[$"inputs[{inputs.Count}]"] = ($"InputPopulation{i}", $"The inputs of {who}:");
            inputs.Add(new FormulaInputDraft(id ?? "", population, crime, demand));
        }
        if (ModelState.IsValid)
        {
            var result = await Api.PostAsync<ProgrammeDetailView>($"{ProgrammeApiPath}/proposal", new ProposalDraft(inputs), ifMatch: Version, cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{PagePath}?done=proposed#proposal");
            if (result.Status == StatusCodes.Status412PreconditionFailed)
            {
                Conflict = true;
                await LoadAsync(cancellationToken);
                BuildRows(fromPost: true);
                return Page();
            }
            ModelState.AddProblem(result.Problem!, fields);
        }
        await LoadAsync(cancellationToken, keepVersion: true);
        BuildRows(fromPost: true);
        return Page();
    }

    public async Task<IActionResult> OnPostAwardAsync(CancellationToken cancellationToken)
    {
        FailedForm = "award";
        var partnership = AwardPartnership?.Trim() ?? "";
        await LoadPartnershipNamesAsync(cancellationToken);
        var who = PartnershipName(partnership);
        try
        {
            var result = await Api.PostAsync<AllocationView>($"api/partnerships/{Uri.EscapeDataString(partnership)}/funding/allocations",
                new AllocationDraft(ProgrammeId, Pounds.Typed(AwardAmount), string.IsNullOrWhiteSpace(AwardReason) ? null : AwardReason.Trim(), null),
                idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{PagePath}?done=awarded&item={Uri.EscapeDataString(partnership)}#outcome");
            ModelState.AddProblem(result.Problem!, new Dictionary<string, (string, string)>
            {
                ["amount"] = (nameof(AwardAmount), $"Amount for {who}"),
                ["adjustmentReason"] = (nameof(AwardReason), $"Reason for {who}"),
            });
        }
        catch (ApiFailure failure) when (failure.Status == HttpStatusCode.NotFound)
        {
            ModelState.AddModelError("", $"The funding service does not know the partnership {partnership}: it is set up in the action plan first.");
        }
        await LoadAsync(cancellationToken);
        BuildRows(fromPost: false);
        return Page();
    }

    /// <summary>Awards every proposed share not yet awarded, at the proposed amount (one call per partnership, each with its
    /// own Idempotency-Key); the page then lists what was awarded and, in the error summary, what the service refused.</summary>
    public async Task<IActionResult> OnPostAwardAllAsync(CancellationToken cancellationToken)
    {
        FailedForm = "award-all";
        await LoadAsync(cancellationToken);
        foreach (var share in Programme.Proposal ?? [])
        {
            if (Allocations.ContainsKey(share.PartnershipId)) continue;
            var who = PartnershipName(share.PartnershipId);
            try
            {
                var result = await Api.PostAsync<AllocationView>($"api/partnerships/{Uri.EscapeDataString(share.PartnershipId)}/funding/allocations",
                    new AllocationDraft(ProgrammeId, share.Amount.Pounds, null, null), idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken);
                if (result.Succeeded) AwardedNow.Add($"{Pounds.Show(share.Amount)} to {who}");
                else ModelState.AddModelError("", $"{who}: {(result.Problem!.Status == StatusCodes.Status403Forbidden ? "you do not have permission to award it" : result.Problem.Detail ?? result.Problem.Title)}");
            }
            catch (ApiFailure failure) when (failure.Status == HttpStatusCode.NotFound)
            {
                ModelState.AddModelError("", $"{who}: the funding service does not know the partnership {share.PartnershipId}: it is set up in the action plan first");
            }
        }
        await LoadAsync(cancellationToken);
        BuildRows(fromPost: false);
        return Page();
    }

    /// <summary>What "Award every proposed allocation" awarded (shown in the success banner).</summary>
    public List<string> AwardedNow { get; } = [];

    private long? Count(int row, List<string?> values, string what, string label)
    {
        if (Blank(values, row)) return null;
        var text = values[row]!.Trim().Replace(",", "", StringComparison.Ordinal);
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        var who = InputPartnership.ElementAtOrDefault(row) is { Length: > 0 } id ? PartnershipName(id) : $"row {row + 1}";
        var key = what switch { "population" => $"InputPopulation{row}", "crime" => $"InputCrime{row}", _ => $"InputNonCrimeDemand{row}" };
        ModelState.AddModelError(key, $"{label} of {who} must be a whole number, like 280,000");
        return null;
    }

    private static bool Blank(List<string?> values, int row) => row >= values.Count || string.IsNullOrWhiteSpace(values[row]);

    private void BuildRows(bool fromPost)
    {
        Rows.Clear();
        if (fromPost)
        {
            for (var i = 0; i < InputPartnership.Count; i++) Rows.Add((InputPartnership[i]?.Trim() ?? "", InputFixed.ElementAtOrDefault(i) == "true"));
            return;
        }
        // Known partnerships, then those the last proposal or an allocation names, then blank rows for others.
        var ids = PartnershipNames.Keys.Concat(Programme.Proposal?.Select(p => p.PartnershipId) ?? []).Concat(Allocations.Keys)
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids) Rows.Add((id, true));
        for (var i = 0; i < ExtraRows; i++) Rows.Add(("", false));
        InputPartnership = Rows.Select(r => (string?)r.Id).ToList();
    }

    private async Task LoadAsync(CancellationToken cancellationToken, bool keepVersion = false)
    {
        var programme = await Api.GetAsync<ProgrammeDetailView>(ProgrammeApiPath, cancellationToken);
        Programme = programme.Value!;
        if (!keepVersion || string.IsNullOrEmpty(Version)) Version = programme.ETag;
        await LoadPartnershipNamesAsync(cancellationToken);
        var overview = await Api.GetAsync<FunderOverviewView>($"{FunderApiPath}/overview?programme={Uri.EscapeDataString(ProgrammeId)}", cancellationToken);
        Allocations = (overview.Value?.Rows ?? []).ToDictionary(r => r.PartnershipId, StringComparer.Ordinal);
    }

    public string Typed(List<string?> values, int row) => row < values.Count ? values[row] ?? "" : "";

    /// <summary>The proposal's amount as the award form fills it in: pounds with thousands separators, exact.</summary>
    public static string AmountText(AmountView amount) => Pounds.Show(amount).TrimStart('£');

    /// <summary>An id of a field repeated on each row's award form: the plain id on the row that failed (the error summary
    /// links to it), suffixed on the others.</summary>
    public string AwardFieldId(string key, string partnershipId) =>
        FailedForm == "award" && AwardPartnership == partnershipId ? Fields.Id(key) : $"{Fields.Id(key)}-{partnershipId}";

    public string? AwardError(string key, string partnershipId) =>
        FailedForm == "award" && AwardPartnership == partnershipId ? ModelState.Error(key) : null;

    public string? Outcome => Done switch
    {
        "created" => $"Programme set up: {Programme.Title}, {Programme.Year}, a pot of {Pounds.Show(Programme.Pot)}.",
        "proposed" => Programme.Proposal is { } p ? $"The formula proposed {p.Count} {(p.Count == 1 ? "allocation" : "allocations")} adding up to {Pounds.Show(p.Sum(x => x.Amount.Pence))}." : null,
        "awarded" => DoneItem is { } id && Allocations.TryGetValue(id, out var row)
            ? $"Awarded {Pounds.Show(row.Awarded)} to {PartnershipName(id)}: provisional until it is confirmed." : "Allocation awarded.",
        _ => null,
    };
}
