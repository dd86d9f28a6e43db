using System.Globalization;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Rounds;

/// <summary>Opening an update round (manager): a quarter and a deadline, checked by the action plan.</summary>
public sealed class NewRoundModel : PartnershipPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["period"] = ("Period", "Quarter"),
        ["deadline"] = ("Deadline", "Deadline"),
        ["opensOn"] = ("Deadline", "Opening date"),
    };

    [BindProperty] public string? Period { get; set; }
    [BindProperty] public string? DeadlineDay { get; set; }
    [BindProperty] public string? DeadlineMonth { get; set; }
    [BindProperty] public string? DeadlineYear { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadPartnershipAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        DateOnly? deadline = null;
        if (string.IsNullOrWhiteSpace(DeadlineDay) && string.IsNullOrWhiteSpace(DeadlineMonth) && string.IsNullOrWhiteSpace(DeadlineYear)) { }
        else if (int.TryParse(DeadlineDay, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && int.TryParse(DeadlineMonth, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
                 && int.TryParse(DeadlineYear, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1000 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
            deadline = new DateOnly(y, m, d);
        else ModelState.AddModelError("Deadline", "Deadline must be a real date, like 27 3 2027");

        if (ModelState.IsValid)
        {
            var result = await Api.PostAsync<UpdateRoundView>(ApiPath + "/update-rounds", new UpdateRoundDraft(Period?.Trim(), null, deadline),
                idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{PagePath}/update-rounds/{Uri.EscapeDataString(result.Value!.Id)}");
            ModelState.AddProblem(result.Problem!, ApiFields);
        }
        await LoadPartnershipAsync(cancellationToken);
        return Page();
    }
}
