using Csp.BuildingBlocks.Auth;
using Csp.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Csp.Portal.Pages;

/// <summary>
/// /sign-in: with an OIDC authority, straight to the council's provider (authorisation code + PKCE); with the development
/// issuer enabled, the demo users to choose from; with neither, a page saying sign-in is not configured.
/// </summary>
[AllowAnonymous]
public sealed class SignInModel(DemoSignIn demo, IOptions<AuthOptions> auth) : PageModel
{
    public bool DemoUsersEnabled => demo.Enabled;
    public IReadOnlyList<DemoUser> Users => demo.Users;
    public string ReturnUrl { get; private set; } = "/";
    public bool Expired { get; private set; }

    public IActionResult OnGet(string? returnUrl, bool expired = false)
    {
        ReturnUrl = Local(returnUrl);
        Expired = expired;
        if (auth.Value.HasAuthority)
            return Challenge(new AuthenticationProperties { RedirectUri = ReturnUrl }, PortalSignIn.OidcScheme);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? user, string? returnUrl)
    {
        ReturnUrl = Local(returnUrl);
        if (!demo.Enabled) return NotFound();
        if (string.IsNullOrEmpty(user)) ModelState.AddModelError("User", "Select the demo user to sign in as");
        else if (!await demo.SignInAsync(HttpContext, user)) ModelState.AddModelError("User", "Select one of the demo users listed");
        if (!ModelState.IsValid) return Page();
        return LocalRedirect(ReturnUrl);
    }

    private string Local(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
