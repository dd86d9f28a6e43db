using Csp.BuildingBlocks.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Csp.Portal.Pages;

/// <summary>The error page for unhandled exceptions (500) and empty status codes (404, 403...), in GOV.UK's wording.</summary>
[AllowAnonymous, IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "";
    public string Body { get; private set; } = "";
    public string? CorrelationId { get; private set; }

    public void OnGet(int? status) => Describe(status);
    public void OnPost(int? status) => Describe(status);

    private void Describe(int? status)
    {
        var code = status ?? StatusCodes.Status500InternalServerError;
        Response.StatusCode = code;
        CorrelationId = TraceContextMiddleware.CurrentTraceId();
        (Title, Body) = code switch
        {
            404 => ("Page not found", "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address."),
            403 => ("You do not have permission to see this page", "If you think you should have access, ask your CSP manager."),
            400 => ("The request could not be understood", "Go back and try again."),
            _ => ("Sorry, there is a problem with the service", "Try again later."),
        };
    }
}
