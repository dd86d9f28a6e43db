using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Http;

namespace Csp.BuildingBlocks.Http;

/// <summary>
/// The result of a command: done, or the reason it was not, in terms an endpoint maps to one status code. Commands return
/// it instead of throwing so that every refusal is a deliberate 4xx and nothing half-done is stored.
/// </summary>
public sealed record Outcome<T>
{
    public T? Value { get; private init; }
    public OutcomeKind Kind { get; private init; }
    public string? Reason { get; private init; }
    public ValidationErrors? Errors { get; private init; }

    public bool IsOk => Kind == OutcomeKind.Ok;

    public static Outcome<T> Ok(T value) => new() { Value = value, Kind = OutcomeKind.Ok };
    public static Outcome<T> NotFound(string what) => new() { Kind = OutcomeKind.NotFound, Reason = what };
    public static Outcome<T> Forbidden(string why) => new() { Kind = OutcomeKind.Forbidden, Reason = why };
    public static Outcome<T> Invalid(ValidationErrors errors) => new() { Kind = OutcomeKind.Invalid, Errors = errors };
    public static Outcome<T> Stale() => new() { Kind = OutcomeKind.PreconditionFailed };
    public static Outcome<T> IfMatchRequired() => new() { Kind = OutcomeKind.PreconditionRequired };
    public static Outcome<T> Conflict(string why) => new() { Kind = OutcomeKind.Conflict, Reason = why };
    public static Outcome<T> Unavailable(string what) => new() { Kind = OutcomeKind.Unavailable, Reason = what };

    /// <summary>Carries a refusal over to another value type.</summary>
    public Outcome<TOther> As<TOther>() => IsOk
        ? throw new InvalidOperationException("only a refusal can change type")
        : new Outcome<TOther> { Kind = Kind, Reason = Reason, Errors = Errors };

    /// <summary>The problem-details result for a refusal; <paramref name="ok"/> for success.</summary>
    public IResult ToResult(Func<T, IResult> ok) => Kind switch
    {
        OutcomeKind.Ok => ok(Value!),
        OutcomeKind.NotFound => Problems.NotFound(Reason!),
        OutcomeKind.Forbidden => Problems.Forbidden(Reason!),
        OutcomeKind.Invalid => Problems.Validation(Errors!),
        OutcomeKind.PreconditionFailed => Problems.PreconditionFailed(),
        OutcomeKind.PreconditionRequired => Problems.PreconditionRequired(),
        OutcomeKind.Conflict => Problems.Conflict(Reason!),
        OutcomeKind.Unavailable => Problems.Unavailable(Reason!),
        _ => throw new InvalidOperationException($"unknown outcome {Kind}"),
    };
}

public enum OutcomeKind { Ok, NotFound, Forbidden, Invalid, PreconditionFailed, PreconditionRequired, Conflict, Unavailable }
