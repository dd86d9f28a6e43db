using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

/// <summary>
/// The import endpoint's wiring, with small files of the platform's own measurement CSV (header, then one row per KPI and
/// period). The imports' parsers and their sample files have tests of their own (Domain/Imports, Samples/).
/// </summary>
public class ImportApiTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Header = "kpi_code,period,value,numerator,denominator,source,note\n";

    private async Task<HttpResponseMessage> ImportAsync(string csv, TestUser? user = null, string kind = "measurements")
    {
        using var client = host.App.Client(user ?? TestUser.Manager());
        return await client.PostAsJsonAsync($"{KpiHost.Kpis}/imports/{kind}", new { csv });
    }

    private async Task<(string Count, string Rate)> DefineTwoAsync()
    {
        var count = await host.DefineAsync(host.NewCode("asb"));
        var rate = await host.DefineAsync(host.NewCode("violence-rate"), b =>
        {
            b["unit"] = "rate-per1000"; b["denominatorSource"] = "ONS mid-year estimate 2022"; b["baseline"] = null;
            b["target"] = new JsonObject { ["value"] = 20 };
        });
        return (count, rate);
    }

    [Fact]
    public async Task A_good_file_is_recorded_and_the_same_file_twice_changes_nothing()
    {
        var (count, rate) = await DefineTwoAsync();
        var csv = Header + $"{count},2023-Q1,1150,,,Kent Police,\n{count},2023-Q2,980,,,Kent Police,\n{rate},2023-Q1,23.4,6552,280000,Kent Police,\n";
        var first = await ImportAsync(csv);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var report = (await first.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((3, 3, 0, 0), (report["rows"]!.GetValue<int>(), report["recorded"]!.GetValue<int>(), report["revised"]!.GetValue<int>(), report["unchanged"]!.GetValue<int>()));
        var (countLog, rateLog, audit) = (await host.LogLengthAsync(count), await host.LogLengthAsync(rate), await host.AuditLengthAsync());
        Assert.Equal((2, 1), (countLog, rateLog));

        var again = (await (await ImportAsync(csv)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((0, 0, 3), (again["recorded"]!.GetValue<int>(), again["revised"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>()));
        Assert.Equal((countLog, rateLog, audit), (await host.LogLengthAsync(count), await host.LogLengthAsync(rate), await host.AuditLengthAsync()));

        using var board = host.App.Client(TestUser.Board());
        var items = (await board.GetFromJsonAsync<JsonObject>($"{KpiHost.Kpis}/{count}/measurements"))!["items"]!.AsArray();
        Assert.All(items, i => Assert.Equal("imported", i!["provenance"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_changed_value_is_a_revision_and_the_rest_is_left_alone()
    {
        var (count, _) = await DefineTwoAsync();
        await ImportAsync(Header + $"{count},2023-Q1,1150,,,Kent Police,\n{count},2023-Q2,980,,,Kent Police,\n");
        var report = (await (await ImportAsync(Header + $"{count},2023-Q1,1100,,,Kent Police,Corrected\n{count},2023-Q2,980,,,Kent Police,\n")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((0, 1, 1), (report["recorded"]!.GetValue<int>(), report["revised"]!.GetValue<int>(), report["unchanged"]!.GetValue<int>()));
        Assert.Equal(3, await host.LogLengthAsync(count));
    }

    [Fact]
    public async Task Codes_written_in_capitals_are_the_same_KPI()
    {
        var (count, _) = await DefineTwoAsync();
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(Header + $"{count.ToUpperInvariant()},2023-Q1,1150,,,Kent Police,\n")).StatusCode);
        Assert.Equal(1, await host.LogLengthAsync(count));
    }

    [Fact]
    public async Task Every_bad_row_is_reported_with_its_line_and_field_and_nothing_is_stored()
    {
        var (count, rate) = await DefineTwoAsync();
        var csv = Header
            + $"{count},2023-Q1,1150,,,Kent Police,\n"      // line 2: good
            + "no-such-kpi,2023-Q1,5,,,Kent Police,\n"      // line 3: unknown code
            + $"{count},2023-05,5,,,Kent Police,\n"          // line 4: a month for a quarterly KPI
            + $"{rate},2023-Q1,23.4,,,Kent Police,\n"        // line 5: a rate without its denominator
            + $"{count},2023-Q2,-4,,,Kent Police,\n"         // line 6: a negative count
            + $"{count},2023-Q1,1150,,,Kent Police,\n";      // line 7: the same KPI and period again
        var response = await ImportAsync(csv);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["lines[3].kpi_code", "lines[4].period", "lines[5].denominator", "lines[6].value", "lines[7].period"], errors.Select(e => e.Key).Order());
        Assert.Equal((0, 0), (await host.LogLengthAsync(count), await host.LogLengthAsync(rate)));
    }

    [Fact]
    public async Task A_partner_imports_only_their_agencys_KPIs_and_otherwise_nothing_is_stored()
    {
        var (count, _) = await DefineTwoAsync(); // both owned by Kent Police
        var fireOwned = await host.DefineAsync(change: b => b["owningAgencyId"] = "kent-fire-rescue");
        var csv = Header + $"{count},2023-Q1,1150,,,Kent Police,\n{fireOwned},2023-Q1,3,,,KFRS,\n";
        var refused = await ImportAsync(csv, TestUser.Partner("kent-police"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal((0, 0), (await host.LogLengthAsync(count), await host.LogLengthAsync(fireOwned)));
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(Header + $"{count},2023-Q1,1150,,,Kent Police,\n", TestUser.Partner("kent-police"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportAsync(Header + $"{count},2023-Q2,1,,,Kent Police,\n", TestUser.Board())).StatusCode);
    }

    [Fact]
    public async Task An_unknown_kind_or_a_missing_file_names_the_field()
    {
        var unknown = await ImportAsync(Header, kind: "spreadsheet");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("kind"));
        var empty = await ImportAsync("");
        Assert.True((await empty.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("csv"));
        using var manager = host.App.Client(TestUser.Manager());
        var noMap = await manager.PostAsJsonAsync($"{KpiHost.Kpis}/imports/police-recorded-crime", new { csv = "x" });
        var errors = (await noMap.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("cspName") && errors.ContainsKey("kpiCodeByOffenceGroup"));
    }
}
