using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Csp.BuildingBlocks.Http;

/// <summary>ETags are the aggregate version, quoted: <c>"7"</c>.</summary>
public static class ETags
{
    /// <summary>The request header endpoints bind: <c>[FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch</c>.</summary>
    public const string IfMatchHeader = "If-Match";

    public static string For(long version) => $"\"{version}\"";

    public static void Set(HttpResponse response, long version) => response.Headers.ETag = For(version);

    /// <summary>The version named by an If-Match header value; <c>null</c> when the header is absent; <c>-1</c> when it names
    /// no version we issued (which can never match, so the write is refused with 412).</summary>
    public static long? IfMatch(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        if (!EntityTagHeaderValue.TryParse(header.Split(',')[0].Trim(), out var tag) || tag.IsWeak) return -1;
        var inner = tag.Tag.ToString().Trim('"');
        return long.TryParse(inner, out var version) && version > 0 ? version : -1;
    }

    public static long? IfMatch(HttpRequest request) => IfMatch(request.Headers.IfMatch.ToString());
}
