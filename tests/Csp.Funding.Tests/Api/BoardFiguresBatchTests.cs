using System.Net;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Api;

/// <summary><c>GET /api/board-figures/funding</c>: many partnerships' allocations in one call, each item answered and
/// authorised exactly as the partnership's own allocations list would (a partner is refused the list, so the item).</summary>
public class BoardFiguresBatchTests(FundingHost host) : IClassFixture<FundingHost>
{
    private const string Batch = "/api/board-figures/funding";

    private static async Task<JsonNode> JsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task A_batch_answers_for_each_partnership_what_its_own_allocations_list_answers()
    {
        await host.AwardAsync();
        await host.AwardAsync("12000.00", "other");
        using var board = host.App.Client(TestUser.With("board.both", "medway-council", "medway:board", "other:board"));

        var items = (await JsonAsync(board, $"{Batch}?partnerships=other,medway"))["items"]!.AsArray();

        Assert.Equal(["other", "medway"], items.Select(i => (string)i!["partnershipId"]!));
        foreach (var item in items)
        {
            var p = (string)item!["partnershipId"]!;
            Assert.Equal(200, (int)item["status"]!);
            var single = await JsonAsync(board, $"/api/partnerships/{p}/funding/allocations");
            Assert.True(JsonNode.DeepEquals(single, item["figures"]!["allocations"]), $"{p}: {single.ToJsonString()}\n{item["figures"]!["allocations"]!.ToJsonString()}");
            Assert.NotEmpty(item["figures"]!["allocations"]!.AsArray());
        }
    }

    [Fact]
    public async Task A_partnership_the_caller_does_not_belong_to_is_a_403_item_with_no_data_and_an_unknown_one_404_while_the_others_are_served()
    {
        using var board = host.App.Client(TestUser.Board());
        var items = (await JsonAsync(board, $"{Batch}?partnerships=other,medway,nowhere"))["items"]!.AsArray();
        Assert.Equal(403, (int)items[0]!["status"]!);
        Assert.Null(items[0]!["figures"]);
        Assert.Equal(200, (int)items[1]!["status"]!);
        Assert.Equal(404, (int)items[2]!["status"]!);
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

    /// <summary>The allocations list's rule per item: the manager, finance and the board read; a partner of the partnership
    /// is refused (they read only their agency's projects), as is anyone from elsewhere.</summary>
    [Fact]
    public async Task The_manager_finance_and_the_board_read_the_allocations_and_a_partner_or_an_outsider_gets_a_403_item()
    {
        foreach (var user in new[] { TestUser.Manager(), TestUser.Board(), FundingHost.FinanceContact, FundingHost.FinanceOfficer, TestUser.Admin })
        {
            using var client = host.App.Client(user);
            Assert.Equal(200, (int)(await JsonAsync(client, $"{Batch}?partnerships=medway"))["items"]![0]!["status"]!);
        }
        foreach (var user in new[] { TestUser.Partner("kent-police"), TestUser.Manager("other"), TestUser.Board("other") })
        {
            using var client = host.App.Client(user);
            var item = (await JsonAsync(client, $"{Batch}?partnerships=medway"))["items"]![0]!;
            Assert.Equal(403, (int)item["status"]!);
            Assert.Null(item["figures"]);
            Assert.Equal(403, (int)item["problem"]!["status"]!);
        }
    }
}
