using System.Security.Claims;
using Csp.BuildingBlocks.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Csp.Portal.SignIn;

/// <summary>
/// Sign-in: a cookie session (encrypted by Data Protection, HttpOnly, SameSite=Lax, Secure over HTTPS or when
/// <c>Portal:SecureCookies</c>) holding the user's access token for the gateway. In the cluster the token comes from the
/// council's OIDC provider (authorisation code + PKCE, <c>Auth:Authority</c> and <c>Portal:Oidc</c>); on a local run,
/// with the development issuer enabled, the /sign-in page lists the demo users and signs a token for the one chosen.
/// The claims in the session are for the pages' navigation only: the services decide every request on the token.
/// </summary>
public static class PortalSignIn
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string SessionCookie = "csp-session";
    public const string AccessToken = "access_token";

    public static string SignInPath(string? returnUrl, bool expired = false)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(returnUrl) && returnUrl != "/") query.Add("returnUrl=" + Uri.EscapeDataString(returnUrl));
        if (expired) query.Add("expired=true");
        return "/sign-in" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }

    public static WebApplicationBuilder AddPortalSignIn(this WebApplicationBuilder builder)
    {
        // The building blocks' Auth section: AuthOptions with its guards (the development issuer refused in Production or
        // beside an authority, a key of 32 bytes or more) and the DevTokenIssuer when enabled. Their JWT bearer scheme is
        // registered too but is not the default here: pages are signed in by cookie.
        builder.AddCspAuthentication();
        builder.Services.AddOptions<OidcClientOptions>().Bind(builder.Configuration.GetSection(OidcClientOptions.Section));
        builder.Services.AddSingleton<DemoSignIn>();

        var authority = builder.Configuration[$"{AuthOptions.SectionName}:{nameof(AuthOptions.Authority)}"];
        var useOidc = !string.IsNullOrWhiteSpace(authority);
        var secureCookies = builder.Configuration.GetValue<bool>("Portal:SecureCookies");

        var authentication = builder.Services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieScheme;
            o.DefaultSignInScheme = CookieScheme;
            o.DefaultChallengeScheme = useOidc ? OidcScheme : CookieScheme;
        });
        authentication.AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = SessionCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax; // Lax, not Strict: the provider's redirect back is a cross-site top-level GET
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/sign-in";
            o.LogoutPath = "/sign-out";
            o.AccessDeniedPath = "/error/403";
            o.ReturnUrlParameter = "returnUrl";
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = RejectExpiredToken;
        });
        if (useOidc) authentication.AddOpenIdConnect(OidcScheme, _ => { });
        builder.Services.AddOptions<OpenIdConnectOptions>(OidcScheme)
            .Configure<IOptions<AuthOptions>, IOptions<OidcClientOptions>>((o, auth, client) => ConfigureOidc(o, auth.Value, client.Value, secureCookies));
        return builder;
    }

    /// <summary>The OIDC client: authorisation code with PKCE, tokens kept in the session, the platform's claim names.</summary>
    internal static void ConfigureOidc(OpenIdConnectOptions o, AuthOptions auth, OidcClientOptions client, bool secureCookies)
    {
        o.Authority = auth.Authority;
        o.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        o.ClientId = client.ClientId;
        o.ClientSecret = client.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.SaveTokens = true;
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.CallbackPath = "/sign-in/oidc";
        o.SignedOutCallbackPath = "/sign-out/oidc";
        o.SignedOutRedirectUri = "/";
        o.Scope.Clear();
        foreach (var scope in client.Scopes) o.Scope.Add(scope);
        o.TokenValidationParameters.NameClaimType = CspClaims.Name;
        o.TokenValidationParameters.RoleClaimType = CspClaims.PartnershipRole;
        o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        o.Events.OnTokenValidated = context =>
        {
            // The services read the access token, not the id token: the session's roles and agency come from it too, so the
            // pages show what the services will allow.
            var accessToken = context.TokenEndpointResponse?.AccessToken;
            if (context.Principal?.Identity is ClaimsIdentity identity && !string.IsNullOrEmpty(accessToken))
                AddPlatformClaims(identity, new JsonWebToken(accessToken), auth.Claims);
            return Task.CompletedTask;
        };
    }

    /// <summary>Copies the partnership roles (mapped from the configured claim and prefix, as the services map them) and the
    /// agency from the access token onto the session's identity.</summary>
    internal static void AddPlatformClaims(ClaimsIdentity identity, JsonWebToken token, ClaimOptions claims)
    {
        foreach (var existing in identity.FindAll(CspClaims.PartnershipRole).ToList()) identity.TryRemoveClaim(existing);
        foreach (var claim in token.Claims.Where(c => c.Type == claims.PartnershipRole))
        {
            if (!claim.Value.StartsWith(claims.PartnershipRolePrefix, StringComparison.Ordinal)) continue;
            if (PartnershipRole.TryParse(claim.Value[claims.PartnershipRolePrefix.Length..], out var grant))
                identity.AddClaim(new Claim(CspClaims.PartnershipRole, grant.ToString()));
        }
        if (identity.FindFirst(CspClaims.Agency) is null && token.TryGetPayloadValue<string>(CspClaims.Agency, out var agency))
            identity.AddClaim(new Claim(CspClaims.Agency, agency));
        // The funders the user acts for (a PCC's finance officer): the funder pages are offered from them.
        foreach (var existing in identity.FindAll(CspClaims.Funder).ToList()) identity.TryRemoveClaim(existing);
        foreach (var claim in token.Claims.Where(c => c.Type == claims.Funder && Caller.IsFunderId(c.Value)))
            identity.AddClaim(new Claim(CspClaims.Funder, claim.Value));
    }

    /// <summary>A session whose access token has expired is over: the user signs in again rather than meeting 401s.</summary>
    private static async Task RejectExpiredToken(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Properties.GetTokenValue("expires_at");
        if (expiresAt is not null && DateTimeOffset.TryParse(expiresAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var expires)
            && expires <= context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }
}

