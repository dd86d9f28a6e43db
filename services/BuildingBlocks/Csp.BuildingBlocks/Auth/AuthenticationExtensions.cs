using System.Text;
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

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));
        services.AddAuthorization();

        var devIssuerEnabled = builder.Configuration.GetValue<bool>($"{AuthOptions.SectionName}:{nameof(AuthOptions.DevIssuer)}:{nameof(DevIssuerOptions.Enabled)}");
        if (devIssuerEnabled) services.TryAddSingleton<DevTokenIssuer>();
        return builder;
    }

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        // Keep the token's own claim names (sub, role, partnership) instead of the WS-* URIs.
        jwt.MapInboundClaims = false;
        jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        jwt.Audience = auth.Audience;
        if (!string.IsNullOrWhiteSpace(auth.Authority)) jwt.Authority = auth.Authority;

        var issuers = new List<string>();
        var keys = new List<SecurityKey>();
        if (auth.DevIssuer.Enabled)
        {
            issuers.Add(auth.DevIssuer.Issuer);
            keys.Add(DevTokenIssuer.SigningKey(auth.DevIssuer));
        }

        // The handler adds the authority's issuer and keys from its discovery document; with neither source the lists
        // stay empty and no token validates.
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            NameClaimType = CspClaims.Name,
            RoleClaimType = CspClaims.Role,
            ValidateIssuer = true,
            ValidIssuers = issuers,
            ValidateAudience = true,
            ValidAudience = auth.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = keys,
            ClockSkew = TimeSpan.FromSeconds(30),
        };

        jwt.Events = new JwtBearerEvents
        {
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
