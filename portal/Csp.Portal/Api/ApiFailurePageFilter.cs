using System.Net;
using Csp.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Csp.Portal.Api;

/// <summary>
/// One place for what a failed call means to the user: 401 (the token expired or was refused) signs the session out and
/// sends them to sign in again, back to this page after; 403, 404 and the service being down show the matching page
/// (with the correlation id to quote). Pages handle the problems of their own writes (400, 409, 412...) themselves.
/// </summary>
public sealed class ApiFailurePageFilter(ILogger<ApiFailurePageFilter> logger) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is not ApiFailure failure || executed.ExceptionHandled) return;
        executed.ExceptionHandled = true;
        var http = context.HttpContext;
        switch (failure.Status)
        {
            case HttpStatusCode.Unauthorized:
                await http.SignOutAsync(PortalSignIn.CookieScheme);
                executed.Result = new RedirectResult(PortalSignIn.SignInPath(http.Request.Path + http.Request.QueryString, expired: true));
                break;
            case HttpStatusCode.Forbidden:
                executed.Result = ErrorPage(StatusCodes.Status403Forbidden, failure);
                break;
            case HttpStatusCode.NotFound:
                executed.Result = ErrorPage(StatusCodes.Status404NotFound, failure);
                break;
            default:
                logger.LogWarning("The gateway answered {Status} ({Title}) for {Path}; correlation id {CorrelationId}",
                    (int)failure.Status, failure.Problem?.Title, http.Request.Path.Value, failure.Problem?.CorrelationId);
                executed.Result = ErrorPage(StatusCodes.Status503ServiceUnavailable, failure);
                break;
        }
    }

    private static IActionResult ErrorPage(int status, ApiFailure failure) => new ViewResult
    {
        ViewName = "/Pages/Shared/_ApiError.cshtml",
        StatusCode = status,
        ViewData = new Microsoft.AspNetCore.Mvc.ViewFeatures.ViewDataDictionary(new Microsoft.AspNetCore.Mvc.ModelBinding.EmptyModelMetadataProvider(), new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary())
        {
            Model = new ApiErrorModel(status, failure.Problem),
        },
    };
}

public sealed record ApiErrorModel(int Status, ApiProblem? Problem);
