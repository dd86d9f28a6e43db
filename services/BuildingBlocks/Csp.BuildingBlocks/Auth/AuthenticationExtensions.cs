using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Csp.BuildingBlocks.Auth;

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication for CSP tokens: the OIDC authority when <c>Auth:Authority</c> is set, the development
    /// issuer as well when <c>Auth:DevIssuer:Enabled</c>. With neither configured every token is rejected.
    /// Challenges and forbids answer with problem details.
    /// </summary>
    public static IHostApplicationBuilder AddCspAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ValidatedTokenCache>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // The scheme runs ASP.NET Core's bearer handler behind the validated-token shortcut (CspJwtBearerHandler).
        services.TryAddTransient<CspJwtBearerHandler>();
        services.Configure<AuthenticationOptions>(o => o.SchemeMap[JwtBearerDefaults.AuthenticationScheme].HandlerType = typeof(CspJwtBearerHandler));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, ValidatedTokenCache>((jwt, auth, cache) => Configure(jwt, auth.Value, cache));
        services.AddAuthorization();

        var devIssuerEnabled = builder.Configuration.GetValue<bool>($"{AuthOptions.SectionName}:{nameof(AuthOptions.DevIssuer)}:{nameof(DevIssuerOptions.Enabled)}");
        if (devIssuerEnabled) services.TryAddSingleton<DevTokenIssuer>();
        return builder;
    }

    /// <summary>Algorithms the council's OIDC provider may sign with (RSA and EC families); never HMAC, never none.</summary>
    public static readonly IReadOnlyList<string> AuthorityAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth, ValidatedTokenCache cache)
    {
        // Keep the token's own claim names (sub, csp_role, agency) instead of the WS-* URIs.
        jwt.MapInboundClaims = false;
        jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        jwt.Audience = auth.Audience;
        if (auth.HasAuthority) jwt.Authority = auth.Authority;

        var issuers = new List<string>();
        var algorithms = new List<string>();
        SecurityKey? devKey = null;
        if (auth.DevIssuer.Enabled)
        {
            issuers.Add(auth.DevIssuer.Issuer);
            algorithms.Add(DevTokenIssuer.Algorithm);
            devKey = DevTokenIssuer.SigningKey(auth.DevIssuer);
        }
        if (auth.HasAuthority) algorithms.AddRange(AuthorityAlgorithms);

        // The handler adds the authority's issuer from its discovery document; with neither source no token validates.
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            NameClaimType = CspClaims.Name,
            RoleClaimType = CspClaims.PartnershipRole,
            ValidateIssuer = true,
            ValidIssuers = issuers,
            ValidateAudience = true,
            ValidAudience = auth.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            // Only the configured sources' algorithms: HS256 for development tokens, RSA/EC for the authority.
            ValidAlgorithms = algorithms.Count > 0 ? algorithms : [DevTokenIssuer.Algorithm],
            // The development key signs for the development issuer only: a token claiming any other issuer is checked
            // against the authority's keys alone, and no key outside the resolver's answer is ever tried.
            IssuerSigningKeyResolverUsingConfiguration = (_, token, kid, parameters, configuration) => SigningKeysFor(token.Issuer, kid, auth, devKey, parameters, configuration),
            TryAllIssuerSigningKeys = false,
            ClockSkew = TimeSpan.FromSeconds(30),
        };

        // A token seen before (the very same string) is answered from the validated-token cache until its exp, at most
        // Auth:TokenCache:MaxAge; anything else is validated in full and remembered only if valid (docs/security.md).
        if (cache.Enabled)
        {
            var handlers = jwt.TokenHandlers.ToList();
            jwt.TokenHandlers.Clear();
            foreach (var handler in handlers) jwt.TokenHandlers.Add(new CachingTokenHandler(handler, cache));
        }

        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    MapPartnershipRoles(identity, auth.Claims);
                    MapFunders(identity, auth.Claims);
                    // The identity as this request will use it, for the next request with the same token.
                    CspJwtBearerHandler.Remember(context, cache);
                }
                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.Headers.WWWAuthenticate = ChallengeHeader(context);
                await WriteProblem(context.HttpContext, StatusCodes.Status401Unauthorized, "Authentication is required",
                    context.AuthenticateFailure is null ? "Send a bearer token in the Authorization header." : "The bearer token is not valid.");
            },
            OnForbidden = context => WriteProblem(context.HttpContext, StatusCodes.Status403Forbidden, "You do not have permission to do this",
                "Your roles, agency or partnerships do not allow this request."),
        };
    }

    private static IEnumerable<SecurityKey> SigningKeysFor(string issuer, string? kid, AuthOptions auth, SecurityKey? devKey,
        TokenValidationParameters parameters, BaseConfiguration? configuration)
    {
        if (devKey is not null && string.Equals(issuer, auth.DevIssuer.Issuer, StringComparison.Ordinal)) return [devKey];
        if (!auth.HasAuthority) return [];
        var keys = (configuration?.SigningKeys ?? Enumerable.Empty<SecurityKey>())
            .Concat(parameters.IssuerSigningKeys ?? Enumerable.Empty<SecurityKey>())
            .Where(k => k is not SymmetricSecurityKey)
            .ToList();
        return string.IsNullOrEmpty(kid) ? keys : keys.Where(k => k.KeyId == kid).ToList();
    }

    /// <summary>
    /// Puts the partnership roles where <see cref="Caller.From"/> reads them (<c>csp_role</c>), from the claim the
    /// configuration names (e.g. groups <c>csp:medway:manager</c>). When the source is another claim, any <c>csp_role</c>
    /// the token carried itself is dropped: only the configured claim grants roles.
    /// </summary>
    internal static void MapPartnershipRoles(ClaimsIdentity identity, ClaimOptions claims)
    {
        if (claims.PartnershipRole == CspClaims.PartnershipRole && string.IsNullOrEmpty(claims.PartnershipRolePrefix)) return;
        var values = identity.FindAll(claims.PartnershipRole).Select(c => c.Value).ToList();
        foreach (var own in identity.FindAll(CspClaims.PartnershipRole).ToList()) identity.TryRemoveClaim(own);
        foreach (var value in values)
        {
            if (!value.StartsWith(claims.PartnershipRolePrefix, StringComparison.Ordinal)) continue;
            if (PartnershipRole.TryParse(value[claims.PartnershipRolePrefix.Length..], out var grant))
                identity.AddClaim(new Claim(CspClaims.PartnershipRole, grant.ToString()));
        }
    }

    /// <summary>Puts the funders a caller acts for where <see cref="Caller.From"/> reads them (<c>csp_funder</c>), from the
    /// claim the configuration names; when that is another claim, a <c>csp_funder</c> the token carried itself is dropped.</summary>
    internal static void MapFunders(ClaimsIdentity identity, ClaimOptions claims)
    {
        if (claims.Funder == CspClaims.Funder) return;
        var values = identity.FindAll(claims.Funder).Select(c => c.Value).ToList();
        foreach (var own in identity.FindAll(CspClaims.Funder).ToList()) identity.TryRemoveClaim(own);
        foreach (var value in values.Where(Caller.IsFunderId)) identity.AddClaim(new Claim(CspClaims.Funder, value));
    }

    /// <summary>The same <c>WWW-Authenticate</c> value the bearer handler writes when it handles the challenge itself.</summary>
    private static string ChallengeHeader(JwtBearerChallengeContext context)
    {
        var challenge = context.Options.Challenge;
        if (string.IsNullOrEmpty(context.Error) && string.IsNullOrEmpty(context.ErrorDescription) && string.IsNullOrEmpty(context.ErrorUri))
            return challenge;
        var header = new StringBuilder(challenge);
        var separator = " ";
        void Append(string name, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            header.Append(separator).Append(name).Append("=\"").Append(value.Replace("\"", "'")).Append('"');
            separator = ", ";
        }
        Append("error", context.Error);
        Append("error_description", context.ErrorDescription);
        Append("error_uri", context.ErrorUri);
        return header.ToString();
    }

    private static Task WriteProblem(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.StatusCode = status;
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }
}
