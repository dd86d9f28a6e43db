using System.Globalization;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>
/// Submitting a quarter's monitoring return (manager): spend to date per approved project (filled in with what is
/// recorded), each project's agreed measures, a narrative and the forecast outturn. The funding service checks the
/// quarter (in the allocation's year, one return each) and the money; its errors are shown against the fields.
/// </summary>
public sealed class NewReturnModel : FundingPage
{
    [BindProperty] public string? Quarter { get; set; }
    [BindProperty] public Dictionary<int, string?> SpendToDate { get; set; } = [];
    [BindProperty] public Dictionary<string, string?> MeasureValues { get; set; } = [];
    [BindProperty] public string? Narrative { get; set; }
    [BindProperty] public string? ForecastOutturn { get; set; }

    public IReadOnlyList<Project> Projects { get; private set; } = [];

    /// <summary>The quarters of the allocation's financial year (<c>2024-25</c> → 2024-Q1 … 2024-Q4) with no return in
    /// (a return sent back may be sent again).</summary>
    public IReadOnlyList<string> Quarters { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Quarter = Quarters.FirstOrDefault();
        foreach (var p in Projects) SpendToDate[p.Id] = p.Spent.Pounds;
        ForecastOutturn = Allocation.Totals.ForecastOutturn?.Pounds;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        var lines = Projects.Select(p => new ReturnLineDraft(p.Id, MoneyTyped(SpendToDate.GetValueOrDefault(p.Id)))).ToList();
        var measures = Projects.SelectMany(p => p.Measures.Select((m, i) => new MeasureValueDraft(p.Id, m, MeasureValues.GetValueOrDefault(MeasureKey(p.Id, i)))))
            .Where(m => !string.IsNullOrWhiteSpace(m.Value)).ToList();
        var draft = new ReturnDraft(string.IsNullOrEmpty(Quarter) ? null : Quarter, lines, Narrative, measures, MoneyTyped(ForecastOutturn));
        var result = await Api.PostAsync<Allocation>($"{AllocationPath}/returns", draft, idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
        if (result.Succeeded) return Redirect($"{AllocationPage}?done=return#returns");
        ModelState.AddProblem(result.Problem!, ApiFields(lines, measures));
        return Page();
    }

    public static string MeasureKey(int projectId, int index) => $"{projectId}-{index}";

    /// <summary>The service names lines by their index in what was sent; each maps back to its project's field.</summary>
    private IReadOnlyDictionary<string, (string, string)> ApiFields(IReadOnlyList<ReturnLineDraft> lines, IReadOnlyList<MeasureValueDraft> measures)
    {
        var map = new Dictionary<string, (string, string)>
        {
            ["quarter"] = ("Quarter", "Quarter"),
            ["narrative"] = ("Narrative", "Narrative"),
            ["forecastOutturn"] = ("ForecastOutturn", "Forecast outturn"),
        };
        for (var i = 0; i < lines.Count; i++)
        {
            var title = Allocation.ProjectById(lines[i].ProjectId)?.Title ?? $"Project {lines[i].ProjectId}";
            map[$"spendToDate[{i}].spent"] = ($"SpendToDate[{lines[i].ProjectId}]", $"Spend to date on “{title}”");
        }
        for (var i = 0; i < measures.Count; i++)
        {
            var project = Allocation.ProjectById(measures[i].ProjectId);
            var index = project?.Measures.ToList().IndexOf(measures[i].Measure) ?? 0;
            map[$"measures[{i}].value"] = ($"MeasureValues[{MeasureKey(measures[i].ProjectId, index)}]", $"“{measures[i].Measure}”");
        }
        return map;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadAllocationAsync(cancellationToken);
        Projects = Allocation.Projects.Where(p => p.Status is "approved" or "completed").ToList();
        var taken = Allocation.Returns.Where(r => r.Status != "returned").Select(r => r.Quarter).ToHashSet(StringComparer.Ordinal);
        var startYear = int.Parse(Allocation.Year[..4], CultureInfo.InvariantCulture);
        Quarters = Enumerable.Range(1, 4).Select(q => $"{startYear}-Q{q}").Where(q => !taken.Contains(q)).ToList();
    }
}
