using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Auth;

/// <summary>
/// The bearer scheme's handler: ASP.NET Core's <see cref="JwtBearerHandler"/>, with one shortcut in front. A request whose
/// single <c>Authorization: Bearer</c> token went all the way through the handler before (validated in full, then the
/// events) and is still fresh in the <see cref="ValidatedTokenCache"/> is answered with the identity it got then
/// (shared by every such request and frozen: <see cref="FrozenClaimsIdentity"/>), without the handler's per-request work (cutting the token out of the header, copying the validation parameters,
/// the event contexts). Anything else (no token, an unknown, changed, expired or too old one, the cache off) goes through
/// the handler as before, so every failure, challenge and event is exactly ASP.NET Core's. The shortcut reads the token
/// from the Authorization header as the handler does when no <c>OnMessageReceived</c> event supplies one (the CSP scheme
/// sets none: <see cref="AuthenticationExtensions"/>); the ticket carries no issued/expires properties and no saved token
/// (<c>SaveToken</c> is off), which nothing reads.
/// </summary>
public sealed class CspJwtBearerHandler(IOptionsMonitor<JwtBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedTokenCache cache)
    : JwtBearerHandler(options, logger, encoder)
{
    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (cache.Enabled && Options.TokenHandlers is [CachingTokenHandler caching]
            && Request.Headers.Authorization is { Count: 1 } header && header[0] is { } value
            && value.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && value.AsSpan(Bearer.Length).Trim() is { IsEmpty: false } token
            && cache.TryGetAuthenticated(token, caching.Owner, out var identity))
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        return base.HandleAuthenticateAsync();
    }

    /// <summary>Called from the scheme's <c>OnTokenValidated</c>, after the events have shaped the identity: remembers it
    /// for the token (only if the token is in the cache, i.e. validated in full by this scheme's caching handler).</summary>
    internal static void Remember(TokenValidatedContext context, ValidatedTokenCache cache)
    {
        if (!cache.Enabled || context.Options.TokenHandlers is not [CachingTokenHandler caching] || context.Principal?.Identity is not ClaimsIdentity identity) return;
        var raw = context.SecurityToken switch
        {
            Microsoft.IdentityModel.JsonWebTokens.JsonWebToken jwt => jwt.EncodedToken,
            System.IdentityModel.Tokens.Jwt.JwtSecurityToken jwt => jwt.RawData,
            _ => null,
        };
        if (raw is not null) cache.AddAuthenticated(raw, caching.Owner, identity);
    }
}
