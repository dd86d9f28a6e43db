using System.Globalization;
using Csp.Portal.Api;
using Csp.Portal.Api.Funding;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// The funder's programmes (<c>GET /api/funders/{f}/programmes</c>) and the form that sets one up: id, title, financial year,
/// pot in pounds and pence (sent as typed), conditions and an optional allocation formula (whole percent over population,
/// crime and non-crime demand). Only a finance officer acting for the funder may read or create them: anyone else gets the
/// service's 403 as the permission page, and a crafted POST is refused by the service.
/// </summary>
public sealed class ProgrammesModel : FunderPage
{
    public static readonly IReadOnlyList<(string Factor, string Key, string Text)> Factors =
    [
        ("population", nameof(WeightPopulation), "Population"),
        ("crime", nameof(WeightCrime), "Recorded crime"),
        ("non-crime-demand", nameof(WeightNonCrimeDemand), "Non-crime demand"),
    ];

    [BindProperty] public string? ProgrammeId { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Year { get; set; }
    [BindProperty] public string? Pot { get; set; }
    [BindProperty] public string? Conditions { get; set; }
    [BindProperty] public string? WeightPopulation { get; set; }
    [BindProperty] public string? WeightCrime { get; set; }
    [BindProperty] public string? WeightNonCrimeDemand { get; set; }

    public IReadOnlyList<ProgrammeDetailView> Programmes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, (string, string)>
        {
            ["id"] = (nameof(ProgrammeId), "Programme id"),
            ["title"] = (nameof(Title), "Title"),
            ["year"] = (nameof(Year), "Financial year"),
            ["pot"] = (nameof(Pot), "Pot"),
            ["conditions"] = (nameof(Conditions), "Conditions"),
            ["formula"] = (nameof(WeightPopulation), "Formula:"),
        };
        var weights = new List<FormulaWeightDraft>();
        foreach (var (factor, key, text) in Factors)
        {
            var typed = key switch { nameof(WeightPopulation) => WeightPopulation, nameof(WeightCrime) => WeightCrime, _ => WeightNonCrimeDemand };
            if (string.IsNullOrWhiteSpace(typed)) continue;
            if (!int.TryParse(typed.Trim().TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
            {
                ModelState.AddModelError(key, $"{text} weight must be a whole percent, like 25");
                continue;
            }
            fields[$"formula[{weights.Count}].percent"] = (key, $"{text} weight");
            fields[$"formula[{weights.Count}].factor"] = (key, $"{text} weight");
            weights.Add(new FormulaWeightDraft(factor, percent));
        }
        if (ModelState.IsValid)
        {
            var draft = new ProgrammeDraft(ProgrammeId?.Trim(), Title?.Trim(), Year?.Trim(), Pounds.Typed(Pot), string.IsNullOrWhiteSpace(Conditions) ? null : Conditions.Trim(),
                weights.Count == 0 ? null : weights);
            var result = await Api.PostAsync<ProgrammeDetailView>($"{FunderApiPath}/programmes", draft, idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{FunderPagePath}/programmes/{Uri.EscapeDataString(result.Value!.Id)}?done=created");
            ModelState.AddProblem(result.Problem!, fields);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Programmes = ((await Api.GetAsync<List<ProgrammeDetailView>>($"{FunderApiPath}/programmes", cancellationToken)).Value ?? [])
            .OrderByDescending(p => p.Year, StringComparer.Ordinal).ThenBy(p => p.Title, StringComparer.Ordinal).ToList();

    /// <summary>A formula in words: "Population 50%, recorded crime 25%, non-crime demand 25%".</summary>
    public static string Formula(IReadOnlyList<FormulaWeightView>? weights) =>
        weights is not { Count: > 0 } ? "None"
            : string.Join(", ", weights.Select((w, i) =>
            {
                var text = Factors.FirstOrDefault(f => f.Factor == w.Factor).Text ?? w.Factor;
                return $"{(i == 0 ? text : text.ToLowerInvariant())} {w.Percent}%";
            }));
}
