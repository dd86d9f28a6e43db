using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Csp.BuildingBlocks.Auth;

/// <summary>Signs HS256 tokens for demo users, and service tokens for this platform's own services on a local run.
/// Registered only when <c>Auth:DevIssuer:Enabled</c> is true.</summary>
public sealed class DevTokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>The one algorithm development tokens are signed with, and the only one accepted from the development issuer.</summary>
    public const string Algorithm = SecurityAlgorithms.HmacSha256;

    private readonly AuthOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new();

    public TimeSpan Lifetime => _options.DevIssuer.TokenLifetime;

    public string IssueFor(DemoUser user)
    {
        var claims = new List<Claim>
        {
            new(CspClaims.Subject, user.Id),
            new(CspClaims.Name, user.Name),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("n")),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(CspClaims.PartnershipRole, PartnershipRole.Parse(r).ToString())));
        if (!string.IsNullOrWhiteSpace(user.Agency)) claims.Add(new Claim(CspClaims.Agency, user.Agency));
        claims.AddRange((user.Funders ?? []).Select(f => new Claim(CspClaims.Funder, f)));
        return Sign(claims, Lifetime);
    }

    /// <summary>A service token for <paramref name="serviceName"/> (the development stand-in for the OIDC provider's
    /// client-credentials grant): <c>csp_service</c> names the service; it carries no partnership roles.</summary>
    public string IssueForService(string serviceName, TimeSpan? lifetime = null)
    {
        var claims = new List<Claim>
        {
            new(CspClaims.Subject, "service:" + serviceName),
            new(CspClaims.Service, serviceName),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("n")),
        };
        return Sign(claims, lifetime ?? ServiceTokenLifetime);
    }

    /// <summary>Service tokens live an hour at most, however long user tokens live.</summary>
    public TimeSpan ServiceTokenLifetime => Lifetime < TimeSpan.FromHours(1) ? Lifetime : TimeSpan.FromHours(1);

    private string Sign(List<Claim> claims, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = _options.DevIssuer.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(SigningKey(_options.DevIssuer), Algorithm),
        });
    }

    internal static SymmetricSecurityKey SigningKey(DevIssuerOptions dev) => new(dev.SigningKeyBytes()) { KeyId = "csp-dev" };
}
