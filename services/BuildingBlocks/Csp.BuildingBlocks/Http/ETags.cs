using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Csp.BuildingBlocks.Http;

/// <summary>ETags are the aggregate version, quoted and strong: <c>"7"</c>.</summary>
public static class ETags
{
    /// <summary>The request header endpoints bind: <c>[FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch</c>.</summary>
    public const string IfMatchHeader = "If-Match";

    public static string For(long version) => $"\"{version}\"";

    public static void Set(HttpResponse response, long version) => response.Headers.ETag = For(version);

    /// <summary>The If-Match header read by RFC 9110 (13.1.1); <c>null</c> when the header is absent.</summary>
    public static IfMatch? IfMatch(string? header) => Http.IfMatch.Parse(header);

    public static IfMatch? IfMatch(HttpRequest request) => IfMatch(request.Headers.IfMatch.ToString());
}

/// <summary>
/// An If-Match precondition as RFC 9110 13.1.1 defines it: <c>*</c> matches any current representation; a list of entity
/// tags matches when any one of them matches; comparison is strong, so a weak tag (<c>W/"3"</c>) never matches, nor does a
/// tag we never issued. No current representation (a record that does not exist yet) matches nothing, not even <c>*</c>:
/// a PUT that would create the record is refused with 412. (A write to a missing record that a PUT cannot create, or a POST
/// under a missing parent, is 404 first: RFC 9110 13.2.2 evaluates preconditions only where the answer would otherwise
/// be 2xx or 412.)
/// </summary>
public sealed record IfMatch
{
    private readonly HashSet<long> _versions = [];

    /// <summary><c>If-Match: *</c>.</summary>
    public bool IsAny { get; private init; }

    /// <summary>The versions named by the strong tags of the list (possibly none).</summary>
    public IReadOnlyCollection<long> Versions => _versions;

    public static IfMatch Any { get; } = new() { IsAny = true };

    public static IfMatch Of(params long[] versions)
    {
        var ifMatch = new IfMatch();
        ifMatch._versions.UnionWith(versions);
        return ifMatch;
    }

    /// <summary>Whether a record at <paramref name="currentVersion"/> (null: none) satisfies the precondition.</summary>
    public bool Matches(long? currentVersion) => currentVersion is { } v && (IsAny || _versions.Contains(v));

    /// <summary>Reads the header value; <c>null</c> when absent or blank. A malformed value, or one naming no version we
    /// issued, is a precondition that nothing matches (so the write is refused with 412, never applied).</summary>
    public static IfMatch? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        if (header.Trim() == "*") return Any;
        var ifMatch = new IfMatch();
        if (!EntityTagHeaderValue.TryParseList([header], out var tags)) return ifMatch;
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any)) return Any;
            if (tag.IsWeak) continue; // strong comparison: a weak tag never matches
            if (long.TryParse(tag.Tag.ToString().Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
                && version > 0)
                ifMatch._versions.Add(version);
        }
        return ifMatch;
    }
}
