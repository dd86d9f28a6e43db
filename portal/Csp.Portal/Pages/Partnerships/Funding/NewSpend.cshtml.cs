using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>
/// Recording spend against an approved project (manager, finance contact). A correction (<c>?corrects=</c> an entry)
/// asks how much to take back and records it as a negative entry naming the entry; the funding service checks that it
/// takes back no more than the entry has left. Amounts go to the service as typed.
/// </summary>
public sealed class NewSpendModel : FundingPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["projectId"] = ("ProjectId", "Project"),
        ["date"] = ("Date", "Date"),
        ["amount"] = ("Amount", "Amount"),
        ["description"] = ("Description", "Description"),
        ["evidenceReference"] = ("EvidenceReference", "Evidence reference"),
        ["correctsEntryId"] = ("Amount", "The entry corrected"),
    };

    [FromQuery(Name = "corrects")] public int? CorrectsQuery { get; set; }
    [BindProperty] public int? Corrects { get; set; }
    [BindProperty] public string? ProjectId { get; set; }
    [BindProperty] public string? DateDay { get; set; }
    [BindProperty] public string? DateMonth { get; set; }
    [BindProperty] public string? DateYear { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? EvidenceReference { get; set; }

    public SpendEntry? Corrected { get; private set; }

    public IEnumerable<Project> Projects => Allocation.Projects.Where(p => p.Status is "approved" or "completed");

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Corrects = CorrectsQuery;
        await LoadAsync(cancellationToken);
        if (Corrected is { } entry)
        {
            ProjectId = entry.ProjectId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Description = $"Correction of entry {entry.Id}: ";
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var date = ReadDate(DateDay, DateMonth, DateYear, "Date", "Date");
        int? projectId = int.TryParse(ProjectId, out var id) ? id : null;
        if (ModelState.IsValid)
        {
            var amount = MoneyTyped(Amount);
            // A correction is typed as the amount to take back and recorded as a negative entry.
            if (Corrects is not null && amount is not null && !amount.StartsWith('-')) amount = "-" + amount;
            var draft = new SpendDraft(projectId, date, amount, Description, string.IsNullOrWhiteSpace(EvidenceReference) ? null : EvidenceReference, Corrects);
            var result = await Api.PostAsync<SpendRecorded>($"{AllocationPath}/spend", draft, idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{AllocationPage}/spend?page={LastPage(result.Value!.Allocation.SpendEntries)}#spend");
            ModelState.AddProblem(result.Problem!, ApiFields);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private static int LastPage(int entries) => Math.Max(1, (entries + SpendModel.PageSize - 1) / SpendModel.PageSize);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadAllocationAsync(cancellationToken);
        if (Corrects is not { } entryId) return;
        var page = (entryId - 1) / SpendModel.PageSize + 1;
        var entries = (await Api.GetAsync<PageView<SpendEntry>>($"{AllocationPath}/spend?page={page}&pageSize={SpendModel.PageSize}", cancellationToken)).Value!;
        Corrected = entries.Items.FirstOrDefault(e => e.Id == entryId);
    }
}
