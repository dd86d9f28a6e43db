using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.Security;

/// <summary>
/// Authorization with one shortcut in front: a request to an endpoint whose ONLY authorization rule is the default policy
/// (every <c>/api</c> route: YARP's <c>"default"</c>, an authenticated caller), from a caller whom authentication has
/// already authenticated, goes straight on; ASP.NET Core's authorization middleware would reach the same answer through
/// a policy evaluation, an authorization result and a second ticket. Everything else (no caller, an anonymous route, any
/// other policy, role or requirement, a default policy that has been changed) goes through ASP.NET Core's middleware as
/// before, so every 401 and 403 is its own.
/// </summary>
public static class AuthenticatedCallerShortcut
{
    // What ASP.NET Core's AuthorizationMiddleware leaves for the EndpointMiddleware, which otherwise refuses to run an
    // endpoint with authorization metadata ("a middleware was not found that supports authorization").
    private const string AuthorizationInvokedKey = "__AuthorizationMiddlewareWithEndpointInvoked";
    private static readonly object Invoked = true;

    public static IApplicationBuilder UseAuthorizationWithShortcut(this IApplicationBuilder app)
    {
        var defaultPolicy = app.ApplicationServices.GetRequiredService<IOptions<AuthorizationOptions>>().Value.DefaultPolicy;
        // Only when the default policy is what AddAuthorization() makes it: an authenticated user, from any scheme.
        if (defaultPolicy.AuthenticationSchemes.Count > 0 || defaultPolicy.Requirements is not [DenyAnonymousAuthorizationRequirement])
            return app.UseAuthorization();
        var decisions = new ConditionalWeakTable<Endpoint, object>();
        return app.UseWhen(context => !Shortcut(context, decisions), branch => branch.UseAuthorization());
    }

    private static bool Shortcut(HttpContext context, ConditionalWeakTable<Endpoint, object> decisions)
    {
        if (context.GetEndpoint() is not { } endpoint || context.User.Identity?.IsAuthenticated != true) return false;
        if (!(bool)decisions.GetValue(endpoint, static e => OnlyTheDefaultPolicy(e))) return false;
        context.Items[AuthorizationInvokedKey] = Invoked;
        return true;
    }

    /// <summary>True when the endpoint asks for authorization with no policy name, role, scheme or requirement of its own
    /// (<c>RequireAuthorization()</c>, which YARP's <c>"default"</c> policy is) and does not allow anonymous callers.</summary>
    internal static bool OnlyTheDefaultPolicy(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<IAllowAnonymous>() is not null) return false;
        if (metadata.GetOrderedMetadata<AuthorizationPolicy>().Count > 0 || metadata.GetOrderedMetadata<IAuthorizationRequirementData>().Count > 0) return false;
        var data = metadata.GetOrderedMetadata<IAuthorizeData>();
        return data.Count > 0 && data.All(d => string.IsNullOrEmpty(d.Policy) && string.IsNullOrEmpty(d.Roles) && string.IsNullOrEmpty(d.AuthenticationSchemes));
    }
}
