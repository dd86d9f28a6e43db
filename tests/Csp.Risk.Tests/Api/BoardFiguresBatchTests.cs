using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Api;

/// <summary><c>GET /api/board-figures/risks</c>: many partnerships' heat map, matrix and open risks in one call, each item
/// answered and authorised exactly as the partnership's own endpoints would.</summary>
public class BoardFiguresBatchTests(RiskHost host) : IClassFixture<RiskHost>
{
    private const string Batch = "/api/board-figures/risks";

    private static async Task<JsonNode> JsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static void SameJson(JsonNode? expected, JsonNode? actual, string what) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what}: expected {expected?.ToJsonString()}\nbut the batch said {actual?.ToJsonString()}");

    [Fact]
    public async Task A_batch_answers_for_each_partnership_what_its_own_endpoints_answer()
    {
        await host.CreateRiskAsync();
        await host.CreateRiskAsync(r => { r["title"] = "Funding cut"; r["current"] = "B2"; });
        using (var otherManager = host.App.Client(TestUser.Manager("other")))
            (await otherManager.PostAsJsonAsync("/api/partnerships/other/risks", RiskHost.RiskBody(r => r["owningAgencyId"] = "kent-police"))).EnsureSuccessStatusCode();
        using var board = host.App.Client(TestUser.With("board.both", "medway-council", "medway:board", "other:board"));

        var items = (await JsonAsync(board, $"{Batch}?partnerships=other,medway"))["items"]!.AsArray();

        Assert.Equal(["other", "medway"], items.Select(i => (string)i!["partnershipId"]!));
        foreach (var item in items)
        {
            var p = (string)item!["partnershipId"]!;
            Assert.Equal(200, (int)item["status"]!);
            Assert.Null(item["problem"]);
            SameJson(await JsonAsync(board, $"/api/partnerships/{p}/risks/heat-map"), item["figures"]!["heatMap"], $"{p} heat map");
            SameJson(await JsonAsync(board, $"/api/partnerships/{p}/risk-matrix"), item["figures"]!["matrix"], $"{p} matrix");
            SameJson(await JsonAsync(board, $"/api/partnerships/{p}/risks?pageSize=200"), item["figures"]!["risks"], $"{p} risks");
        }
        Assert.True(items[1]!["figures"]!["risks"]!["total"]!.GetValue<int>() >= 2);
    }

    [Fact]
    public async Task A_partnership_the_caller_does_not_belong_to_is_a_403_item_with_no_data_and_an_unknown_one_404_while_the_others_are_served()
    {
        await host.CreateRiskAsync();
        using var board = host.App.Client(TestUser.Board());

        var items = (await JsonAsync(board, $"{Batch}?partnerships=other,medway,nowhere"))["items"]!.AsArray();

        Assert.Equal(403, (int)items[0]!["status"]!);
        Assert.Null(items[0]!["figures"]);
        Assert.Equal(403, (int)items[0]!["problem"]!["status"]!);
        Assert.Equal(200, (int)items[1]!["status"]!);
        Assert.NotNull(items[1]!["figures"]!["heatMap"]);
        Assert.Equal(404, (int)items[2]!["status"]!);
        Assert.Null(items[2]!["figures"]);
        Assert.Contains("nowhere", (string)items[2]!["problem"]!["title"]!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("medway,,other")]
    [InlineData("medway, ")]
    [InlineData("medway,medway")]
    [InlineData("Medway!")]
    [InlineData("51")]
    public async Task A_bad_partnership_list_is_a_400_naming_partnerships(string partnerships)
    {
        if (partnerships == "51") partnerships = string.Join(",", Enumerable.Range(0, 51).Select(i => $"p{i}"));
        using var board = host.App.Client(TestUser.Board());
        using var response = await board.GetAsync($"{Batch}?partnerships={partnerships}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]!["partnerships"]);
    }

    [Fact]
    public async Task Fifty_partnerships_are_accepted_and_unauthenticated_callers_get_401()
    {
        using var board = host.App.Client(TestUser.Board());
        var items = (await JsonAsync(board, $"{Batch}?partnerships=" + string.Join(",", Enumerable.Range(0, 49).Select(i => $"p{i}").Prepend("medway"))))["items"]!.AsArray();
        Assert.Equal(50, items.Count);
        Assert.Equal(200, (int)items[0]!["status"]!);
        Assert.All(items.Skip(1), i => Assert.Equal(404, (int)i!["status"]!));

        using var anonymous = host.App.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"{Batch}?partnerships=medway")).StatusCode);
    }

    /// <summary>The single endpoints' rule (any member of the partnership reads the register) holds per item.</summary>
    [Fact]
    public async Task Every_member_role_reads_its_partnership_and_a_role_elsewhere_is_refused()
    {
        foreach (var user in new[] { TestUser.Manager(), TestUser.Board(), TestUser.Partner("kent-police"), TestUser.With("finance", null, "medway:finance") })
        {
            using var client = host.App.Client(user);
            var item = (await JsonAsync(client, $"{Batch}?partnerships=medway"))["items"]![0]!;
            Assert.Equal(200, (int)item["status"]!);
        }
        foreach (var user in new[] { TestUser.Manager("other"), TestUser.Board("other"), TestUser.Partner("kent-police", "other") })
        {
            using var client = host.App.Client(user);
            var item = (await JsonAsync(client, $"{Batch}?partnerships=medway"))["items"]![0]!;
            Assert.Equal(403, (int)item["status"]!);
            Assert.Null(item["figures"]);
        }
    }
}
