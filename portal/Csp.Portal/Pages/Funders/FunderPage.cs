using System.Globalization;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Api.Funding;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// The base of the funder's pages under <c>/funders/{f}/</c> (the PCC's finance officer acting for a funder through the
/// <c>csp_funder</c> claim): the funder id from the route, the signed-in caller (for what to offer; the funding service
/// decides every request), the gateway client. Signed-in users only.
/// </summary>
[Authorize]
public abstract class FunderPage : PageModel
{
    [FromRoute(Name = "f")] public string FunderId { get; set; } = "";

    public Caller Caller => Caller.From(User);

    /// <summary>Offer the funder's forms: the caller acts for this funder (the service still checks every write).</summary>
    public bool ActsForFunder => Caller.ActsFor(FunderId);

    protected GatewayApi Api => HttpContext.RequestServices.GetRequiredService<GatewayApi>();

    /// <summary>The funder's API path: <c>api/funders/{f}</c>, escaped.</summary>
    protected string FunderApiPath => "api/funders/" + Uri.EscapeDataString(FunderId);

    /// <summary>The funder's portal path: <c>/funders/{f}</c>, escaped.</summary>
    public string FunderPagePath => "/funders/" + Uri.EscapeDataString(FunderId);

    /// <summary>Partnership id → name, for the partnerships the caller can see in the action plan (others show their id).</summary>
    public IReadOnlyDictionary<string, string> PartnershipNames { get; private set; } = new Dictionary<string, string>();

    protected async Task LoadPartnershipNamesAsync(CancellationToken cancellationToken) =>
        PartnershipNames = ((await Api.GetAsync<List<PartnershipSummary>>("api/partnerships", cancellationToken)).Value ?? [])
            .ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);

    public string PartnershipName(string id) => PartnershipNames.TryGetValue(id, out var name) ? name : id;
}

/// <summary>Money on screen: pounds with thousands separators and two places, from the exact pence (never a double).</summary>
public static class Pounds
{
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    public static string Show(long pence)
    {
        var magnitude = pence < 0 ? -(decimal)pence : pence;
        var text = "£" + (magnitude / 100m).ToString("#,##0.00", Uk);
        return pence < 0 ? "−" + text : text;
    }

    public static string Show(AmountView? amount) => amount is null ? "–" : Show(amount.Pence);

    /// <summary>What a user typed as an amount, as the service reads it: a leading £ and thousands separators (commas) taken
    /// out, nothing else changed (so a third decimal place still reaches the service, which names the field).</summary>
    public static string? Typed(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim().TrimStart('£').Replace(",", "", StringComparison.Ordinal).Trim();
}
