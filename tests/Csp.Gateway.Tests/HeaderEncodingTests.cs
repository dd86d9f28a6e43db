using System.Text;
using System.Text.Json;
using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>A header value outside ASCII is refused by the gateway itself (400 naming the header), not reported as the
/// service being unavailable (the proxy's HTTP client cannot send such a value, which used to answer 503).</summary>
public sealed class HeaderEncodingTests : GatewayBeforeActionPlan
{
    [Theory]
    [InlineData("latin1")]
    [InlineData("utf8")]
    public async Task A_non_ASCII_header_value_is_400_naming_the_header_and_never_reaches_the_service(string encoding)
    {
        // A client that sends the bytes as they are (HttpClient refuses non-ASCII header values unless told an encoding).
        using var client = new HttpClient(new SocketsHttpHandler
        {
            RequestHeaderEncodingSelector = (_, _) => encoding == "utf8" ? Encoding.UTF8 : Encoding.Latin1,
        }) { BaseAddress = Gateway.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/partnerships/medway/actions");
        request.Headers.Authorization = new("Bearer", TestAuth.Token(DemoCallers.Manager));
        request.Headers.TryAddWithoutValidation("X-Unicode", "café ☕");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, ActionPlan.Requests);
        // Kestrel itself refuses bytes that are not UTF-8 (a plain 400); a UTF-8 value passes Kestrel and is refused by the
        // gateway, naming the header.
        if (encoding == "utf8")
        {
            Assert.True(response.IsProblem());
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("X-Unicode", out _));
        }
    }

    [Fact]
    public async Task An_ASCII_header_value_is_forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/partnerships/medway/actions");
        request.Headers.Authorization = new("Bearer", TestAuth.Token(DemoCallers.Manager));
        request.Headers.TryAddWithoutValidation("X-Plain", "cafe");

        var response = await Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, ActionPlan.Requests);
    }
}
