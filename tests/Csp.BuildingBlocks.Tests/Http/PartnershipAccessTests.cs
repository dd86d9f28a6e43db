using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Csp.TestSupport;

namespace Csp.BuildingBlocks.Tests.Http;

/// <summary>The partnership group's filter: the partnership exists and the caller belongs to it, else the handler never runs.</summary>
public sealed class PartnershipAccessTests : IClassFixture<ThingsAppFixture>
{
    private readonly ThingsAppFixture _fixture;

    public PartnershipAccessTests(ThingsAppFixture fixture)
    {
        _fixture = fixture;
        _fixture.Probe.Clear();
    }

    private ThingsProbe Probe => _fixture.Probe;

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task A_member_reaches_the_handler_which_sees_the_partnership_looked_up_once()
    {
        using var client = _fixture.App.Client(TestUser.Manager("swale"));

        var response = await client.GetAsync("/api/partnerships/swale/things");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Swale CSP", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("partnership").GetString());
        var (caller, partnership) = Assert.Single(Probe.HandlerCalls);
        Assert.Equal("mgr.swale", caller);
        Assert.Same(ThingsProbe.Known["swale"], partnership);
        Assert.Equal(["swale"], Probe.Lookups);
    }

    [Fact]
    public async Task Each_request_looks_the_partnership_up_exactly_once()
    {
        using var client = _fixture.App.Client(TestUser.Manager());

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/partnerships/medway/things")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/partnerships/medway/things",
            new { title = "Audit", quantity = 1, priority = "low", items = Array.Empty<object>() })).StatusCode);

        Assert.Equal(["medway", "medway", "medway", "medway"], Probe.Lookups);
        Assert.Equal(4, Probe.HandlerCalls.Count);
    }

    [Fact]
    public async Task A_platform_admin_belongs_to_every_partnership()
    {
        using var client = _fixture.App.Client(TestUser.Admin);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/partnerships/medway/things")).StatusCode);
        Assert.Single(Probe.HandlerCalls);
    }

    [Fact]
    public async Task An_unknown_partnership_is_404_and_the_handler_does_not_run()
    {
        using var client = _fixture.App.Client(TestUser.Admin);

        var problem = await ProblemAsync(await client.GetAsync("/api/partnerships/atlantis/things"), HttpStatusCode.NotFound);

        Assert.Contains("atlantis", problem.GetProperty("title").GetString());
        Assert.Equal(["atlantis"], Probe.Lookups);
        Assert.Empty(Probe.HandlerCalls);
    }

    [Theory]
    [InlineData("Medway")]
    [InlineData("medway_council")]
    [InlineData("-medway")]
    [InlineData("medway--swale")]
    [InlineData("med%20way")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_partnership_id_that_is_not_a_slug_is_404_without_a_lookup(string id)
    {
        using var client = _fixture.App.Client(TestUser.Admin);

        await ProblemAsync(await client.GetAsync($"/api/partnerships/{id}/things"), HttpStatusCode.NotFound);

        Assert.Empty(Probe.Lookups);
        Assert.Empty(Probe.HandlerCalls);
    }

    [Fact]
    public async Task A_caller_from_another_partnership_is_403_and_the_handler_does_not_run()
    {
        using var client = _fixture.App.Client(TestUser.Manager("swale"));

        await ProblemAsync(await client.GetAsync("/api/partnerships/medway/things"), HttpStatusCode.Forbidden);
        await ProblemAsync(await client.PostAsJsonAsync("/api/partnerships/medway/things",
            new { title = "Audit", quantity = 1, priority = "low", items = Array.Empty<object>() }), HttpStatusCode.Forbidden);

        Assert.Empty(Probe.HandlerCalls);
        Assert.Empty(Probe.Stored);
    }

    [Fact]
    public async Task An_anonymous_caller_is_401_before_any_lookup()
    {
        using var client = _fixture.App.Client();

        var response = await client.GetAsync("/api/partnerships/medway/things");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Empty(Probe.Lookups);
        Assert.Empty(Probe.HandlerCalls);
    }

    [Fact]
    public async Task A_token_the_service_does_not_trust_is_401()
    {
        using var client = _fixture.App.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(TestUser.Admin.AsDemoUser()));

        await ProblemAsync(await client.GetAsync("/api/partnerships/medway/things"), HttpStatusCode.Unauthorized);

        Assert.Empty(Probe.HandlerCalls);
    }
}
