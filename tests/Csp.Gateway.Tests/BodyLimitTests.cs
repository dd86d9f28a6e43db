using System.Text.Json;
using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>The gateway answers an oversize body itself (413 problem details) and never passes it to the service.</summary>
public sealed class BodyLimitTests : GatewayBeforeActionPlan
{
    private const string Actions = "/api/partnerships/medway/actions";
    private const int Limit = 64 * 1024;
    /// <summary>A JSON body of exactly <paramref name="bytes"/> bytes.</summary>
    public static byte[] Body(int bytes) => System.Text.Encoding.UTF8.GetBytes("{\"title\":\"" + new string('a', bytes - 12) + "\"}");

    private Task<HttpResponseMessage> PostAsync(int bytes, bool chunked)
    {
        var body = Body(bytes);
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, Actions) { Content = content };
        request.Headers.Authorization = new("Bearer", TestAuth.Token(DemoCallers.Manager));
        return Gateway.Client.SendAsync(request);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_oversize_body_is_413_problem_details_from_the_gateway_and_never_reaches_the_service(bool chunked)
    {
        var response = await PostAsync(200 * 1024, chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(response.IsProblem());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Equal(0, ActionPlan.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_within_the_limit_is_forwarded_whole(bool chunked)
    {
        var response = await PostAsync(Limit - 100, chunked);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal("POST", echo!.Method);
        Assert.Equal((Limit - 100).ToString(System.Globalization.CultureInfo.InvariantCulture), echo.Headers["Content-Length"]);
    }
}

/// <summary>A body whose length HttpClient cannot know, so it is sent chunked.</summary>
internal sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
{
    public override bool CanSeek => false;
}
