using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Api;

/// <summary>Every kind of bad input to the register is a 4xx problem that names the field, and nothing is stored or
/// audited. (Bodies that are not JSON, have the wrong content type or are too large are the building blocks' and tested
/// there once; a field of the wrong type or an unknown enum value is still checked here, by the field it names.)</summary>
public class BadInputTests(RiskHost host) : IClassFixture<RiskHost>
{
    private const string Risks = RiskHost.Risks;

    public static TheoryData<string, string, string> BadRisks => new()
    {
        // case, JSON body, field named in the problem
        { "rating off both axes", With("current", "\"G7\""), "current" },
        { "axes the wrong way round", With("current", "\"3D\""), "current" },
        { "empty rating", With("current", "\"\""), "current" },
        { "impact zero", With("current", "\"D0\""), "current" },
        { "lower-case rating", With("current", "\"d3\""), "current" },
        { "rating of the wrong type", With("current", "43"), "current" },
        { "missing current rating", Without("current"), "current" },
        { "bad inherent rating", With("inherent", "\"Z9\""), "inherent" },
        { "bad target rating", With("target", "\"4x3\""), "target" },
        { "missing rationale", Without("rationale"), "rationale" },
        { "markup in rationale", With("rationale", "\"<script>alert(1)</script>\""), "rationale" },
        { "missing title", Without("title"), "title" },
        { "oversize title", With("title", $"\"{new string('x', 201)}\""), "title" },
        { "script in description", With("summary", "\"<img src=x onerror=alert(1)>\""), "summary" },
        { "oversize cause", With("cause", $"\"{new string('x', 4001)}\""), "cause" },
        { "missing owning agency", Without("owningAgencyId"), "owningAgencyId" },
        { "owning agency not a slug", With("owningAgencyId", "\"Medway Council\""), "owningAgencyId" },
        { "missing owner", Without("owner"), "owner" },
        { "unknown treatment", With("treatment", "\"ignore\""), "treatment" },
        { "integer treatment", With("treatment", "1"), "treatment" },
        { "missing treatment", Without("treatment"), "treatment" },
        { "unknown review frequency", With("reviewFrequency", "\"fortnightly\""), "reviewFrequency" },
        { "register not a slug", With("register", "\"Task Force!\""), "register" },
        { "not a date", With("nextReviewDate", "\"31/03/2027\""), "nextReviewDate" },
    };

    [Theory]
    [MemberData(nameof(BadRisks))]
    public async Task A_bad_risk_is_400_naming_the_field_and_stores_nothing(string @case, string body, string field)
    {
        var (count, audit) = (await host.StoredRiskCountAsync(), await host.AuditLengthAsync());
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.PostAsync(Risks, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{@case}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(problem!["errors"]?[field] is not null, $"{@case}: expected an error for '{field}' in {problem.ToJsonString()}");
        Assert.Equal(count, await host.StoredRiskCountAsync());
        Assert.Equal(audit, await host.AuditLengthAsync());
    }

    [Theory]
    [InlineData("{\"current\":\"G7\",\"rationale\":\"x\"}", "current")]
    [InlineData("{\"current\":\"3D\",\"rationale\":\"x\"}", "current")]
    [InlineData("{\"current\":\"\",\"rationale\":\"x\"}", "current")]
    [InlineData("{\"current\":\"D0\",\"rationale\":\"x\"}", "current")]
    [InlineData("{\"current\":\"D3\"}", "rationale")]
    [InlineData("{\"current\":\"D3\",\"rationale\":\"   \"}", "rationale")]
    [InlineData("{\"current\":\"D3\",\"rationale\":\"ok\",\"target\":\"G7\"}", "target")]
    public async Task A_bad_reassessment_is_400_naming_the_field_and_records_nothing(string body, string field)
    {
        var id = await host.CreateRiskAsync();
        var before = await host.StoredRiskAsync(id);
        using var council = host.App.Client(TestUser.Partner("medway-council"));
        var response = await council.PostAsync($"{Risks}/{id}/assessments", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]);
        Assert.Equal(before, await host.StoredRiskAsync(id));
    }

    [Fact]
    public async Task Revising_ratings_through_the_risk_is_refused_naming_the_field()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var revise = new HttpRequestMessage(HttpMethod.Put, $"{Risks}/{id}") { Content = JsonContent.Create(RiskHost.RiskBody(b => b["current"] = "A1")) };
        revise.Headers.IfMatch.Add((await manager.GetAsync($"{Risks}/{id}")).Headers.ETag!);
        var response = await manager.SendAsync(revise);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["current"]);
    }

    [Fact]
    public async Task A_bad_matrix_is_400_naming_the_field_and_the_default_stays()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var body = new { name = "Broken", ratingFormat = "{likelihood}", likelihood = new { title = "L", levels = new[] { new { code = "A", label = "a" } } },
            impact = new { title = "I", levels = new[] { new { code = "1", label = "one" } } }, bands = new[] { new { id = "red", label = "Red" } },
            cells = new[] { new { likelihood = "A", impact = "1", band = "red", score = 1 } }, tolerance = new { maxBand = "red" } };
        var response = await manager.PutAsJsonAsync($"/api/partnerships/{RiskHost.Partnership}/risk-matrix", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["ratingFormat"]);
        Assert.True((bool)(await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/{RiskHost.Partnership}/risk-matrix"))!["isDefault"]!);
    }

    [Fact]
    public async Task A_mitigation_without_an_action_id_is_400_naming_it()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync($"{Risks}/{id}/mitigations", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["actionId"]);
    }

    [Fact]
    public async Task An_unknown_risk_is_404()
    {
        using var board = host.App.Client(TestUser.Board());
        var response = await board.GetAsync($"{Risks}/999999");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static string Without(string field)
    {
        var body = RiskHost.RiskBody();
        body.Remove(field);
        return body.ToJsonString();
    }

    private static string With(string field, string rawJson)
    {
        var body = RiskHost.RiskBody();
        body[field] = JsonNode.Parse(rawJson);
        return body.ToJsonString();
    }
}
