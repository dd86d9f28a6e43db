using System.Text.Json;
using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Csp.BuildingBlocks.Http;

/// <summary>
/// Bodies are bound by the framework into typed drafts (so the OpenAPI documents describe them). When binding fails, the
/// framework throws (<c>RouteHandlerOptions.ThrowOnBadRequest</c>, set by the service defaults) and this handler turns
/// every way a body can be wrong into a 4xx problem that names the field: a wrong type or unknown enum value (400, the
/// field from the JSON path), not JSON or no body (400 on <c>$</c>), the wrong content type (415), over the size limit (413).
/// </summary>
public sealed class BadBodyProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        // Bodies bind before endpoint filters run; the partnership check still answers first, as it would for a good body.
        // (The exception handler has cleared the endpoint and route values; its feature keeps them.)
        var failed = httpContext.Features.Get<IExceptionHandlerFeature>();
        if (failed?.Endpoint?.Metadata.GetMetadata<PartnershipAccess.Check>() is { } check
            && await check.DenyAsync(httpContext, failed.RouteValues?[PartnershipAccess.RouteParameter] as string) is { } denied)
        {
            await denied.ExecuteAsync(httpContext);
            return true;
        }
        var problem = Describe(bad);
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    public static ProblemDetails Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge || bad.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            return new ProblemDetails { Status = StatusCodes.Status413PayloadTooLarge, Title = "The request body is too large" };
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return new ProblemDetails { Status = StatusCodes.Status415UnsupportedMediaType, Title = "The body must be JSON", Detail = "Send Content-Type: application/json." };

        var errors = new ValidationErrors();
        if (bad.InnerException is JsonException json)
        {
            // A syntax error (the reader's own JsonException inside) breaks the whole body, wherever the reader was;
            // a value that parsed but does not fit its field names that field.
            var syntax = json.InnerException is JsonException || json.Path is null or "$";
            if (syntax) errors.Add("$", "the body is not valid JSON");
            else errors.Add(FieldName(json.Path), "has the wrong type or an unknown value");
        }
        else
            errors.Add("$", "a JSON object is required");
        return new HttpValidationProblemDetails(errors.ToDictionary())
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request has invalid fields",
        };
    }

    /// <summary><c>$.milestones[0].title</c> → <c>milestones[0].title</c>.</summary>
    public static string FieldName(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}
