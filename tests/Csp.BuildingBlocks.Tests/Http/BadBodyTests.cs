using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Csp.TestSupport;

namespace Csp.BuildingBlocks.Tests.Http;

/// <summary>
/// Every way a request body can be wrong, for every service at once: the framework binds the typed draft and
/// <c>BadBodyProblems</c> answers a problem naming the field; the handler never runs, so nothing is stored.
/// </summary>
public sealed class BadBodyTests : IClassFixture<ThingsAppFixture>
{
    private const string Things = "/api/partnerships/medway/things";
    private readonly ThingsAppFixture _fixture;
    private readonly HttpClient _client;

    public BadBodyTests(ThingsAppFixture fixture)
    {
        _fixture = fixture;
        _fixture.Probe.Clear();
        _client = fixture.App.Client(TestUser.Manager());
    }

    private const string Valid = """{"title":"Street lighting audit","quantity":3,"priority":"very-high","items":[{"name":"lamps","count":12}]}""";

    private Task<HttpResponseMessage> PostAsync(string body, string contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return _client.PostAsync(Things, content);
    }

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Empty(_fixture.Probe.Stored);
        return problem;
    }

    private static string[] Fields(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToArray();

    [Theory]
    [InlineData("/api/partnerships/atlantis/things", HttpStatusCode.NotFound)]
    [InlineData("/api/partnerships/Not%20A%20Slug/things", HttpStatusCode.NotFound)]
    [InlineData("/api/partnerships/swale/things", HttpStatusCode.Forbidden)]
    public async Task The_partnership_check_answers_before_a_bad_body_does(string path, HttpStatusCode expected)
    {
        var content = new StringContent("this is not json", Encoding.UTF8, "application/json");
        var response = await _client.PostAsync(path, content);

        var problem = await ProblemAsync(response, expected);
        Assert.False(problem.TryGetProperty("errors", out _), "a caller outside the partnership learns nothing about the body");
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Fact]
    public async Task A_valid_draft_is_bound_with_kebab_case_enums_and_stored()
    {
        var response = await PostAsync(Valid);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var (partnership, draft) = Assert.Single(_fixture.Probe.Stored);
        Assert.Equal("medway", partnership);
        Assert.Equal(new ThingDraft("Street lighting audit", 3, ThingPriority.VeryHigh, draft.Items), draft);
        Assert.Equal(new ThingItem("lamps", 12), Assert.Single(draft.Items!));
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"title\": \"Audit\",")]
    [InlineData("{\"title\": \"Audit\" \"quantity\": 3}")]
    [InlineData("[1, 2")]
    public async Task Malformed_json_is_400_on_the_whole_body(string body)
    {
        var problem = await ProblemAsync(await PostAsync(body), HttpStatusCode.BadRequest);

        Assert.Equal(["$"], Fields(problem));
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    /// <summary>A syntax error inside a property's value breaks the whole body: it is reported on <c>$</c>, not on the
    /// property the reader had reached.</summary>
    [Theory]
    [InlineData("{\"title\": ")]
    [InlineData("{\"title\": tru, \"quantity\": 3}")]
    [InlineData("{\"title\": \"Audit\", \"quantity\": 3x}")]
    [InlineData("{\"title\": \"Audit\", \"items\": [{\"name\": }]}")]
    [InlineData("{\"title\": 'Audit'}")]
    public async Task Malformed_json_inside_a_value_is_400_on_the_whole_body(string body)
    {
        var problem = await ProblemAsync(await PostAsync(body), HttpStatusCode.BadRequest);

        Assert.Equal(["$"], Fields(problem));
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Theory]
    [InlineData("""{"title":"Audit","quantity":"three","priority":"high","items":[]}""", "quantity")]
    [InlineData("""{"title":"Audit","quantity":2.5,"priority":"high","items":[]}""", "quantity")]
    [InlineData("""{"title":"Audit","quantity":3,"priority":"urgent","items":[]}""", "priority")]
    [InlineData("""{"title":"Audit","quantity":3,"priority":1,"items":[]}""", "priority")]
    [InlineData("""{"title":"Audit","quantity":3,"priority":"high","items":[{"name":"lamps","count":"twelve"}]}""", "items[0].count")]
    [InlineData("""{"title":"Audit","quantity":3,"priority":"high","items":[{"name":"a","count":1},{"name":"b","count":true}]}""", "items[1].count")]
    [InlineData("""{"title":"Audit","quantity":3,"priority":"high","items":{"name":"lamps"}}""", "items")]
    [InlineData("""{"title":["Audit"],"quantity":3,"priority":"high","items":[]}""", "title")]
    public async Task A_value_of_the_wrong_type_or_an_unknown_enum_value_is_400_naming_the_field(string body, string field)
    {
        var problem = await ProblemAsync(await PostAsync(body), HttpStatusCode.BadRequest);

        Assert.Equal([field], Fields(problem));
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    public async Task A_null_or_empty_body_is_400_on_the_whole_body(string body)
    {
        var problem = await ProblemAsync(await PostAsync(body), HttpStatusCode.BadRequest);

        Assert.Equal(["$"], Fields(problem));
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Fact]
    public async Task No_body_at_all_is_400_on_the_whole_body()
    {
        var problem = await ProblemAsync(await _client.PostAsync(Things, content: null), HttpStatusCode.BadRequest);

        Assert.Equal(["$"], Fields(problem));
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task A_body_that_is_not_declared_json_is_415(string contentType)
    {
        var problem = await ProblemAsync(await PostAsync(Valid, contentType), HttpStatusCode.UnsupportedMediaType);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Fact]
    public async Task A_body_over_the_configured_limit_is_413()
    {
        var title = new string('a', ThingsApp.MaxRequestBodyBytes);
        var body = JsonSerializer.Serialize(new { title, quantity = 1, priority = "low", items = Array.Empty<object>() });

        var problem = await ProblemAsync(await PostAsync(body), HttpStatusCode.RequestEntityTooLarge);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_is_413()
    {
        var title = new string('a', ThingsApp.MaxRequestBodyBytes);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"title\":\"{title}\",\"quantity\":1,\"priority\":\"low\",\"items\":[]}}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, Things) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await ProblemAsync(await _client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);

        Assert.Empty(_fixture.Probe.HandlerCalls);
    }

    [Theory]
    [InlineData("""{"title":"<script>alert(1)</script>","quantity":1,"priority":"low","items":[]}""", "title")]
    [InlineData("""{"title":"Audit","quantity":1,"priority":"low","items":[{"name":"<img src=x onerror=alert(1)>","count":1}]}""", "items[0].name")]
    [InlineData("""{"title":"   ","quantity":1,"priority":"low","items":[]}""", "title")]
    [InlineData("""{"quantity":1,"priority":"low","items":[]}""", "title")]
    public async Task Text_the_handler_refuses_is_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        var problem = await ProblemAsync(await PostAsync(body), HttpStatusCode.BadRequest);

        Assert.Equal([field], Fields(problem));
        Assert.Single(_fixture.Probe.HandlerCalls);
    }
}
