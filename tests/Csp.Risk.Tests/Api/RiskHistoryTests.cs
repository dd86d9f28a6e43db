using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Time;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.Risk.Tests.Api;

/// <summary>Assessments live beside the risk: a reassessment costs the same however long the history, the history and the
/// register are read a page at a time, and risks stored with their history inside are migrated on first read.</summary>
public class RiskHistoryTests(RiskHost host) : IClassFixture<RiskHost>
{
    private const string Risks = RiskHost.Risks;

    private static object Reassessment(string current, string rationale, string? nextReviewDate = null) =>
        nextReviewDate is null ? new { current, rationale } : new { current, rationale, nextReviewDate };

    private DateOnly Today => UkTime.Today(host.App.Services.GetRequiredService<TimeProvider>());

    [Fact]
    public async Task A_reassessment_does_not_grow_the_risk_document_or_its_audit_entry_with_the_history()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        async Task ReassessAsync(int i) =>
            (await manager.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment(i % 2 == 0 ? "D3" : "C3", $"Review {i % 2}"))).EnsureSuccessStatusCode();
        async Task<(int Document, int Audit)> SizesAsync()
        {
            var audit = await host.Redis.StreamRangeAsync($"risk:{{medway}}:audit:risk:{id}", "-", "+", 1, StackExchange.Redis.Order.Descending);
            return ((await host.StoredRiskAsync(id)).Length, ((string)audit[0]["before"]!).Length + ((string)audit[0]["after"]!).Length);
        }

        for (var i = 0; i < 4; i++) await ReassessAsync(i);
        var early = await SizesAsync();
        for (var i = 4; i < 60; i++) await ReassessAsync(i);
        var late = await SizesAsync();

        // Only the assessment number's digits may differ ("5" → "61").
        Assert.InRange(late.Document - early.Document, 0, 4);
        Assert.InRange(late.Audit - early.Audit, 0, 8);
        Assert.DoesNotContain("\"assessments\"", await host.StoredRiskAsync(id));
        Assert.Equal(61, await host.Redis.SortedSetLengthAsync($"risk:{{medway}}:risk:{id}:assessments"));
    }

    [Fact]
    public async Task The_assessment_history_is_read_a_page_at_a_time_oldest_first()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        for (var i = 2; i <= 12; i++)
            (await manager.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment("D3", $"Review number {i}"))).EnsureSuccessStatusCode();

        var page = (await manager.GetFromJsonAsync<JsonObject>($"{Risks}/{id}/assessments?page=2&pageSize=5"))!;

        Assert.Equal(12, (int)page["total"]!);
        Assert.Equal(2, (int)page["page"]!);
        Assert.Equal(5, (int)page["pageSize"]!);
        Assert.Equal([6, 7, 8, 9, 10], page["assessments"]!.AsArray().Select(a => (int)a!["number"]!).ToArray());
        Assert.Equal("Review number 6", (string?)page["assessments"]![0]!["rationale"]);
        var last = (await manager.GetFromJsonAsync<JsonObject>($"{Risks}/{id}/assessments?page=3&pageSize=5"))!;
        Assert.Equal([11, 12], last["assessments"]!.AsArray().Select(a => (int)a!["number"]!).ToArray());
        var first = (await manager.GetFromJsonAsync<JsonObject>($"{Risks}/{id}/assessments"))!;
        Assert.Equal(12, first["assessments"]!.AsArray().Count); // default page size 25
    }

    [Fact]
    public async Task The_register_is_read_a_page_at_a_time()
    {
        for (var i = 0; i < 3; i++) await host.CreateRiskAsync(b => b["register"] = "paged");
        using var board = host.App.Client(TestUser.Board());

        var page = (await board.GetFromJsonAsync<JsonObject>($"{Risks}?register=paged&page=2&pageSize=2"))!;

        Assert.Equal(3, (int)page["total"]!);
        Assert.Single(page["items"]!.AsArray());
        Assert.Equal(2, (int)page["page"]!);
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=x", "page")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=201", "pageSize")]
    public async Task Bad_paging_is_400_naming_the_parameter(string query, string field)
    {
        var id = await host.CreateRiskAsync();
        using var board = host.App.Client(TestUser.Board());

        foreach (var path in new[] { $"{Risks}{query}", $"{Risks}/{id}/assessments{query}" })
        {
            var response = await board.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]);
        }
    }

    [Fact]
    public async Task A_partner_cannot_push_the_next_review_beyond_one_review_period_but_the_manager_can()
    {
        var id = await host.CreateRiskAsync(); // quarterly, owned by Medway Council
        using var partner = host.App.Client(TestUser.Partner("medway-council"));
        using var manager = host.App.Client(TestUser.Manager());
        var limit = Today.AddMonths(3);
        var count = await host.Redis.SortedSetLengthAsync($"risk:{{medway}}:risk:{id}:assessments");

        var tooFar = await partner.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment("D3", "Parked.", limit.AddDays(1).ToString("yyyy-MM-dd")));
        Assert.Equal(HttpStatusCode.BadRequest, tooFar.StatusCode);
        Assert.NotNull((await tooFar.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["nextReviewDate"]);
        Assert.Equal(count, await host.Redis.SortedSetLengthAsync($"risk:{{medway}}:risk:{id}:assessments"));

        var atTheLimit = await partner.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment("D3", "Reviewed.", limit.ToString("yyyy-MM-dd")));
        Assert.Equal(HttpStatusCode.Created, atTheLimit.StatusCode);
        Assert.Equal(limit.ToString("yyyy-MM-dd"), (string?)(await atTheLimit.Content.ReadFromJsonAsync<JsonObject>())!["nextReviewDate"]);

        var managers = await manager.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment("D3", "Board agreed a longer review.", Today.AddYears(1).ToString("yyyy-MM-dd")));
        Assert.Equal(HttpStatusCode.Created, managers.StatusCode);
    }

    [Fact]
    public async Task A_reassessment_retried_with_its_key_is_recorded_once()
    {
        var id = await host.CreateRiskAsync();
        using var partner = host.App.Client(TestUser.Partner("medway-council"));
        HttpRequestMessage Post() => new(HttpMethod.Post, $"{Risks}/{id}/assessments")
        {
            Content = JsonContent.Create(Reassessment("E3", "Controls working.")),
            Headers = { { "Idempotency-Key", $"reassess-{id}" } },
        };

        var first = await partner.SendAsync(Post());
        var again = await partner.SendAsync(Post());

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(2, await host.Redis.SortedSetLengthAsync($"risk:{{medway}}:risk:{id}:assessments"));
    }

    [Fact]
    public async Task A_risk_stored_with_its_history_inside_is_migrated_on_first_read_keeping_its_version()
    {
        const long id = 9001;
        var legacy = JsonNode.Parse(RepoPaths.ReadText("tests", "Csp.Risk.Tests", "Storage", "StoredDocuments", "risk-v1.json"))!;
        legacy["id"] = id;
        legacy["mitigations"] = new JsonArray();
        var key = $"risk:{{medway}}:risk:{id}";
        await host.Redis.HashSetAsync(key, [new("data", legacy.ToJsonString()), new("version", 4)]);
        await host.Redis.SortedSetAddAsync("risk:{medway}:risks", id, id);
        using var manager = host.App.Client(TestUser.Manager());

        var read = await manager.GetAsync($"{Risks}/{id}");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"4\"", read.Headers.ETag?.Tag); // same content, same version
        var view = (await read.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(3, (int)view["assessmentCount"]!);
        Assert.Equal("improving", (string?)view["directionOfTravel"]);
        var stored = JsonNode.Parse(await host.StoredRiskAsync(id))!;
        Assert.Null(stored["assessments"]);
        Assert.Equal(3, (int)stored["latest"]!["number"]!);
        var history = (await manager.GetFromJsonAsync<JsonObject>($"{Risks}/{id}/assessments"))!;
        Assert.Equal(["D2", "D2", "E2"], history["assessments"]!.AsArray().Select(a => (string)a!["current"]!["rating"]!).ToArray());

        // The next write builds on the migrated history.
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Risks}/{id}/assessments") { Content = JsonContent.Create(Reassessment("D3", "Worse again.")) };
        request.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.Created, (await manager.SendAsync(request)).StatusCode);
        Assert.Equal(4, await host.Redis.SortedSetLengthAsync($"{key}:assessments"));
        Assert.Equal("5", (string?)await host.Redis.HashGetAsync(key, "version"));
    }

    [Fact]
    public async Task If_Match_on_a_matrix_not_stored_yet_is_412_and_loads_nothing()
    {
        await host.AnnouncePartnershipAsync("nomatrix", 1, "medway-council");
        using var manager = host.App.Client(TestUser.Manager("nomatrix"));
        var current = (await manager.GetFromJsonAsync<JsonObject>("/api/partnerships/nomatrix/risk-matrix"))!;
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/partnerships/nomatrix/risk-matrix") { Content = JsonContent.Create(current["matrix"]) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await manager.SendAsync(request)).StatusCode);
        Assert.False(await host.Redis.KeyExistsAsync("risk:{nomatrix}:matrix"));
    }

    [Fact]
    public async Task A_partnership_listed_before_its_first_write_committed_counts_as_an_empty_register()
    {
        // The list of partnerships is written before a partnership's first transaction (another Redis Cluster slot);
        // if that transaction never commits, the member has no documents, and readers take it as empty.
        await host.Redis.SetAddAsync("risk:partnerships", "ghost");

        var metrics = await host.App.Management().GetStringAsync("/metrics");

        Assert.Contains("csp_risks_above_tolerance{partnership=\"ghost\"} 0", metrics);
    }
}
