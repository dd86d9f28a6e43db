using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Csp.BuildingBlocks.Http;

/// <summary>
/// Safe retries of writes, written once. A write endpoint marked <see cref="IdempotencyExtensions.Idempotent"/> accepts an
/// optional <c>Idempotency-Key</c> header (1 to 100 visible ASCII characters, else 400 naming the header). The first request
/// with a key stores, in the write's own Redis transaction, the key, a hash of the request (method, path, body) and the
/// response it answers with. A retry with the same key and the same request gets that response again (same status, body,
/// Location and ETag) and writes nothing; the same key with a different request is 422. Keys belong to one caller (the
/// token's subject) in one partnership, are kept under <c>{service}:{{partnership}}:idem:...</c> (the partnership's Redis
/// Cluster slot, so they join its transactions) and expire after <see cref="IdempotencyOptions.Expiry"/>.
/// </summary>
/// <remarks>
/// How an endpoint uses it: bind an <see cref="Idempotent"/> parameter, say how a result is answered with
/// <see cref="Idempotent.Replies{T}"/>, pass the returned <see cref="IdempotentWrite{T}"/> to the command (which passes
/// <see cref="IdempotentWrite{T}.Prepare"/>'s reply to its store, which passes it to <see cref="AggregateWriter.SaveAsync{T}"/>),
/// and answer with <see cref="IdempotentWrite{T}.Send"/>. The endpoint filter looks the key up before the command runs.
/// </remarks>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 100;

    /// <summary>1 to 100 visible ASCII characters (0x21 to 0x7E).</summary>
    public static bool IsValidKey(string? key) => key is { Length: > 0 and <= MaxLength } && key.All(c => c is >= '!' and <= '~');
}

/// <summary>Configuration section <c>Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a key (and the response it replays) is kept after the write. A retry after that is a new request.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>A response as first sent, kept to be sent again: status, JSON body (in <see cref="ApiJson"/>), Location, ETag.</summary>
public sealed record Reply(int Status, string Body, string? Location, long? Version)
{
    public static Reply Json<TView>(TView view, long? version, int status = StatusCodes.Status200OK, string? location = null) =>
        new(status, JsonSerializer.Serialize(view, ApiJson.Options), location, version);

    public IResult ToResult() => new Sent(this);

    private sealed class Sent(Reply reply) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => reply.Status;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = reply.Status;
            if (reply.Location is not null) response.Headers.Location = reply.Location;
            if (reply.Version is { } version) ETags.Set(response, version);
            response.ContentType = "application/json; charset=utf-8";
            return response.WriteAsync(reply.Body, Encoding.UTF8);
        }
    }
}

/// <summary>A reply to store with a write: queued into the write's transaction by <see cref="AggregateWriter"/>.</summary>
public sealed record IdempotentReply(string Key, string Fingerprint, TimeSpan Expiry, Reply Reply);

/// <summary>
/// The <c>Idempotency-Key</c> of one request, bound as an endpoint parameter. Without the header it changes nothing: the
/// endpoint answers as it always does.
/// </summary>
public sealed class Idempotent
{
    internal string? Key { get; private set; }
    internal string? Fingerprint { get; private set; }
    internal TimeSpan Expiry { get; private set; }

    public static ValueTask<Idempotent?> BindAsync(HttpContext context) => ValueTask.FromResult<Idempotent?>(new Idempotent());

    /// <summary>Set by the endpoint filter once it has found no earlier response for the key.</summary>
    internal void Arm(string key, string fingerprint, TimeSpan expiry) => (Key, Fingerprint, Expiry) = (key, fingerprint, expiry);

    /// <summary>How the endpoint answers a result of its command; the same function makes the first response and the one
    /// stored for a retry.</summary>
    public IdempotentWrite<T> Replies<T>(Func<T, Reply> answer) => new(this, answer);
}

/// <summary>What a command is given: it prepares the reply for the result it is about to save (the version it will be
/// saved as is known before the commit), and hands that to its store.</summary>
public sealed class IdempotentWrite<T>(Idempotent request, Func<T, Reply> answer)
{
    private (T Result, Reply Reply)? _prepared;

