using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Time;
using Csp.Funding.Storage;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.Funding.Tests.Storage;

/// <summary>
/// The partnership's allocations of one financial year (<c>?year=</c>, and the board's funding position for a year) are
/// read from a year index kept by each allocation's creation, not by reading every year's allocations: the answer equals
/// the whole list filtered by year, for every year, after allocations are added, and for a partnership whose allocations
/// were stored before the index (indexed on its first read).
/// </summary>
public class AllocationYearIndexTests(FundingHost host) : IClassFixture<FundingHost>
{
    private const string ByYear = $"funding:{{{FundingHost.Partnership}}}:allocations:by-year";
    private static readonly string[] Years = ["2023-24", "2024-25", "2025-26"];

    private async Task<List<string>> IdsAsync(string? year)
    {
        using var manager = host.App.Client(TestUser.Manager());
        var list = await manager.GetFromJsonAsync<JsonArray>(FundingHost.Allocations + (year is null ? "" : $"?year={year}"));
        return list!.Select(a => (string)a!["id"]!).ToList();
    }

    private async Task AssertEachYearIsTheWholeListFilteredAsync()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var all = (await manager.GetFromJsonAsync<JsonArray>(FundingHost.Allocations))!;
        foreach (var year in Years.Append("2030-31"))
        {
            var expected = all.Where(a => (string)a!["year"]! == year).Select(a => (string)a!["id"]!).ToList();
            Assert.Equal(expected, await IdsAsync(year));
        }
    }

    [Fact]
    public async Task Each_year_reads_only_its_own_allocations_and_answers_as_the_whole_list_filtered()
    {
        foreach (var (year, i) in Years.Select((y, i) => (y, i)))
            for (var n = 0; n < 2; n++)
            {
                var programme = await host.NewProgrammeAsync($"yr{i}-p{n}", year: year);
                await host.AwardAsync("1000.00", programme: programme);
            }
        await AssertEachYearIsTheWholeListFilteredAsync();
        Assert.Equal(["yr1-p0", "yr1-p1"], await IdsAsync("2024-25"));

        // The index holds each allocation under its year's first calendar year.
        var scored = await host.Redis.SortedSetRangeByScoreWithScoresAsync(ByYear);
        Assert.Equal(6, scored.Length);
        Assert.All(scored, e => Assert.Equal(2023 + int.Parse(((string)e.Element!)[2..3]), (int)e.Score));

        // Stored before the index existed (no index, no marker): the first read by year indexes them, and answers the same.
        await host.Redis.KeyDeleteAsync([ByYear, ByYear + ":built"]);
        Assert.Equal(["yr0-p0", "yr0-p1"], await IdsAsync("2023-24"));
        Assert.Equal("1", (string?)await host.Redis.StringGetAsync(ByYear + ":built"));
        Assert.Equal(6, await host.Redis.SortedSetLengthAsync(ByYear));

        // An allocation created afterwards indexes itself in its own write.
        await host.AwardAsync("1000.00", programme: await host.NewProgrammeAsync("yr2-p2", year: "2025-26"));
        await AssertEachYearIsTheWholeListFilteredAsync();
        Assert.Equal(["yr2-p0", "yr2-p1", "yr2-p2"], await IdsAsync("2025-26"));

        // The store's answer is only that year's documents.
        var store = host.App.Services.GetRequiredService<FundingStore>();
        var read = await store.ListAllocationsAsync(FundingHost.Partnership, new FinancialYear(2024));
        Assert.Equal(["yr1-p0", "yr1-p1"], read.Select(a => a.Value.Id));
    }

    [Fact]
    public async Task A_malformed_year_is_a_400_naming_the_field()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var response = await manager.GetAsync(FundingHost.Allocations + "?year=2024");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["year"]);
    }
}
