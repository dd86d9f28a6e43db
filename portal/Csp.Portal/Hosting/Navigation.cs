using Csp.BuildingBlocks.Auth;

namespace Csp.Portal.Hosting;

/// <summary>One entry of the service navigation.</summary>
public sealed record NavigationItem(string Text, string Href);

/// <summary>
/// The service navigation by role, for the partnership the page belongs to. A new page that belongs in the navigation
/// adds one line here, with the role that may use it (the services still decide every request).
/// </summary>
public static class Navigation
{
    public static IReadOnlyList<NavigationItem> For(Caller caller, string? partnershipId)
    {
        var items = new List<NavigationItem> { new("Home", "/") };
        // A funder's finance officer: the funder's view across partnerships (on pages outside one partnership's own).
        if (string.IsNullOrEmpty(partnershipId))
            items.AddRange(caller.Funders.Order(StringComparer.Ordinal).Select(f => new NavigationItem("Funding", "/funders/" + Uri.EscapeDataString(f) + "/overview")));
        if (string.IsNullOrEmpty(partnershipId))
            items.AddRange(caller.Funders.Order(StringComparer.Ordinal).Select(f => new NavigationItem("Programmes", "/funders/" + Uri.EscapeDataString(f) + "/programmes")));
        // The board or manager role in every partnership (or admin): the quarter's packs for every partnership in one go.
        if (string.IsNullOrEmpty(partnershipId) && Csp.Portal.Packs.PackMaker.MayMake(caller, PartnershipRole.Everywhere)) items.Add(new("Every partnership's packs", "/partnerships/packs"));
        if (string.IsNullOrEmpty(partnershipId) || !caller.BelongsTo(partnershipId)) return items;
        var p = "/partnerships/" + Uri.EscapeDataString(partnershipId);
        if (caller.Has(Roles.Partner, partnershipId) || caller.Has(Roles.Manager, partnershipId)) items.Add(new("My actions", p + "/my-actions"));
        if (caller.Has(Roles.Manager, partnershipId))
        {
            items.Add(new("Plan", p + "/plan"));
            items.Add(new("Update rounds", p + "/update-rounds"));
        }
        items.Add(new("Risks", p + "/risks"));
        if (caller.Has(Roles.Board, partnershipId) || caller.Has(Roles.Manager, partnershipId))
        {
            items.Add(new("Board dashboard", p + "/board"));
            items.Add(new("Governance packs", p + "/packs"));
        }
        if (caller.Has(Roles.Manager, partnershipId) || caller.Has(Roles.Finance, partnershipId) || caller.Has(Roles.Board, partnershipId)) items.Add(new("Funding", p + "/funding"));
        return items;
    }
}
