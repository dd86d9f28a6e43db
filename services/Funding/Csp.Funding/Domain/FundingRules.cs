using Csp.BuildingBlocks.Validation;

namespace Csp.Funding.Domain;

/// <summary>
/// A rule of the funding domain that a request broke: a state that does not allow the change (<see cref="RuleKind.Conflict"/>,
/// the API's 409) or a value that does not fit the record as it stands (<see cref="RuleKind.Invalid"/>, 400 naming
/// <see cref="Field"/>). <see cref="Rule"/> is the rule's stable name (e.g. <c>release-before-confirmation</c>), written in
/// the problem so a caller can tell rules apart without reading prose.
/// </summary>
public sealed record RuleBroken(string Rule, string Message, RuleKind Kind = RuleKind.Conflict, string? Field = null)
{
    public static RuleBroken Conflict(string rule, string message) => new(rule, message);
    public static RuleBroken Invalid(string rule, string field, string message) => new(rule, message, RuleKind.Invalid, field);

    public ValidationErrors ToErrors() => new ValidationErrors().Add(Field ?? "body", $"{Message} (rule: {Rule})");

    public override string ToString() => $"{Message} (rule: {Rule})";
}

public enum RuleKind { Conflict, Invalid }

/// <summary>The result of a domain method: the changed aggregate, or the rule that refused the change.</summary>
public readonly record struct Decision<T>(T? Value, RuleBroken? Broken)
{
    public bool IsOk => Broken is null;

    public static implicit operator Decision<T>(T value) => new(value, null);
    public static implicit operator Decision<T>(RuleBroken broken) => new(default, broken);
}
