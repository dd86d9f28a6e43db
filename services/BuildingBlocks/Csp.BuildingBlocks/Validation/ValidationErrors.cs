using System.Text.RegularExpressions;

namespace Csp.BuildingBlocks.Validation;

/// <summary>Per-field validation errors, keyed by the JSON field name the caller sent (e.g. <c>dueDate</c>, <c>milestones[0].title</c>).</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public IReadOnlyCollection<string> Fields => _errors.Keys;

    /// <summary>An optional whole number from a query string, read here rather than by the framework so that a bad value
    /// is an error naming its parameter.</summary>
    public int? OptionalInt(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)) return number;
        Add(field, "must be a whole number");
        return null;
    }

    /// <summary>Required text, trimmed, within <paramref name="maxLength"/>, free of markup.</summary>
    public string? RequiredText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) { Add(field, "is required"); return null; }
        return OptionalText(field, value, maxLength);
    }

    /// <summary>Optional text: null or empty becomes null; otherwise as <see cref="RequiredText"/>.</summary>
    public string? OptionalText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        if (text.Length > maxLength) { Add(field, $"must be at most {maxLength} characters"); return null; }
        if (TextRules.ContainsMarkup(text)) { Add(field, "must be plain text: markup such as <script> is not accepted"); return null; }
        if (TextRules.ContainsControlCharacters(text)) { Add(field, "must not contain control characters"); return null; }
        return text;
    }
}

/// <summary>Text rules shared by every service: free text is plain text.</summary>
public static partial class TextRules
{
    /// <summary>HTML/XML markup (a tag opener such as <c>&lt;script</c>, <c>&lt;/b</c>, <c>&lt;!--</c>, <c>&lt;img</c>).
    /// A lone "&lt;" in prose ("fewer than &lt; 5") is fine.</summary>
    public static bool ContainsMarkup(string text) => MarkupPattern().IsMatch(text);

    public static bool ContainsControlCharacters(string text) => text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));

    [GeneratedRegex(@"<\s*[/!?]?\s*[a-zA-Z]|javascript\s*:", RegexOptions.IgnoreCase)] private static partial Regex MarkupPattern();
}

/// <summary>Ids in URLs and references: lower-case slugs such as <c>medway</c>, <c>kent-police</c>.</summary>
public static partial class Slug
{
    public static bool IsValid(string? value) => value is { Length: > 0 and <= 64 } && SlugPattern().IsMatch(value);

    // \z, not $: $ also matches before a trailing newline, so "medway\n" would pass.
    [GeneratedRegex(@"\A[a-z0-9]+(-[a-z0-9]+)*\z")] private static partial Regex SlugPattern();
}
