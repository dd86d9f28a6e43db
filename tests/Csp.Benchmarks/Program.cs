// `make bench`: the action-plan API direct, through bare YARP and through our gateway, with what each piece of the
// gateway costs (GatewayCost.cs); then the cost of a risk reassessment with 10 and with 2,000 assessments already made
// (ReassessmentCost.cs), the KPI scorecard and derived-KPI latencies (KpiCost.cs) and the funding overview.
// Bounded: a fixed number of requests per run and a time cap.
// Usage: dotnet run -c Release -- [requests] | gateway [requests] | kpi | funding-overview | reassessment
using Csp.TestSupport;

if (args.Contains("gateway"))
{
    // Only the gateway against bare YARP and direct: dotnet run -c Release --project tests/Csp.Benchmarks -- gateway [requests]
    var perRun = args.Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(n => n > 0, 2000);
    Console.WriteLine(await GatewayCost.RunAsync(perRun));
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("kpi"))
{
    // Only the KPI service's figures: dotnet run -c Release --project tests/Csp.Benchmarks -- kpi
    Console.WriteLine(await KpiCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("funding-overview"))
{
    // Only the funding overview across 300 partnerships: dotnet run -c Release -- funding-overview
    Console.WriteLine(await FundingOverviewCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("writes"))
{
    // Only the action update cost, old write path and new, same run: dotnet run -c Release -- writes [requests]
    Console.WriteLine(args.SkipWhile(a => a != "writes").Skip(1).FirstOrDefault() is { } w && int.TryParse(w, out var wn) ? await WriteCost.RunAsync(wn) : await WriteCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("lists"))
{
    // Only the filtered action list, 200 vs 2,000 actions, scan vs indexes: dotnet run -c Release -- lists
    Console.WriteLine(await ListCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("startup"))
{
    // Only start-up time and idle memory of the six processes: dotnet run -c Release -- startup (StartupCost.cs)
    Console.WriteLine(await StartupCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("portal"))
{
    // Only the portal's figures (dashboard, packs, 300 partnerships' packs, LCP): dotnet run -c Release -- portal
    Console.WriteLine(await PortalCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("reassessment"))
{
    // Only the risk reassessment cost: dotnet run -c Release -- reassessment
    Console.WriteLine(await ReassessmentCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

// The action-plan API direct, through bare YARP and through our gateway, with the attribution of the gateway's cost
// (GatewayCost.cs). A number among the arguments is the requests per run.
var requests = args.Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(n => n > 0, 2000);
Console.WriteLine(await GatewayCost.RunAsync(requests));
Console.WriteLine();
Console.WriteLine(await ReassessmentCost.RunAsync());
Console.WriteLine();
Console.WriteLine(await KpiCost.RunAsync());
Console.WriteLine(await FundingOverviewCost.RunAsync());
Console.WriteLine(await WriteCost.RunAsync());
Console.WriteLine(await ListCost.RunAsync());
Console.WriteLine(await StartupCost.RunAsync());
Console.WriteLine(await PortalCost.RunAsync());
await RedisServer.Instance.DisposeAsync();

