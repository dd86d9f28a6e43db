using Csp.BuildingBlocks.Auth;
using Microsoft.Extensions.Options;

namespace Csp.Portal.Hosting;

/// <summary>
/// The portal's own browser headers. The Content-Security-Policy has no 'unsafe-inline': every script and style is a
/// file under /assets (GOV.UK Frontend's inline "js-enabled" script is replaced by /assets/portal/js-enabled.js), and
/// pages carry no style attributes. The gateway keeps a value the portal set and fills in what is missing.
/// </summary>
public static class SecurityHeaders
{
    public static string ContentSecurityPolicy(string? authority)
    {
        // A form posted to the portal may be redirected to the OIDC provider (sign-out), which Chromium checks against form-action.
        var formAction = "'self'";
        if (Uri.TryCreate(authority, UriKind.Absolute, out var provider)) formAction += " " + provider.GetLeftPart(UriPartial.Authority);
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
               $"object-src 'none'; base-uri 'self'; form-action {formAction}; frame-ancestors 'none'";
    }

    public static WebApplication UsePortalSecurityHeaders(this WebApplication app)
    {
        var csp = ContentSecurityPolicy(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Authority);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = csp;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                // Pages show people's work and are never cached; static assets set their own Cache-Control.
                if (!headers.ContainsKey("Cache-Control")) headers.CacheControl = "no-store";
                if (context.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
