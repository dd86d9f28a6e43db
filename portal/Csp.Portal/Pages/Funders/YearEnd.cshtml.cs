using Csp.Portal.Api.Funding;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// The year end of a confirmed allocation (<c>POST .../year-end</c> with If-Match): the outturn (which must equal the spend
/// recorded: the service says so otherwise), the date the underspend was returned (today when left empty) and the funder's
/// reference for it. What will be returned is shown first: released less the outturn; scheduled tranches are cancelled and
/// the allocation is closed. The result (outturn, funds returned) is shown on the allocation page.
/// </summary>
public sealed class YearEndModel : AllocationSubPage
{
    [BindProperty] public string? Outturn { get; set; }
    [BindProperty] public string? ReturnedOnDay { get; set; }
    [BindProperty] public string? ReturnedOnMonth { get; set; }
    [BindProperty] public string? ReturnedOnYear { get; set; }
    [BindProperty] public string? ReturnReference { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequireFunder();
        await LoadAsync(cancellationToken);
        Outturn ??= Pounds.Show(Allocation.Totals.Spent).TrimStart('£');
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var returnedOn = ReadDate(ReturnedOnDay, ReturnedOnMonth, ReturnedOnYear, nameof(ReturnedOnDay), "Date returned");
        return await WriteAsync(() => Api.PostAsync<AllocationView>($"{AllocationApiPath}/year-end",
                new YearEndDraft(Pounds.Typed(Outturn), returnedOn, string.IsNullOrWhiteSpace(ReturnReference) ? null : ReturnReference.Trim()),
                ifMatch: Version, cancellationToken: cancellationToken),
            new Dictionary<string, (string, string)>
            {
                ["outturn"] = (nameof(Outturn), "Outturn"),
                ["returnedOn"] = (nameof(ReturnedOnDay), "Date returned"),
                ["returnReference"] = (nameof(ReturnReference), "Reference"),
            }, "closed", null, cancellationToken);
    }
}
