using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Csp.BuildingBlocks.Auth;

/// <summary>Signs HS256 tokens for demo users. Registered only when <c>Auth:DevIssuer:Enabled</c> is true.</summary>
public sealed class DevTokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
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
        claims.AddRange(user.Roles.Select(r => new Claim(CspClaims.Role, r)));
        if (!string.IsNullOrWhiteSpace(user.Agency)) claims.Add(new Claim(CspClaims.Agency, user.Agency));
        claims.AddRange(user.Partnerships.Select(p => new Claim(CspClaims.Partnership, p)));

        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = _options.DevIssuer.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(SigningKey(_options.DevIssuer), SecurityAlgorithms.HmacSha256),
        });
    }

    internal static SymmetricSecurityKey SigningKey(DevIssuerOptions dev) => new(dev.SigningKeyBytes()) { KeyId = "csp-dev" };
}
