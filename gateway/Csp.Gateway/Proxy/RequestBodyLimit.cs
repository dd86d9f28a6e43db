using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace Csp.Gateway.Proxy;

/// <summary>
/// The gateway refuses an oversize body itself, with 413 problem details, before anything reaches a service
/// (<c>Gateway:MaxRequestBodyBytes</c>, the same 64 KB as the services' <c>Ports:MaxRequestBodyBytes</c>). Left to the
/// service, a big upload is refused there mid-stream: the service closes the connection while the gateway is still
/// sending, and the caller gets a 502 instead of a 413. A declared <c>Content-Length</c> is checked up front; a chunked body
/// (no length) is read into memory up to the limit and forwarded with its length, so the service never sees a partial body.
/// </summary>
public static class RequestBodyLimit
{
    public const long DefaultMaxBytes = 64 * 1024;

    public static IReverseProxyApplicationBuilder UseRequestBodyLimit(this IReverseProxyApplicationBuilder proxy, long maxBytes, bool before = false)
    {
        // A declared length (every request without a body included) is checked without an await or a closure per request.
        proxy.Use(GatewayProxy.Step(before, (context, next) =>
        {
            if (context.Request.ContentLength is { } length) return length > maxBytes ? TooLargeAsync(context, maxBytes) : next(context);
            if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true) return BufferThenForwardAsync(context, next, maxBytes);
            return next(context);
        }));
        return proxy;
    }

    private static async Task BufferThenForwardAsync(HttpContext context, RequestDelegate next, long maxBytes)
    {
        var request = context.Request;
        var buffered = await ReadUpToAsync(request.Body, maxBytes + 1, context.RequestAborted);
        if (buffered is null || buffered.Length > maxBytes)
        {
            await TooLargeAsync(context, maxBytes);
            return;
        }
        request.Body = buffered;
        request.ContentLength = buffered.Length;
        request.Headers.TransferEncoding = default;
        await next(context);
    }

    /// <returns>The body read so far, or null when Kestrel's own limit (which counts the chunks it has parsed, a little
    /// ahead of what was read) was passed first.</returns>
    private static async Task<MemoryStream?> ReadUpToAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            while (buffer.Length < limit)
            {
                var read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken);
                if (read == 0) break;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>How much of an oversize body is read and thrown away before the 413 goes out.</summary>
    public const long DrainBytes = 1024 * 1024;

    private static async Task TooLargeAsync(HttpContext context, long maxBytes)
    {
        await DrainAsync(context);
        // The rest of the body may not have been read: do not keep the connection for another request.
        context.Response.Headers.Connection = "close";
        await Results.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large",
            detail: $"The request body is larger than {maxBytes} bytes.").ExecuteAsync(context);
    }

    /// <summary>
    /// Reads what is left of a moderately oversize body (up to <see cref="DrainBytes"/>, as a lingering close does) so that
    /// the client, still uploading, reads the 413 rather than a connection reset. Beyond that the connection is closed
    /// with the body unread: a client sending megabytes past the limit may see a reset, and no more bytes are spent on it.
    /// </summary>
    private static async Task DrainAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > DrainBytes) return;
        var chunk = new byte[16 * 1024];
        long drained = 0;
        try
        {
            int read;
            while (drained < DrainBytes && (read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0) drained += read;
        }
        catch (BadHttpRequestException)
        {
            // Past Kestrel's limit, or a malformed chunk: answer anyway.
        }
        catch (IOException)
        {
            // The client gave up sending: answer anyway.
        }
        catch (OperationCanceledException)
        {
        }
    }
}
