using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Csp.BuildingBlocks.Http;

/// <summary>What endpoints declare for the OpenAPI documents, so that every operation lists its success response and its
/// problem responses (<c>application/problem+json</c>).</summary>
public static class OpenApiConventions
{
    /// <summary>Every authenticated, partnership-scoped endpoint: 401, 403, 404 and 503.</summary>
    public static TBuilder ProducesStandardProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>A read: the success body, and 400 for a bad query.</summary>
    public static RouteHandlerBuilder Reads<TResponse>(this RouteHandlerBuilder builder) =>
        builder.Produces<TResponse>(StatusCodes.Status200OK).ProducesValidationProblem();

    /// <summary>A write with a JSON body: the success body and status, 400 naming each bad field, 409, 413, 415.</summary>
    public static RouteHandlerBuilder Writes<TResponse>(this RouteHandlerBuilder builder, int status = StatusCodes.Status200OK) =>
        builder.Produces<TResponse>(status)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>A write that takes If-Match: also 412 (stale) and 428 (required and missing).</summary>
    public static RouteHandlerBuilder WithIfMatch(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);

    /// <summary>The problem responses an endpoint not in a partnership group declares itself.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses) builder.ProducesProblem(status);
        return builder;
    }
}
