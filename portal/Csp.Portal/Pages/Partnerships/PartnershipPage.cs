using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Csp.Portal.Pages.Partnerships;

/// <summary>
/// The base of every page under <c>/partnerships/{p}/</c>: the partnership id from the route, the signed-in caller (for
/// what to offer; the services decide what is allowed), the gateway client, and the reads most pages need.
/// </summary>
public abstract class PartnershipPage : PageModel
{
    [FromRoute(Name = "p")] public string PartnershipId { get; set; } = "";

    public Caller Caller => Caller.From(User);

    protected GatewayApi Api => HttpContext.RequestServices.GetRequiredService<GatewayApi>();

    protected PortalOptions Options => HttpContext.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value;

    protected DateOnly Today => Csp.BuildingBlocks.Time.UkTime.Today(HttpContext.RequestServices.GetRequiredService<TimeProvider>());

    public PartnershipView Partnership { get; private set; } = null!;

    /// <summary>Priority id → title, across the partnership's plans (old plans stay readable).</summary>
    public IReadOnlyDictionary<string, string> PriorityTitles { get; private set; } = new Dictionary<string, string>();

    /// <summary>The API path of this partnership: <c>api/partnerships/{p}</c>, escaped.</summary>
    protected string ApiPath => "api/partnerships/" + Uri.EscapeDataString(PartnershipId);

    /// <summary>The portal path of this partnership: <c>/partnerships/{p}</c>, escaped.</summary>
    public string PagePath => "/partnerships/" + Uri.EscapeDataString(PartnershipId);

    protected async Task LoadPartnershipAsync(CancellationToken cancellationToken, bool withPlans = false)
    {
        Partnership = (await Api.GetAsync<PartnershipView>(ApiPath, cancellationToken)).Value!;
        if (!withPlans) return;
        var plans = (await Api.GetAsync<List<PlanView>>(ApiPath + "/plans", cancellationToken)).Value ?? [];
        PriorityTitles = plans.SelectMany(p => p.Priorities).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Title);
    }

    public string PriorityTitle(string id) => PriorityTitles.TryGetValue(id, out var title) ? title : id;

    /// <summary>Every action matching <paramref name="query"/> (the list is paged by 200).</summary>
    protected async Task<List<ActionView>> ListActionsAsync(string query, CancellationToken cancellationToken)
    {
        var all = new List<ActionView>();
        for (var page = 1; ; page++)
        {
            var result = (await Api.GetAsync<PageView<ActionView>>($"{ApiPath}/actions?pageSize=200&page={page}{query}", cancellationToken)).Value!;
            all.AddRange(result.Items);
            if (all.Count >= result.Total || result.Items.Count == 0) return all;
        }
    }
}
