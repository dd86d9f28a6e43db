using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Plan;

/// <summary>Adding an action to the plan (manager): <c>POST .../actions</c> with an Idempotency-Key; back to the plan with the
/// new action listed under its priority.</summary>
public sealed class NewActionModel : ActionFormPage
{
    [FromQuery(Name = "priority")] public string? ForPriority { get; set; }

    public override string SubmitText => "Add the action";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequireManager();
        if (Request.Query["plan"] is { Count: > 0 } plan) PlanId = plan.ToString();
        PriorityId = ForPriority;
        await LoadFormAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        var (draft, fields) = Draft();
        if (ModelState.IsValid)
        {
            var result = await Api.PostAsync<ActionView>(ApiPath + "/actions", draft, idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
            if (result.Succeeded)
                return Redirect($"{PagePath}/plan?plan={Uri.EscapeDataString(result.Value!.PlanId)}&done=action-added&action={result.Value.Id}#priority-{Uri.EscapeDataString(result.Value.PriorityId)}");
            ModelState.AddProblem(Readable(result.Problem!), fields);
        }
        await LoadFormAsync(cancellationToken);
        return Page();
    }
}