/// <summary>Configuration section <c>Portal:Oidc</c>: the portal's client at the council's OIDC provider.</summary>
public sealed class OidcClientOptions
{
    public const string Section = "Portal:Oidc";

    public string? ClientId { get; set; }

    /// <summary>A confidential client's secret, from a Kubernetes secret (<c>Portal__Oidc__ClientSecret</c>); empty for a
    /// public client (PKCE alone).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes asked for; include the one that puts the platform's audience (<c>csp-platform</c>) on the access token.</summary>
    public List<string> Scopes { get; set; } = ["openid", "profile"];
}

/// <summary>
/// The local sign-in: the demo users of <c>Auth:DevIssuer:UsersFile</c> (the file the gateway's /dev/token reads), and a
/// token signed for the chosen one by the building blocks' <see cref="DevTokenIssuer"/>. Available only when the
/// development issuer is enabled; that is refused in Production and beside an OIDC authority (AuthOptions' validation).
/// </summary>
public sealed class DemoSignIn(IOptions<AuthOptions> auth, IHostEnvironment environment, IServiceProvider services)
{
    private readonly Lazy<IReadOnlyList<DemoUser>> _users = new(() =>
    {
        var dev = auth.Value.DevIssuer;
        if (!dev.Enabled) return [];
        if (string.IsNullOrWhiteSpace(dev.UsersFile))
            throw new InvalidOperationException("Auth:DevIssuer:UsersFile must name the demo users file when the development issuer is enabled.");
        return DemoUsers.Load(Path.GetFullPath(dev.UsersFile, environment.ContentRootPath));
    });

    public bool Enabled => auth.Value.DevIssuer.Enabled;

    public IReadOnlyList<DemoUser> Users => _users.Value;

    public async Task<bool> SignInAsync(HttpContext context, string? userId)
    {
        if (!Enabled) return false;
        var user = Users.FirstOrDefault(u => u.Id == userId);
        if (user is null) return false;
        var issuer = services.GetRequiredService<DevTokenIssuer>();
        var token = issuer.IssueFor(user);
        var jwt = new JsonWebToken(token);
        var identity = new ClaimsIdentity(jwt.Claims.Where(c => c.Type is CspClaims.Subject or CspClaims.Name or CspClaims.Agency or CspClaims.PartnershipRole or CspClaims.Funder),
            "demo", CspClaims.Name, CspClaims.PartnershipRole);
        var properties = new AuthenticationProperties { IsPersistent = false, ExpiresUtc = jwt.ValidTo, AllowRefresh = false };
        properties.StoreTokens([
            new AuthenticationToken { Name = PortalSignIn.AccessToken, Value = token },
            new AuthenticationToken { Name = "expires_at", Value = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero).ToString("o", System.Globalization.CultureInfo.InvariantCulture) },
        ]);
        await context.SignInAsync(PortalSignIn.CookieScheme, new ClaimsPrincipal(identity), properties);
        return true;
    }
}
