using System.Security.Claims;

namespace Csp.BuildingBlocks.Auth;

/// <summary>Claim names carried in CSP tokens (the development issuer and the council's OIDC provider both use them).</summary>
public static class CspClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    /// <summary>One claim per role: partner, manager, finance, board, admin.</summary>
    public const string Role = "role";
    /// <summary>The caller's agency id, e.g. <c>kent-police</c>.</summary>
    public const string Agency = "agency";
    /// <summary>One claim per partnership the caller belongs to, e.g. <c>medway</c>; <c>*</c> means every partnership (PCC finance).</summary>
    public const string Partnership = "partnership";
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

/// <summary>The authenticated caller as the domain sees them.</summary>
public sealed record Caller(string Subject, string Name, IReadOnlySet<string> Roles, string? Agency, IReadOnlySet<string> Partnerships)
{
    public bool IsInRole(string role) => Roles.Contains(role);

    public bool IsAdmin => IsInRole(Auth.Roles.Admin);

    /// <summary>The platform itself (scheduled jobs, demo-data loading): recorded in the audit trail as <c>system</c>.</summary>
    public static Caller System { get; } = new("system", "CSP platform", new HashSet<string> { Auth.Roles.Admin }, null, new HashSet<string> { "*" });

    /// <summary>Belongs to the partnership (or to every partnership), or is a platform admin.</summary>
    public bool BelongsTo(string partnershipId) => IsAdmin || Partnerships.Contains("*") || Partnerships.Contains(partnershipId);

    /// <summary>Holds <paramref name="role"/> in <paramref name="partnershipId"/> (admins hold every role everywhere).</summary>
    public bool Has(string role, string partnershipId) => IsAdmin || (IsInRole(role) && BelongsTo(partnershipId));

    public static Caller From(ClaimsPrincipal principal)
    {
        string? First(string type) => principal.FindFirst(type)?.Value;
        var roles = principal.FindAll(CspClaims.Role).Concat(principal.FindAll(ClaimTypes.Role)).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var partnerships = principal.FindAll(CspClaims.Partnership).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var subject = First(CspClaims.Subject) ?? First(ClaimTypes.NameIdentifier) ?? "";
        return new Caller(subject, First(CspClaims.Name) ?? subject, roles, First(CspClaims.Agency), partnerships);
    }
}
