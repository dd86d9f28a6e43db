using System.Net;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Hosting;
using Csp.Portal.SignIn;
using Csp.TestSupport;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Csp.Portal.Tests;

/// <summary>Sign-in configuration and the portal's own headers, without a browser.</summary>
public sealed class PortalSignInTests
{
    [Fact]
    public void The_OIDC_client_uses_the_authorisation_code_flow_with_PKCE_and_keeps_the_tokens_in_the_session()
    {
        var options = new OpenIdConnectOptions();
        PortalSignIn.ConfigureOidc(options, new AuthOptions { Authority = "https://login.council.example/realms/kent" },
            new OidcClientOptions { ClientId = "csp-portal", Scopes = ["openid", "profile", "csp-platform"] }, secureCookies: true);

        Assert.Equal("https://login.council.example/realms/kent", options.Authority);
        Assert.Equal(OpenIdConnectResponseType.Code, options.ResponseType);
        Assert.True(options.UsePkce);
        Assert.True(options.SaveTokens);
        Assert.False(options.MapInboundClaims);
        Assert.Equal("/sign-in/oidc", options.CallbackPath.Value);
        Assert.Equal("/sign-out/oidc", options.SignedOutCallbackPath.Value);
        Assert.Equal(["openid", "profile", "csp-platform"], options.Scope);
        Assert.Equal(CspClaims.PartnershipRole, options.TokenValidationParameters.RoleClaimType);
        Assert.Equal(Microsoft.AspNetCore.Http.CookieSecurePolicy.Always, options.CorrelationCookie.SecurePolicy);
    }

    [Fact]
    public void Roles_and_agency_come_from_the_access_token_mapped_as_the_services_map_them()
    {
        var token = TestAuth.Token(new DemoUser("u1", "U One", ["medway:partner"], "kent-police"));
        var identity = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(CspClaims.PartnershipRole, "swale:manager")]);

        PortalSignIn.AddPlatformClaims(identity, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token), new ClaimOptions());

        Assert.Equal(["medway:partner"], identity.FindAll(CspClaims.PartnershipRole).Select(c => c.Value));
        Assert.Equal("kent-police", identity.FindFirst(CspClaims.Agency)!.Value);
    }

    [Fact]
    public void The_content_security_policy_allows_no_inline_script_or_style_and_no_framing()
    {
        var csp = SecurityHeaders.ContentSecurityPolicy("https://login.council.example/realms/kent");

        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("style-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("form-action 'self' https://login.council.example;", csp);
    }

    [Fact]
    public async Task The_demo_sign_in_is_refused_in_Production()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = PortalApp.Build(["--environment=Production"], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["Ports:Http"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Ports:Management"] = "0",
            }));
            await app.StartAsync();
        });
        Assert.Contains("development token issuer", refused.Message);
    }

    [Fact]
    public async Task Without_the_development_issuer_the_sign_in_page_lists_no_users_and_refuses_a_demo_sign_in()
    {
        var settings = TestRedis.Configuration(RedisServer.Instance.TakeKeyspace());
        settings["Auth:DevIssuer:Enabled"] = "false";
        await using var portal = await RunningApp.StartAsync(PortalApp.Build, settings);
        using var client = portal.Client();

        var page = await client.GetAsync("/sign-in");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Sign-in is not configured", html);
        Assert.DoesNotContain("govuk-radios__input", html);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Partnership_pages_need_a_session_and_send_the_user_to_sign_in()
    {
        var settings = TestRedis.Configuration(RedisServer.Instance.TakeKeyspace());
        await using var portal = await RunningApp.StartAsync(PortalApp.Build, settings);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = portal.BaseAddress };

        var response = await client.GetAsync("/partnerships/medway/my-actions");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fpartnerships%2Fmedway%2Fmy-actions", response.Headers.Location!.PathAndQuery);
    }
}
