using System.Net;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

/// <summary><c>GET /api/board-figures/action-plan</c>: many partnerships' partnership, plans and actions in one call, each item
/// answered and authorised exactly as the partnership's own endpoints would.</summary>
public class BoardFiguresBatchTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Batch = "/api/board-figures/action-plan";

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
        for (var i = 0; i < 3; i++) await host.CreateActionAsync(a => a["title"] = $"Batch action {i}");
        using var board = host.App.Client(TestUser.With("board.both", "medway-council", "medway:board", "other:board"));

        var items = (await JsonAsync(board, $"{Batch}?partnerships=medway,other"))["items"]!.AsArray();

        Assert.Equal(["medway", "other"], items.Select(i => (string)i!["partnershipId"]!));
        foreach (var item in items)
        {
            var p = (string)item!["partnershipId"]!;
            Assert.Equal(200, (int)item["status"]!);
            SameJson(await JsonAsync(board, $"/api/partnerships/{p}"), item["figures"]!["partnership"], $"{p} partnership");
            SameJson(await JsonAsync(board, $"/api/partnerships/{p}/plans"), item["figures"]!["plans"], $"{p} plans");
            // Every page of the list, as the portal reads it.
            var pages = new JsonArray();
            for (var page = 1; ; page++)
            {
                var result = await JsonAsync(board, $"/api/partnerships/{p}/actions?pageSize=2&page={page}");
                foreach (var a in result["items"]!.AsArray()) pages.Add(a!.DeepClone());
                if (pages.Count >= (int)result["total"]! || result["items"]!.AsArray().Count == 0) break;
            }
            SameJson(pages, item["figures"]!["actions"], $"{p} actions");
        }
        Assert.True(items[0]!["figures"]!["actions"]!.AsArray().Count >= 3);
    }

    [Fact]
    public async Task A_partnership_the_caller_does_not_belong_to_is_a_403_item_with_no_data_and_an_unknown_one_404_while_the_others_are_served()
    {
        using var partner = host.App.Client(TestUser.Partner("kent-police"));
        var items = (await JsonAsync(partner, $"{Batch}?partnerships=other,medway,nowhere"))["items"]!.AsArray();
        Assert.Equal(403, (int)items[0]!["status"]!);
        Assert.Null(items[0]!["figures"]);
        Assert.Equal(403, (int)items[0]!["problem"]!["status"]!);
        Assert.Equal(200, (int)items[1]!["status"]!);
        Assert.Equal("medway", (string)items[1]!["figures"]!["partnership"]!["id"]!);
        Assert.Equal(404, (int)items[2]!["status"]!);
        Assert.Null(items[2]!["figures"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("medway,,other")]
    [InlineData("medway,medway")]
    [InlineData("Medway!")]
    [InlineData("51")]
    public async Task A_bad_partnership_list_is_a_400_naming_partnerships(string partnerships)
    {
        if (partnerships == "51") partnerships = string.Join(",", Enumerable.Range(0, 51).Select(i => $"p{i}"));
        using var board = host.App.Client(TestUser.Board());
        using var response = await board.GetAsync($"{Batch}?partnerships={partnerships}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["partnerships"]);
    }

    [Fact]
    public async Task Unauthenticated_callers_get_401()
    {
        using var anonymous = host.App.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"{Batch}?partnerships=medway")).StatusCode);
    }

    [Fact]
    public async Task Every_member_role_reads_its_partnership_and_a_role_elsewhere_is_refused()
    {
        foreach (var user in new[] { TestUser.Manager(), TestUser.Board(), TestUser.Partner("kent-police"), TestUser.With("finance", null, "medway:finance"), TestUser.Admin })
        {
            using var client = host.App.Client(user);
            Assert.Equal(200, (int)(await JsonAsync(client, $"{Batch}?partnerships=medway"))["items"]![0]!["status"]!);
        }
        foreach (var user in new[] { TestUser.Manager("other"), TestUser.Board("other") })
        {
            using var client = host.App.Client(user);
            var item = (await JsonAsync(client, $"{Batch}?partnerships=medway"))["items"]![0]!;
            Assert.Equal(403, (int)item["status"]!);
            Assert.Null(item["figures"]);
        }
    }
}
