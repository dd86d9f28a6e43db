using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>Every kind of bad input the action plan's own rules refuse is a 400 problem that names the field, and nothing is
/// stored or audited. (Bodies that are not JSON, too large or of the wrong content type are refused the same way by every
/// service: the building blocks test those.)</summary>
public class BadInputTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    public static TheoryData<string, string, string> BadActions => new()
    {
        // case, JSON body, field named in the problem
        { "missing title", Without("title"), "title" },
        { "missing due date", Without("dueDate"), "dueDate" },
        { "missing lead agency", Without("leadAgencyId"), "leadAgencyId" },
        { "missing strand", Without("strand"), "strand" },
        { "unknown strand", With("strand", "\"prevention\""), "strand" },
        { "integer strand", With("strand", "2"), "strand" },
        { "date of the wrong type", With("dueDate", "20270331"), "dueDate" },
        { "not a date", With("startDate", "\"31/03/2027\""), "startDate" },
        { "title of the wrong type", With("title", "{\"a\":1}"), "title" },
        { "due before start", With("dueDate", "\"2025-12-31\""), "dueDate" },
        { "oversize title", With("title", $"\"{new string('x', 201)}\""), "title" },
        { "oversize description", With("description", $"\"{new string('x', 4001)}\""), "description" },
        { "script in title", With("title", "\"<script>alert('x')</script>\""), "title" },
        { "markup in description", With("description", "\"<img src=x onerror=alert(1)>\""), "description" },
        { "unknown plan", With("planId", "\"csp-1999\""), "planId" },
        { "priority not in plan", With("priorityId", "\"asb\""), "priorityId" },
        { "area of focus not under priority", With("areaOfFocusId", "\"domestic-abuse\""), "areaOfFocusId" },
        { "lead agency not in partnership", With("leadAgencyId", "\"kent-medway-icb\""), "leadAgencyId" },
        { "supporting agency not in partnership", With("supportingAgencyIds", "[\"nobody\"]"), "supportingAgencyIds[0]" },
        { "milestone before start", With("milestones", "[{\"title\":\"m\",\"dueDate\":\"2025-01-01\"}]"), "milestones[0].dueDate" },
        { "milestone without title", With("milestones", "[{\"dueDate\":\"2026-05-01\"}]"), "milestones[0].title" },
        { "milestone after due", With("milestones", "[{\"title\":\"m\",\"dueDate\":\"2027-04-01\"}]"), "milestones[0].dueDate" },
        { "milestone completed before start", With("milestones", "[{\"title\":\"m\",\"dueDate\":\"2026-05-01\",\"completedOn\":\"2025-12-31\"}]"), "milestones[0].completedOn" },
        { "milestone completed after due", With("milestones", "[{\"title\":\"m\",\"dueDate\":\"2027-03-31\",\"completedOn\":\"2027-04-01\"}]"), "milestones[0].completedOn" },
    };

    [Theory]
    [MemberData(nameof(BadActions))]
    public async Task A_bad_action_is_400_naming_the_field_and_stores_nothing(string @case, string body, string field)
    {
        var (count, audit) = (await host.StoredActionCountAsync(), await host.AuditLengthAsync());
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.PostAsync($"/api/partnerships/{ActionPlanHost.Partnership}/actions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{@case}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(problem!["errors"]?[field] is not null, $"{@case}: expected an error for '{field}' in {problem.ToJsonString()}");
        Assert.Equal(count, await host.StoredActionCountAsync());
        Assert.Equal(audit, await host.AuditLengthAsync());
    }

    [Fact]
    public async Task An_action_in_an_unknown_partnership_is_404()
    {
        using var admin = host.App.Client(TestUser.Admin);
        var response = await admin.PostAsJsonAsync("/api/partnerships/atlantis/actions", ActionPlanHost.ActionBody());
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await host.Redis.SortedSetLengthAsync("actionplan:{atlantis}:actions"));
    }

    [Theory]
    [InlineData("{\"commentary\":\"\"}", "commentary")]
    [InlineData("{\"commentary\":\"ok\",\"progressPercent\":101}", "progressPercent")]
    [InlineData("{\"commentary\":\"ok\",\"status\":\"finished\"}", "status")]
    [InlineData("{\"commentary\":\"<script>x</script>\"}", "commentary")]
    public async Task A_bad_update_is_400_naming_the_field_and_records_nothing(string body, string field)
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var response = await police.PostAsync($"/api/partnerships/{ActionPlanHost.Partnership}/actions/{id}/updates", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]);
        Assert.Empty((await police.GetFromJsonAsync<JsonArray>($"/api/partnerships/{ActionPlanHost.Partnership}/actions/{id}/updates"))!);
    }

    private static string Without(string field)
    {
        var body = ActionPlanHost.ActionBody();
        body.Remove(field);
        return body.ToJsonString();
    }

    private static string With(string field, string rawJson)
    {
        var body = ActionPlanHost.ActionBody();
        body[field] = JsonNode.Parse(rawJson);
        return body.ToJsonString();
    }
}
