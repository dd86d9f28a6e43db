using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Http;

namespace Csp.BuildingBlocks.Http;

/// <summary>RFC 9457 problem-details results used by every service, so the same failure reads the same everywhere.</summary>
public static class Problems
{
    public static IResult Validation(ValidationErrors errors) =>
        Results.ValidationProblem(errors.ToDictionary(), title: "The request has invalid fields", statusCode: StatusCodes.Status400BadRequest);

    public static IResult Validation(string field, string message) => Validation(new ValidationErrors().Add(field, message));

    public static IResult NotFound(string what) =>
        Results.Problem(title: $"{what} was not found", statusCode: StatusCodes.Status404NotFound);

    public static IResult Forbidden(string why) =>
        Results.Problem(title: "You may not do this", detail: why, statusCode: StatusCodes.Status403Forbidden);

    public static IResult PreconditionFailed() =>
        Results.Problem(title: "The record has changed since you read it",
            detail: "Another change was saved first. Reload it, reapply your change and send the new ETag in If-Match.",
            statusCode: StatusCodes.Status412PreconditionFailed);

    public static IResult PreconditionRequired() =>
        Results.Problem(title: "If-Match is required",
            detail: "Send the ETag you read in an If-Match header so that concurrent changes are not lost.",
            statusCode: StatusCodes.Status428PreconditionRequired);

    public static IResult Conflict(string title, string? detail = null) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static IResult PayloadTooLarge() =>
        Results.Problem(title: "The request body is too large", statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult UnsupportedMediaType() =>
        Results.Problem(title: "The body must be JSON", detail: "Send Content-Type: application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);

    public static IResult Unavailable(string what) =>
        Results.Problem(title: $"{what} is unavailable", detail: "Try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
}
