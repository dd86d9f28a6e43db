using System.Net;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

/// <summary><c>GET /api/board-figures/kpis</c>: many partnerships' scorecards in one call (latest, or as at a period), each
/// item answered and authorised exactly as the partnership's own scorecard would.</summary>
public class BoardFiguresBatchTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Batch = "/api/board-figures/kpis";

    private static async Task<JsonNode> JsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static void SameJson(JsonNode? expected, JsonNode? actual, string what) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what}: expected {expected?.ToJsonString()}\nbut the batch said {actual?.ToJsonString()}");

    [Theory]
    [InlineData(null)]
    [InlineData("2023-Q1")]
    [InlineData("2023-24")]
    public async Task A_batch_answers_for_each_partnership_what_its_own_scorecard_answers(string? period)
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2022-Q4", 1050);
        await host.RecordAsync(code, "2023-Q1", 980);
        await host.RecordAsync(code, "2023-Q2", 1200);
        using var board = host.App.Client(TestUser.With("board.both", "medway-council", "medway:board", "other:board"));
        var query = period is null ? "" : "&period=" + period;

        var items = (await JsonAsync(board, $"{Batch}?partnerships=medway,other{query}"))["items"]!.AsArray();

        Assert.Equal(["medway", "other"], items.Select(i => (string)i!["partnershipId"]!));
        foreach (var item in items)
        {
            var p = (string)item!["partnershipId"]!;
            Assert.Equal(200, (int)item["status"]!);
            SameJson(await JsonAsync(board, $"/api/partnerships/{p}/kpis/scorecard" + (period is null ? "" : "?period=" + period)), item["figures"]!["scorecard"], $"{p} scorecard {period}");
        }
        Assert.Contains(code, items[0]!["figures"]!["scorecard"]!.ToJsonString());
    }

    [Fact]
    public async Task A_partnership_the_caller_does_not_belong_to_is_a_403_item_with_no_data_and_an_unknown_one_404_while_the_others_are_served()
    {
        using var board = host.App.Client(TestUser.Board());
        var items = (await JsonAsync(board, $"{Batch}?partnerships=other,medway,nowhere&period=2023-Q1"))["items"]!.AsArray();
        Assert.Equal(403, (int)items[0]!["status"]!);
        Assert.Null(items[0]!["figures"]);
        Assert.Equal(403, (int)items[0]!["problem"]!["status"]!);
        Assert.Equal(200, (int)items[1]!["status"]!);
        Assert.NotNull(items[1]!["figures"]!["scorecard"]!["priorities"]);
        Assert.Equal(404, (int)items[2]!["status"]!);
    }

    [Theory]
    [InlineData("partnerships=", "partnerships")]
    [InlineData("partnerships=medway,,other", "partnerships")]
    [InlineData("partnerships=medway,medway", "partnerships")]
    [InlineData("partnerships=Medway!", "partnerships")]
    [InlineData("partnerships=51", "partnerships")]
    [InlineData("partnerships=medway&period=2023-Q5", "period")]
    [InlineData("partnerships=medway&period=soon", "period")]
    public async Task Bad_input_is_a_400_naming_the_field(string query, string field)
    {
        if (query == "partnerships=51") query = "partnerships=" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"p{i}"));
        using var board = host.App.Client(TestUser.Board());
        using var response = await board.GetAsync($"{Batch}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
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
        foreach (var user in new[] { TestUser.Manager("other"), TestUser.Board("other"), TestUser.Partner("kent-police", "other") })
        {
            using var client = host.App.Client(user);
            var item = (await JsonAsync(client, $"{Batch}?partnerships=medway"))["items"]![0]!;
            Assert.Equal(403, (int)item["status"]!);
            Assert.Null(item["figures"]);
        }
    }
}
