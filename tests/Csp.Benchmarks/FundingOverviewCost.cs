// The funding service's view across partnerships (GET /api/funders/{f}/overview) with 300 partnerships, each with a
// realistic year (confirmed, two-thirds/one-third schedule, nine approved projects linked to actions, a tranche released,
// nine spend entries, four returns): latency over loopback HTTP on real Redis, and the sizes of what is stored and read.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Globalization;
using Csp.BuildingBlocks.Time;
using Csp.Funding;
using Csp.Funding.Commands;
using Csp.Funding.Domain;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

internal static class FundingOverviewCost
{
    public static async Task<string> RunAsync(int partnerships = 300, int measured = 50)
    {
        var db = RedisServer.Instance.TakeDatabase();
        var redis = RedisServer.Instance.Connection.GetDatabase(db);
        var settings = TestRedis.ServiceSettings(db);
        settings["Logging:LogLevel:Default"] = "Warning";
        await using var funding = await RunningApp.StartAsync(FundingApp.Build, settings);
        var finance = new TestUser("tom.fletcher", "Tom Fletcher", ["*:finance"], "kent-pcc-office") { Funders = ["kent-pcc"] };
        using (var admin = funding.Client(TestUser.Admin))
            (await admin.PostAsJsonAsync("/api/funders", new { id = "kent-pcc", name = "Kent PCC" })).EnsureSuccessStatusCode();
        using var client = funding.Client(finance);
        (await client.PostAsJsonAsync("/api/funders/kent-pcc/programmes", new { id = "crg", title = "Crime Reduction Grant", year = "2024-25", pot = "99999999.00" })).EnsureSuccessStatusCode();
        using (var scope = funding.Services.CreateScope())
        {
            var commands = scope.ServiceProvider.GetRequiredService<FundingCommands>();
            for (var i = 0; i < partnerships; i++)
                await commands.SeedAllocationAsync($"csp-{i:000}", "crg", Money.Pounds(30_000 + i), null, null, RealisticYear);
        }
        long stored = 0, summaries = 0;
        for (var i = 0; i < partnerships; i++)
        {
            stored += ((string?)await redis.HashGetAsync($"funding:{{csp-{i:000}}}:allocation:crg", "data"))?.Length ?? 0;
            summaries += await redis.StringLengthAsync($"funding:{{csp-{i:000}}}:allocation:crg:summary");
        }

        (await client.GetAsync("/api/funders/kent-pcc/overview?programme=crg")).EnsureSuccessStatusCode();
        var times = new List<double>();
        for (var i = 0; i < measured; i++)
        {
            var watch = Stopwatch.StartNew();
            (await client.GetAsync("/api/funders/kent-pcc/overview?programme=crg&sort=-spent-against-profile")).EnsureSuccessStatusCode();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var csv = Stopwatch.StartNew();
        (await client.GetAsync("/api/funders/kent-pcc/overview.csv?programme=crg")).EnsureSuccessStatusCode();
        return string.Create(CultureInfo.InvariantCulture,
            $"Funding overview, {partnerships} partnerships (allocation documents {stored / partnerships} bytes, summaries read {summaries / partnerships} bytes, each): p50 {times[measured / 2]:0.0} ms, p95 {times[measured * 95 / 100]:0.0} ms, max {times[^1]:0.0} ms over {measured} calls; CSV {csv.Elapsed.TotalMilliseconds:0.0} ms");
    }

    private static Allocation RealisticYear(Allocation a, List<SpendEntry> spend)
    {
        var at = new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero);
        a = FundingCommands.Must(a.Confirm(new DateOnly(2024, 2, 6), "PCP", "tom", at), "confirm");
        a = FundingCommands.Must(a.SetSchedule(ScheduleTemplates.Apply(ScheduleTemplates.All["two-thirds-then-one-third"], a.Awarded, a.Year)), "schedule");
        for (var p = 1; p <= 9; p++)
        {
            a = FundingCommands.Must(a.SubmitProject(new ProjectDetails($"Project {p}", "kent-police", Money.Pounds(3_000), [p], ["Referrals", "Sessions", "Satisfaction"]),
                [new LinkedAction(p, $"Action {p}", false, p == 3)], "sam", at, out _), "project");
            a = FundingCommands.Must(a.ApproveProject(p, "tom", at), "approve");
        }
        a = FundingCommands.Must(a.ReleaseTranche(1, new DateOnly(2024, 5, 1), "tom"), "release");
        for (var p = 1; p <= 9; p++)
        {
            a = FundingCommands.Must(a.RecordSpend(new SpendDetails(p, new DateOnly(2024, 6, p), Money.Pounds(1_000 + p), "Invoice", $"INV-{p}", null), null, Money.Zero, "sam", at, out var e), "spend");
            spend.Add(e);
        }
        for (var q = 1; q <= 4; q++)
            a = FundingCommands.Must(a.SubmitReturn(new ReturnDetails(new FinancialQuarter(2024, q), Enumerable.Range(1, 9).Select(p => new ReturnSpendLine(p, Money.Pounds(1_000))).ToList(),
                "Progress as planned across all nine projects.", [new MeasureValue(1, "Referrals", "12")], a.Awarded - Money.Pounds(500)), "sam", at, new DateOnly(2024, 7, 1)), "return");
        return a;
    }
}
