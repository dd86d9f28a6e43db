using Csp.BuildingBlocks.Auth;
using Csp.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Csp.Portal.Pages;

/// <summary>/sign-out: a POST (antiforgery checked) ends the session; with OIDC the provider's session too.</summary>
[AllowAnonymous]
public sealed class SignOutModel(IOptions<AuthOptions> auth) : PageModel
{
    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? RedirectToPage("/Index") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (auth.Value.HasAuthority)
            return SignOut(new AuthenticationProperties { RedirectUri = "/sign-out" }, PortalSignIn.CookieScheme, PortalSignIn.OidcScheme);
        await HttpContext.SignOutAsync(PortalSignIn.CookieScheme);
        return RedirectToPage();
    }
}
