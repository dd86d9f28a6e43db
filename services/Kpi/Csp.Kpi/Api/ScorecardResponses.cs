using System.Security.Cryptography;
using System.Text.Json;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Csp.Kpi.Api;

/// <summary>A scorecard's response body as sent, with its strong ETag (a hash of the body), and the same body gzipped, made
/// on first demand and kept with it (a representation of its own, so with an ETag of its own).</summary>
public sealed record ScorecardBody(string? Stamp, byte[] Json, string ETag)
{
    private readonly Lazy<byte[]> _gzip = new(() => Gzip(Json));

    public byte[] Gzipped => _gzip.Value;
    public string GzipETag => ETag[..^1] + "-gzip\"";

    private static byte[] Gzip(byte[] json)
    {
        using var buffer = new MemoryStream(json.Length / 4);
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest)) gzip.Write(json);
        return buffer.ToArray();
    }
}

/// <summary>
/// The scorecard responses (members' and public), written once and served again while nothing changed: a body is kept
/// with the partnership's scorecard stamp it was built at (<see cref="KpiStore.GetScorecardStampAsync"/>, set anew by every
/// write of definitions or measurements), so a request costs one small read when nothing changed, instead of ~300 reads
/// and deserialisations, the assembly and the JSON writing. Kept per partnership, page (members' or public), asked period
/// and UK day (the data lag depends on the day). Each replica keeps its own copies and checks the stamp in Redis on every
/// request, so no replica serves a scorecard older than the last committed write. With no stamp yet (data written before
/// stamps existed) nothing is kept. The ETag is the body's hash: a matching If-None-Match is answered 304.
/// </summary>
public sealed class ScorecardResponses(KpiStore store, TimeProvider clock, IOptions<KpiOptions> options) : IDisposable
{
    /// <summary>The bodies kept, in bytes (a scorecard of 100 KPIs is about 170 KB).</summary>
    public const long CacheBytes = 64L * 1024 * 1024;

    private readonly MemoryCache _bodies = new(new MemoryCacheOptions { SizeLimit = CacheBytes });

    public async Task<ScorecardBody> GetAsync(string partnershipId, Period? asked, bool publishedOnly)
    {
        var today = UkTime.Today(clock);
        // Read before the data: a body built after this read is at least as new as the stamp it is kept with.
        var stamp = await store.GetScorecardStampAsync(partnershipId);
        var key = (partnershipId, asked, publishedOnly, today);
        if (stamp is not null && _bodies.TryGetValue(key, out ScorecardBody? kept) && kept!.Stamp == stamp) return kept;

        var json = asked is null && !options.Value.ScorecardFromRows
            ? await store.ReadScorecardJsonAsync(partnershipId, today, publishedOnly)
            : await BuildFromRowsAsync(partnershipId, asked, today, publishedOnly);
        var body = new ScorecardBody(stamp, json, $"\"{Convert.ToHexStringLower(SHA256.HashData(json))[..32]}\"");
        if (stamp is not null) _bodies.Set(key, body, new MemoryCacheEntryOptions { Size = json.Length });
        return body;
    }

    /// <summary>A past period's scorecard (and, for the benchmark's "before", every scorecard): built from the rows, each
    /// KPI's definition, series and window read and deserialised, the whole written as JSON.</summary>
    private async Task<byte[]> BuildFromRowsAsync(string partnershipId, Period? asked, DateOnly today, bool publishedOnly)
    {
        var card = await store.ReadScorecardAsync(partnershipId, asked, today, publishedOnly);
        return publishedOnly
            ? JsonSerializer.SerializeToUtf8Bytes(PublicScorecardView.Of(card), ApiJson.Options)
            : JsonSerializer.SerializeToUtf8Bytes(card, ApiJson.Options);
    }

    /// <summary>The body with its ETag and <paramref name="cacheControl"/>, or 304 when If-None-Match names the ETag. A caller
    /// that accepts gzip (every browser) gets the kept gzipped body, about a tenth of the bytes, compressed once per build.</summary>
    public static IResult Send(HttpContext http, ScorecardBody body, string cacheControl)
    {
        var gzip = AcceptsGzip(http.Request);
        var etag = gzip ? body.GzipETag : body.ETag;
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = cacheControl;
        http.Response.Headers.Vary = "Accept-Encoding";
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Contains(etag)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        if (!gzip) return Results.Bytes(body.Json, "application/json; charset=utf-8");
        http.Response.Headers.ContentEncoding = "gzip";
        return Results.Bytes(body.Gzipped, "application/json; charset=utf-8");
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e => string.Equals(e.Value.Value, "gzip", StringComparison.OrdinalIgnoreCase) && e.Quality is not 0);

    public void Dispose() => _bodies.Dispose();
}