    /// <summary>The reply to store with the write of <paramref name="result"/>, or null when the request has no key.</summary>
    public IdempotentReply? Prepare(T result)
    {
        var reply = answer(result);
        _prepared = (result, reply);
        return request.Key is null ? null : new IdempotentReply(request.Key, request.Fingerprint!, request.Expiry, reply);
    }

    /// <summary>The response for the command's result: exactly the one prepared (and stored) for it, if it was.</summary>
    public IResult Send(T result) =>
        (_prepared is { } p && EqualityComparer<T>.Default.Equals(p.Result, result) ? p.Reply : answer(result)).ToResult();
}

public static class IdempotencyExtensions
{
    /// <summary>
    /// Marks a write as retry-safe: the <c>Idempotency-Key</c> header is validated and looked up before the handler runs. A
    /// stored response for the same request is sent again; for a different request, 422. If the handler is refused because a
    /// concurrent request with the same key committed first, that request's response is sent instead.
    /// </summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) => builder.Idempotent(scope: null);

    /// <summary>As <see cref="Idempotent(RouteHandlerBuilder)"/>, for a write that belongs to something other than a
    /// partnership (a funder's programme): <paramref name="scope"/> names the hash-tag partition its keys live under, the
    /// same partition the write's own transaction uses (so the reply is stored in that transaction, one slot).</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder, Func<HttpRequest, string>? scope)
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var once = context.Arguments.OfType<Idempotent>().SingleOrDefault()
                ?? throw new InvalidOperationException($"An endpoint marked Idempotent() must bind an {nameof(Http.Idempotent)} parameter.");
            var headers = http.Request.Headers[Idempotency.Header];
            if (headers.Count == 0) return await next(context);
            if (headers.Count > 1 || !Idempotency.IsValidKey(headers[0]))
                return Problems.Validation(Idempotency.Header, $"must be one key of 1 to {Idempotency.MaxLength} visible ASCII characters");

            var records = http.RequestServices.GetRequiredService<IdempotencyRecords>();
            var partition = scope?.Invoke(http.Request)
                ?? http.Request.RouteValues[PartnershipAccess.RouteParameter] as string
                ?? throw new InvalidOperationException("Idempotency keys are kept per partnership: the route must have {partnershipId}, or the endpoint must name its scope.");
            var key = records.KeyFor(partition, Caller.From(http.User).Subject, headers[0]!);
            var fingerprint = Fingerprint(context);
            if (await records.FindAsync(key) is { } earlier) return Replay(earlier, fingerprint);

            once.Arm(key, fingerprint, http.RequestServices.GetRequiredService<IOptions<IdempotencyOptions>>().Value.Expiry);
            var result = await next(context);
            // Refused? A twin request with the same key may have committed between our look-up and our commit (our
            // transaction is conditional on the key being absent): then its response is ours.
            if (result is IStatusCodeHttpResult { StatusCode: >= 400 } && await records.FindAsync(key) is { } twin) return Replay(twin, fingerprint);
            return result;
        });
        builder.ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes a retry safe: the same key with the same request returns the first response and writes nothing more; "
                    + "the same key with another request is 422. 1-100 visible ASCII characters, kept per caller and partnership for 24 hours.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxLength },
            });
            return Task.CompletedTask;
        });
        return builder;
    }

    private static object Replay(StoredReply stored, string fingerprint)
    {
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored.Fingerprint), Encoding.ASCII.GetBytes(fingerprint)))
            return Results.Problem(title: $"This {Idempotency.Header} was used for a different request",
                detail: "A key names one request: send a new key for a new request.", statusCode: StatusCodes.Status422UnprocessableEntity);
        return stored.Reply.ToResult();
    }

    /// <summary>The request as the service understood it: method, path and the bound body (in <see cref="ApiJson"/>, so
    /// spacing and field order do not make two equal requests different).</summary>
    private static string Fingerprint(EndpointFilterInvocationContext context)
    {
        var http = context.HttpContext;
        var bodyType = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var body = bodyType is null ? null : context.Arguments.FirstOrDefault(a => a is not null && a.GetType() == bodyType);
        var text = $"{http.Request.Method}\n{http.Request.Path}\n{(body is null ? "" : JsonSerializer.Serialize(body, bodyType!, ApiJson.Options))}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>A stored reply and the fingerprint of the request that made it.</summary>
public sealed record StoredReply(string Fingerprint, Reply Reply);
