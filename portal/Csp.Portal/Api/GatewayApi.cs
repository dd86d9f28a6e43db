using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Csp.BuildingBlocks.Http;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Csp.Portal.Api;

/// <summary>
/// How a page calls a service: through the gateway's <c>/api</c> with the signed-in user's own token, so the services
/// decide what the user may see and do. Reads throw <see cref="ApiFailure"/> for anything but 2xx (the page filter turns
/// it into sign-in again, a 403/404 page or the "problem with the service" page); writes return the problem of a 4xx so
/// the page can show it against the fields.
/// </summary>
public sealed class GatewayApi(HttpClient http, IHttpContextAccessor accessor)
{
    public static JsonSerializerOptions Json => ApiJson.Options;

    public async Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using var request = await RequestAsync(HttpMethod.Get, path);
        // The body is read as it arrives, straight into the value (a batch of board figures is megabytes: buffering it
        // first cost a large-object copy per call); the client's time-out still bounds the whole read.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(http.Timeout);
        try
        {
            using var response = await SendAsync(request, timeout.Token, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode) throw await FailureAsync(response, timeout.Token);
            return await ResultAsync<T>(response, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    private static ApiFailure TimedOut() =>
        new(HttpStatusCode.GatewayTimeout, new ApiProblem(504, "The service did not answer in time", null, ApiProblem.NoErrors, null));

    /// <summary>A read of a text body (e.g. CSV) as it comes.</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = await RequestAsync(HttpMethod.Get, path);
        using var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public Task<ApiResult<T>> PostAsync<T>(string path, object body, string? ifMatch = null, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        WriteAsync<T>(HttpMethod.Post, path, body, ifMatch, idempotencyKey, cancellationToken);

    public Task<ApiResult<T>> PutAsync<T>(string path, object body, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        WriteAsync<T>(HttpMethod.Put, path, body, ifMatch, null, cancellationToken);

    private async Task<ApiResult<T>> WriteAsync<T>(HttpMethod method, string path, object body, string? ifMatch, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(method, path);
        request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        if (!string.IsNullOrEmpty(ifMatch)) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (!string.IsNullOrEmpty(idempotencyKey)) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        using var response = await SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode) return await ResultAsync<T>(response, cancellationToken);
        var status = (int)response.StatusCode;
        // A refused write the user can act on comes back to the page; the rest are the page filter's.
        if (status is 400 or 403 or 409 or 412 or 413 or 422 or 428)
            return new ApiResult<T>(status, default, null, await ProblemAsync(response, cancellationToken));
        throw await FailureAsync(response, cancellationToken);
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string path)
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("The gateway is called only while serving a page.");
        var token = await context.GetTokenAsync("access_token");
        if (string.IsNullOrEmpty(token)) throw new ApiFailure(HttpStatusCode.Unauthorized, null);
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ApiFailure(HttpStatusCode.ServiceUnavailable, new ApiProblem(503, "The gateway is not reachable", ex.Message, ApiProblem.NoErrors, null));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    private static async Task<ApiResult<T>> ResultAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var etag = response.Headers.ETag?.ToString();
        var value = response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
        return new ApiResult<T>((int)response.StatusCode, value, etag, null);
    }

    private static async Task<ApiFailure> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new(response.StatusCode, await ProblemAsync(response, cancellationToken));

    private static async Task<ApiProblem?> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken);
            if (body is null) return null;
            return new ApiProblem(body.Status ?? (int)response.StatusCode, body.Title ?? response.ReasonPhrase ?? "", body.Detail,
                body.Errors ?? ApiProblem.NoErrors, body.CorrelationId ?? CorrelationId(response));
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return new ApiProblem((int)response.StatusCode, response.ReasonPhrase ?? "", null, ApiProblem.NoErrors, CorrelationId(response));
        }
    }

    private static string? CorrelationId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Correlation-Id", out var ids) ? ids.FirstOrDefault() : null;

    private sealed record ProblemBody(int? Status, string? Title, string? Detail, Dictionary<string, string[]>? Errors, string? CorrelationId);
}

/// <summary>The answer to a call: the value and its <c>ETag</c> on success, the problem of a refused write otherwise.</summary>
public sealed record ApiResult<T>(int Status, T? Value, string? ETag, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null && Status is >= 200 and < 300;
}

/// <summary>An RFC 9457 problem from a service: <see cref="Errors"/> names each bad field as the API spells it
/// (<c>commentary</c>, <c>milestones[0].title</c>).</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors, string? CorrelationId)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
}

/// <summary>A call that did not succeed and that the page does not handle itself.</summary>
public sealed class ApiFailure(HttpStatusCode status, ApiProblem? problem)
    : Exception($"The gateway answered {(int)status}: {problem?.Title}")
{
    public HttpStatusCode Status { get; } = status;
    public ApiProblem? Problem { get; } = problem;
}

public static class GatewayApiRegistration
{
    public static WebApplicationBuilder AddPortalApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHttpClient<GatewayApi>((sp, client) =>
        {
            var options = sp.GetRequiredService<IOptions<PortalOptions>>().Value;
            var root = options.ApiBase.ToString().TrimEnd('/') + "/";
            client.BaseAddress = new Uri(root);
            client.Timeout = options.ApiTimeout;
        });
        return builder;
    }
}
