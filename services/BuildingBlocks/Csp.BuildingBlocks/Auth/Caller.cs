using System.Security.Claims;
using System.Text.RegularExpressions;

namespace Csp.BuildingBlocks.Auth;

/// <summary>Claim names carried in CSP tokens (the development issuer writes them; an OIDC provider's claims are mapped
/// onto them at sign-in, see <see cref="ClaimOptions"/>).</summary>
public static class CspClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    /// <summary>One claim per role in a partnership, <c>{partnership}:{role}</c>: <c>medway:manager</c>, <c>swale:board</c>;
    /// <c>*:finance</c> holds the role in every partnership (PCC finance); <c>*:admin</c> is the platform administrator.</summary>
    public const string PartnershipRole = "csp_role";
    /// <summary>The caller's agency id, e.g. <c>kent-police</c>.</summary>
    public const string Agency = "agency";
    /// <summary>The calling service's name on a service token (e.g. <c>risk</c>); user tokens never carry it.</summary>
    public const string Service = "csp_service";
    /// <summary>A funder the caller acts for, one claim per funder (e.g. <c>kent-pcc</c>): the PCC's finance officer acts for
    /// the funder over every partnership it funds. Grants nothing on its own: it scopes a <c>finance</c> role to a funder.</summary>
    public const string Funder = "csp_funder";
}

public static class Roles
{
    public const string Partner = "partner";
    public const string Manager = "manager";
    public const string Finance = "finance";
    public const string Board = "board";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Partner, Manager, Finance, Board, Admin };
}

/// <summary>
/// A role held in one partnership (<c>medway:manager</c>), or in every partnership (<c>*:finance</c>). Admin is
/// platform-wide only: <c>*:admin</c>. Anything else (an unknown role, a malformed partnership, <c>medway:admin</c>) is
/// not a grant at all, so a mistyped claim grants nothing.
/// </summary>
public sealed partial record PartnershipRole(string PartnershipId, string Role)
{
    public const string Everywhere = "*";

    public bool IsEverywhere => PartnershipId == Everywhere;

    public override string ToString() => $"{PartnershipId}:{Role}";

    public static bool TryParse(string? value, out PartnershipRole grant)
    {
        grant = null!;
        if (string.IsNullOrEmpty(value)) return false;
        var separator = value.LastIndexOf(':');
        if (separator <= 0 || separator == value.Length - 1) return false;
        var (partnership, role) = (value[..separator], value[(separator + 1)..]);
        if (!Roles.All.Contains(role)) return false;
        if (partnership != Everywhere && (partnership.Length > 64 || !SlugPattern().IsMatch(partnership))) return false;
        if (role == Roles.Admin && partnership != Everywhere) return false;
        grant = new PartnershipRole(partnership, role);
        return true;
    }

    public static PartnershipRole Parse(string value) =>
        TryParse(value, out var grant) ? grant : throw new FormatException($"'{value}' is not a partnership role (partnership:role, e.g. medway:manager, *:finance, *:admin).");

    // The same slug rule as Validation.Slug, repeated here so that Auth stays free of the rest of the building blocks.
    [GeneratedRegex(@"^[a-z0-9]+(?:-[a-z0-9]+)*\z")]
    private static partial Regex SlugPattern();
}

/// <summary>The authenticated caller as the domain sees them: their roles, each in the partnership it is held in.</summary>
public sealed record Caller(string Subject, string Name, string? Agency, IReadOnlySet<PartnershipRole> Grants)
{
    /// <summary>The funders the caller acts for (<see cref="CspClaims.Funder"/> claims; slugs such as <c>kent-pcc</c>).</summary>
    public IReadOnlySet<string> Funders { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Acts for <paramref name="funderId"/> (a <see cref="CspClaims.Funder"/> claim).</summary>
    public bool ActsFor(string funderId) => Funders.Contains(funderId);

    /// <summary>Holds <c>*:admin</c>: every role in every partnership.</summary>
    public bool IsAdmin => Grants.Contains(new PartnershipRole(PartnershipRole.Everywhere, Roles.Admin));

    /// <summary>The partnerships the caller holds any role in; <c>*</c> when a role is held everywhere.</summary>
    public IReadOnlySet<string> Partnerships => Grants.Select(g => g.PartnershipId).ToHashSet(StringComparer.Ordinal);

    /// <summary>The platform itself (scheduled jobs, demo-data loading): recorded in the audit trail as <c>system</c>.</summary>
    public static Caller System { get; } = new("system", "CSP platform", null, new HashSet<PartnershipRole> { new(PartnershipRole.Everywhere, Roles.Admin) });

    /// <summary>Holds some role in the partnership (or in every partnership), or is a platform admin.</summary>
    public bool BelongsTo(string partnershipId) => IsAdmin || Grants.Any(g => g.IsEverywhere || g.PartnershipId == partnershipId);

    /// <summary>Holds <paramref name="role"/> in <paramref name="partnershipId"/> itself or everywhere (admins hold every role everywhere).
    /// A role held in another partnership does not count.</summary>
    public bool Has(string role, string partnershipId) =>
        IsAdmin || Grants.Contains(new PartnershipRole(partnershipId, role)) || Grants.Contains(new PartnershipRole(PartnershipRole.Everywhere, role));

    /// <summary>The roles held in <paramref name="partnershipId"/> (including those held everywhere).</summary>
    public IReadOnlySet<string> RolesIn(string partnershipId) =>
        Grants.Where(g => g.IsEverywhere || g.PartnershipId == partnershipId).Select(g => g.Role).ToHashSet(StringComparer.Ordinal);

    /// <summary>A funder id is a lower-case slug (anything else in a <c>csp_funder</c> claim grants nothing).</summary>
    public static bool IsFunderId(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && value[0] != '-' && value[^1] != '-' && !value.Contains("--", StringComparison.Ordinal);

    /// <summary>A caller holding <paramref name="roles"/>, each <c>{partnership}:{role}</c> (e.g. <c>medway:manager</c>).</summary>
    public static Caller With(string subject, string name, string? agency, params string[] roles) =>
        new(subject, name, agency, roles.Select(PartnershipRole.Parse).ToHashSet());

    /// <summary>A caller from a validated principal. Reads only <see cref="CspClaims.PartnershipRole"/> claims (an OIDC
    /// provider's own claim has been mapped onto them at sign-in); values that are not grants are ignored.</summary>
    public static Caller From(ClaimsPrincipal principal)
    {
        string? First(string type) => principal.FindFirst(type)?.Value;
        var grants = new HashSet<PartnershipRole>();
        foreach (var claim in principal.FindAll(CspClaims.PartnershipRole))
            if (PartnershipRole.TryParse(claim.Value, out var grant)) grants.Add(grant);
        var subject = First(CspClaims.Subject) ?? First(ClaimTypes.NameIdentifier) ?? "";
        var funders = principal.FindAll(CspClaims.Funder).Select(c => c.Value).Where(IsFunderId).ToHashSet(StringComparer.Ordinal);
        return new Caller(subject, First(CspClaims.Name) ?? subject, First(CspClaims.Agency), grants) { Funders = funders };
    }
}
