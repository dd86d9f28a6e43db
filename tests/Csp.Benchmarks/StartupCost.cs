// Start-up time and idle memory of the six processes (issue 12 point 4): each published in Release and started as a real
// OS process (`dotnet <dll>`) against a private redis-server, with its demo data and free ports, in `make run`'s order
// (action plan, risk, funding, KPI, gateway, portal), one at a time. Per process it prints the time from process start to
// the first 200 of /healthz/ready (polled every 20 ms), the RSS right after ready, and after ~10 s idle the RSS
// (/proc/<pid>/status VmRSS) and the managed heap (dotnet_total_memory_bytes on the management port's /metrics).
//
// The same published output is started under several runtime settings in the same run, so each choice is a ratio against
// the old default (Server GC, as the Web SDK sets it) measured minutes apart on the same load. The environment variables
// override the runtimeconfig.json the build wrote, so the "before" rows stay measurable after the defaults change.
// ReadyToRun needs its own publish (the runtime pack and crossgen2 come from NuGet); it is a separate build of the same
// sources. Usage: dotnet run -c Release --project tests/Csp.Benchmarks -- startup
//   CSP_STARTUP_VARIANTS=name,name  only those variants (names as printed; "none": skip this part of `make bench`);
//   CSP_STARTUP_IDLE=10  idle seconds; CSP_STARTUP_REUSE=1  start what an earlier run published (no publish).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Csp.TestSupport;

public static class StartupCost
{
    private sealed record Part(string Name, string ProjectDirectory);

    /// <summary>A way of starting the same services: which build, and which runtime knobs in the environment.</summary>
    private sealed record Variant(string Name, string Build, IReadOnlyDictionary<string, string> Environment, string What);

    private sealed record Measured(string Part, double ReadyMs, double RssAtReadyMb, double IdleRssMb, double IdleAnonMb, double IdleFileMb, double IdleShmemMb,
        double IdleHeapMb, int Threads, IReadOnlyList<(string Mapping, double Mb)> Top);

    private static readonly Part[] Parts =
    [
        new("actionplan", "services/ActionPlan/Csp.ActionPlan"),
        new("risk", "services/Risk/Csp.Risk"),
        new("funding", "services/Funding/Csp.Funding"),
        new("kpi", "services/Kpi/Csp.Kpi"),
        new("gateway", "gateway/Csp.Gateway"),
        new("portal", "portal/Csp.Portal"),
    ];

    /// <summary>Runtime knobs a variant may set; every other variant starts its processes with these removed, so the
    /// bench's own environment (e.g. DOTNET_gcServer=1 for a throughput run) does not leak into them.</summary>
    private static readonly string[] Knobs =
    [
        "DOTNET_gcServer", "DOTNET_gcConcurrent", "DOTNET_GCHeapCount", "DOTNET_GCHeapAffinitizeMask", "DOTNET_GCConserveMemory",
        "DOTNET_GCDynamicAdaptationMode", "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops", "DOTNET_ReadyToRun", "DOTNET_TieredCompilation",
        "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "DOTNET_EnableWriteXorExecute", "DOTNET_GCgen0size", "DOTNET_TC_BackgroundWorkerTimeoutMs",
    ];

    /// <summary>The defaults before issue 12 point 4's memory work (workstation GC, concurrent, dynamic PGO on), set
    /// explicitly so the "before" row and every one-setting variant stay the same whatever runtimeconfig.json now says.</summary>
    private static readonly Dictionary<string, string> Before = new()
    {
        ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_TieredPGO"] = "1",
    };

    private static Dictionary<string, string> BeforeWith(params (string Key, string Value)[] changes)
    {
        var environment = new Dictionary<string, string>(Before);
        foreach (var (k, v) in changes) environment[k] = v;
        return environment;
    }

    private static readonly Variant[] Variants =
    [
        new("server-gc", "jit", BeforeWith(("DOTNET_gcServer", "1")), "Server GC (the Web SDK's default: the setting before session 8)"),
        new("server-gc-1heap", "jit", BeforeWith(("DOTNET_gcServer", "1"), ("DOTNET_GCHeapCount", "1"), ("DOTNET_GCHeapAffinitizeMask", "1")), "Server GC, one heap pinned to core 0"),
        new("before", "jit", BeforeWith(), "workstation GC, concurrent, TieredPGO on (the defaults before this change)"),
        new("as-built", "jit", new Dictionary<string, string>(), "as built (runtimeconfig.json from Directory.Build.props)"),
        new("wks-conserve", "jit", BeforeWith(("DOTNET_GCConserveMemory", "5")), "before + GCConserveMemory=5"),
        new("wks-no-pgo", "jit", BeforeWith(("DOTNET_TieredPGO", "0")), "before + TieredPGO off"),
        new("wks-non-conc", "jit", BeforeWith(("DOTNET_gcConcurrent", "0")), "before + concurrent GC off (no background GC thread)"),
        new("wks-gen0-2m", "jit", BeforeWith(("DOTNET_GCgen0size", "200000")), "before + GCgen0size 2 MiB (hex 200000)"),
        new("wks-no-qjfl", "jit", BeforeWith(("DOTNET_TC_QuickJitForLoops", "0")), "before + QuickJitForLoops off (loops jitted optimised at once)"),
        new("wks-tc-bg0", "jit", BeforeWith(("DOTNET_TC_BackgroundWorkerTimeoutMs", "0")), "before + tiering worker exits at once when idle"),
        new("wks-no-wx", "jit", BeforeWith(("DOTNET_EnableWriteXorExecute", "0")), "before + W^X off: measured only, NOT adoptable (security hardening)"),
        new("wks-invariant", "jit", BeforeWith(("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")), "before + no ICU: measured only (en-GB is needed: GetCultureInfo throws)"),
        new("lean", "jit", BeforeWith(("DOTNET_TieredPGO", "0"), ("DOTNET_gcConcurrent", "0")), "TieredPGO off + concurrent GC off (the chosen defaults, by environment)"),
        new("wks-r2r", "r2r", BeforeWith(), "before, ReadyToRun publish"),
        new("lean-r2r", "r2r", BeforeWith(("DOTNET_TieredPGO", "0"), ("DOTNET_gcConcurrent", "0")), "lean, ReadyToRun publish"),
    ];

    public static async Task<string> RunAsync()
    {
        var idle = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("CSP_STARTUP_IDLE") ?? "10", CultureInfo.InvariantCulture));
        var only = (Environment.GetEnvironmentVariable("CSP_STARTUP_VARIANTS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var variants = Variants.Where(v => only.Length == 0 || only.Contains(v.Name)).ToList();
        if (variants.Count == 0) return "Start-up time and idle memory: skipped (CSP_STARTUP_VARIANTS chose none).";
        var work = Path.Combine(Path.GetTempPath(), "csp-startup-bench");
        Directory.CreateDirectory(work);

        var builds = new Dictionary<string, Dictionary<string, (string Dll, long Bytes)>>();
        var buildSeconds = new Dictionary<string, double>();
        foreach (var build in variants.Select(v => v.Build).Distinct())
        {
            var sw = Stopwatch.StartNew();
            builds[build] = await PublishAsync(build, Path.Combine(work, build));
            buildSeconds[build] = sw.Elapsed.TotalSeconds;
        }

        var results = new List<(Variant Variant, List<Measured> Rows)>();
        var failures = new List<string>();
        foreach (var variant in variants)
        {
            Console.Error.WriteLine($"startup: {variant.Name} ...");
            try
            {
                results.Add((variant, await MeasureAsync(variant, builds[variant.Build], idle, work)));
                foreach (var r in results[^1].Rows) // as it goes, in case a later variant breaks the run
                    Console.Error.WriteLine($"  {variant.Name} {r.Part}: ready {r.ReadyMs:0} ms, RSS at ready {r.RssAtReadyMb:0.0}, idle {r.IdleRssMb:0.0} (anon {r.IdleAnonMb:0.0}, file {r.IdleFileMb:0.0}, shmem {r.IdleShmemMb:0.0}), GC heap {r.IdleHeapMb:0.0} MB, {r.Threads} threads");
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
            {
                failures.Add($"{variant.Name}: did not start: {ex.Message.Split('\n')[0]}");
            }
        }
        if (results.Count == 0) return "Start-up time and idle memory: no variant measured. " + string.Join("; ", failures);

        var text = new StringBuilder();
        var loadavg = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        text.AppendLine($"Start-up time and idle memory: six processes started one after another as `dotnet <dll>` (Release publish), real redis-server, demo data, {Environment.ProcessorCount} cores, loadavg {loadavg}, idle {idle.TotalSeconds:0} s");
        text.AppendLine($"{"variant",-16} {"process",-11} {"ready ms",9} {"RSS@ready",10} {"RSS idle",9} {"of: anon",9} {"file",6} {"shmem",6} {"GC heap",8} {"threads",8}   (MB = MiB; anon/file/shmem: RssAnon/RssFile/RssShmem)");
        foreach (var (variant, rows) in results)
        {
            foreach (var r in rows)
                text.AppendLine($"{variant.Name,-16} {r.Part,-11} {r.ReadyMs,9:0} {r.RssAtReadyMb,10:0.0} {r.IdleRssMb,9:0.0} {r.IdleAnonMb,9:0.0} {r.IdleFileMb,6:0.0} {r.IdleShmemMb,6:0.0} {r.IdleHeapMb,8:0.0} {r.Threads,8}");
        }
        text.AppendLine();
        // Where the RSS is: /proc/<pid>/smaps grouped by mapping (top 10 by RSS), for the largest process of each variant,
        // or for every process with CSP_STARTUP_SMAPS=1.
        var everyProcess = Environment.GetEnvironmentVariable("CSP_STARTUP_SMAPS") == "1";
        foreach (var (variant, rows) in results)
        {
            foreach (var r in everyProcess ? rows : rows.OrderByDescending(m => m.IdleRssMb).Take(1).ToList())
            {
                if (r.Top.Count == 0) continue;
                text.AppendLine($"{variant.Name} {r.Part} idle {r.IdleRssMb:0.0} MiB, top mappings by RSS: "
                    + string.Join(", ", r.Top.Select(t => $"{t.Mapping} {t.Mb:0.0}")));
            }
        }
        text.AppendLine();
        var baseline = results.FirstOrDefault(r => r.Variant.Name == "before").Rows ?? results.FirstOrDefault(r => r.Variant.Name == "server-gc").Rows;
        var baselineName = results.Any(r => r.Variant.Name == "before") ? "before" : "server-gc";
        text.AppendLine($"{"variant",-16} {"sum ready ms",13} {"max RSS idle",13} {"sum RSS idle",13} {"vs " + baselineName,13}  what");
        foreach (var (variant, rows) in results)
        {
            var ratio = baseline is null ? "" : $"{rows.Sum(r => r.IdleRssMb) / baseline.Sum(r => r.IdleRssMb):0.00}x RSS";
            var readyRatio = baseline is null ? "" : $" {rows.Sum(r => r.ReadyMs) / baseline.Sum(r => r.ReadyMs):0.00}x ready";
            text.AppendLine($"{variant.Name,-16} {rows.Sum(r => r.ReadyMs),13:0} {rows.Max(r => r.IdleRssMb),13:0.0} {rows.Sum(r => r.IdleRssMb),13:0.0} {ratio + readyRatio,13}  {variant.What}");
        }
        text.AppendLine("Goal: every process under 150 MB RSS idle (and ~135 MiB with a margin). " + string.Join("; ", results.Select(r => $"{r.Variant.Name}: {(r.Rows.All(m => m.IdleRssMb < 135) ? "met with margin" : r.Rows.All(m => m.IdleRssMb < 150) ? "met" : "not met")}")));
        foreach (var failure in failures) text.AppendLine(failure);
        foreach (var (build, parts) in builds)
            text.AppendLine($"build {build}: publish {buildSeconds[build]:0} s (incremental), published size {parts.Values.First().Bytes / 1048576.0:0.0} MB ({parts.Keys.First()}) .. total {parts.Values.Sum(p => p.Bytes) / 1048576.0:0.0} MB for six");
        return text.ToString();
    }

    /// <summary>`dotnet publish -c Release` of every part into its own folder: "jit" as the projects say (ReadyToRun
    /// explicitly off), "r2r" framework-dependent for linux-x64 with ReadyToRun (as `make images` publishes).</summary>
    private static async Task<Dictionary<string, (string Dll, long Bytes)>> PublishAsync(string build, string directory)
    {
        var published = new Dictionary<string, (string, long)>();
        foreach (var part in Parts)
        {
            var output = Path.Combine(directory, part.Name);
            var dll = Path.Combine(output, Path.GetFileName(part.ProjectDirectory) + ".dll");
            if (Environment.GetEnvironmentVariable("CSP_STARTUP_REUSE") == "1" && File.Exists(dll))
            {
                published[part.Name] = (dll, new DirectoryInfo(output).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length));
                continue;
            }
            var args = new List<string> { "publish", Path.Combine(RepoPaths.Root, part.ProjectDirectory), "-c", "Release", "-o", output, "-nologo", "-v", "q" };
            args.AddRange(build == "r2r"
                ? ["-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true"]
                : ["-p:PublishReadyToRun=false"]);
            var (code, log) = await RunToEndAsync("dotnet", args, TimeSpan.FromMinutes(8));
            if (code != 0) throw new InvalidOperationException($"dotnet publish {part.ProjectDirectory} ({build}) failed:\n{log}");
            var size = new DirectoryInfo(output).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            published[part.Name] = (dll, size);
        }
        return published;
    }

    private static async Task<List<Measured>> MeasureAsync(Variant variant, Dictionary<string, (string Dll, long Bytes)> build, TimeSpan idle, string work)
    {
        var database = RedisServer.Instance.TakeDatabase();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        string Port() => FreePort.ForProcess().ToString(CultureInfo.InvariantCulture);
        var http = Parts.ToDictionary(p => p.Name, _ => Port());
        var grpc = Parts.ToDictionary(p => p.Name, _ => Port());
        var management = Parts.ToDictionary(p => p.Name, _ => Port());
        var common = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", // as `make run`: the development issuer is refused in Production
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Auth__DevIssuer__Enabled"] = "true",
            ["Auth__DevIssuer__SigningKey"] = key,
            ["Auth__DevIssuer__UsersFile"] = RepoPaths.Demo("users.json"),
            ["Redis__Configuration"] = $"127.0.0.1:{RedisServer.Instance.Port}",
            ["Redis__Database"] = database.ToString(CultureInfo.InvariantCulture),
            ["DemoData__UsersPath"] = RepoPaths.Demo("users.json"),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var actionPlanGrpc = $"http://127.0.0.1:{grpc["actionplan"]}";
        var perPart = new Dictionary<string, Dictionary<string, string>>
        {
            ["actionplan"] = new() { ["DemoData__Path"] = RepoPaths.Demo("actionplan.json") },
            ["risk"] = new() { ["DemoData__Path"] = RepoPaths.Demo("risks.json"), ["Risk__ActionPlanGrpc"] = actionPlanGrpc },
            ["funding"] = new() { ["DemoData__Path"] = RepoPaths.Demo("funding.json"), ["Funding__ActionPlanGrpc"] = actionPlanGrpc },
            ["kpi"] = new() { ["DemoData__Path"] = RepoPaths.Demo("kpis.json"), ["Kpi__ActionPlanGrpc"] = actionPlanGrpc },
            ["gateway"] = new()
            {
                ["Urls"] = $"http://127.0.0.1:{http["gateway"]}",
                ["ReverseProxy__Clusters__actionplan__Destinations__primary__Address"] = $"http://127.0.0.1:{http["actionplan"]}",
                ["ReverseProxy__Clusters__risk__Destinations__primary__Address"] = $"http://127.0.0.1:{http["risk"]}",
                ["ReverseProxy__Clusters__funding__Destinations__primary__Address"] = $"http://127.0.0.1:{http["funding"]}",
                ["ReverseProxy__Clusters__kpi__Destinations__primary__Address"] = $"http://127.0.0.1:{http["kpi"]}",
                ["ReverseProxy__Clusters__portal__Destinations__primary__Address"] = $"http://127.0.0.1:{http["portal"]}",
            },
            ["portal"] = new() { ["Portal__ApiBase"] = $"http://127.0.0.1:{http["gateway"]}" },
        };

        var started = new List<(Part Part, Process Process, double ReadyMs, double RssAtReady)>();
        try
        {
            foreach (var part in Parts)
            {
                var (dll, _) = build[part.Name];
                var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add(dll);
                foreach (var knob in Knobs) start.Environment.Remove(knob);
                foreach (var (k, v) in common) start.Environment[k] = v;
                start.Environment["Ports__Address"] = "127.0.0.1";
                start.Environment["Ports__Http"] = http[part.Name];
                start.Environment["Ports__Grpc"] = grpc[part.Name];
                start.Environment["Ports__Management"] = management[part.Name];
                foreach (var (k, v) in perPart[part.Name]) start.Environment[k] = v;
                foreach (var (k, v) in variant.Environment) start.Environment[k] = v;

                var log = new StringBuilder();
                var sw = Stopwatch.StartNew();
                var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + part.Name);
                process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
                process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                started.Add((part, process, 0, 0));
                await WaitReadyAsync(part.Name, process, $"http://127.0.0.1:{http[part.Name]}/healthz/ready", log);
                var readyMs = sw.Elapsed.TotalMilliseconds;
                started[^1] = (part, process, readyMs, RssMb(process.Id));
            }

            await Task.Delay(idle); // the processes sit idle (background scans and bus polls only) before the idle figures
            var rows = new List<Measured>();
            foreach (var (part, process, readyMs, rssAtReady) in started)
            {
                var metrics = await MetricsAsync(management[part.Name]);
                rows.Add(new Measured(part.Name, readyMs, rssAtReady, RssMb(process.Id), RssMb(process.Id, "RssAnon:"), RssMb(process.Id, "RssFile:"),
                    RssMb(process.Id, "RssShmem:"), metrics.GetValueOrDefault("dotnet_total_memory_bytes") / 1048576.0,
                    (int)Math.Round(RssMb(process.Id, "Threads:") * 1024), TopMappings(process.Id, 10)));
            }
            return rows;
        }
        finally
        {
            foreach (var (_, process, _, _) in Enumerable.Reverse(started))
            {
                try
                {
                    // SIGTERM (a graceful stop), then SIGKILL if it takes too long.
                    using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                    await term!.WaitForExitAsync();
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    try { await process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
                }
                catch (InvalidOperationException) { } // already gone
                process.Dispose();
            }
        }
    }

    private static async Task WaitReadyAsync(string name, Process process, string url, StringBuilder log)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{log}");
            try
            {
                using var response = await client.GetAsync(url);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"{name} was not ready within 90 s:\n{log}");
            await Task.Delay(20);
        }
    }

    /// <summary>VmRSS (or another kB line of /proc/pid/status) of a process, in MiB.</summary>
    private static double RssMb(int pid, string field = "VmRSS:")
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return double.NaN; // the process has exited (printed as NaN)
        foreach (var line in File.ReadLines(status))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return double.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>/proc/pid/smaps grouped by mapping: a file by its name, the JIT's double-mapped code (memfd:doublemapper),
    /// [heap]/[stack], and nameless anonymous memory split into the GC's reservation (one mapping of 1 GiB or more of
    /// address space: the regions) and the rest (thread stacks, the runtime's and JIT's own allocations).</summary>
    private static List<(string Mapping, double Mb)> TopMappings(int pid, int count)
    {
        var path = $"/proc/{pid}/smaps";
        var sums = new Dictionary<string, double>();
        try
        {
            string current = "?";
            foreach (var line in File.ReadLines(path))
            {
                var space = line.IndexOf(' ');
                var dash = line.IndexOf('-');
                if (dash > 0 && space > dash && line[..dash].All(Uri.IsHexDigit))
                {
                    var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                    var name = fields.Length >= 6 ? fields[5].Trim() : "";
                    var size = long.Parse(line[(dash + 1)..space], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                        - long.Parse(line[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    current = name switch
                    {
                        "" => size >= 1L << 30 ? "[anon: GC reservation]" : "[anon]",
                        _ when name.StartsWith("/memfd:", StringComparison.Ordinal) => "memfd:" + name[7..].Split(' ')[0],
                        _ when name.StartsWith('/') => Path.GetFileName(name.Split(' ')[0]),
                        _ => name,
                    };
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    var kb = double.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    sums[current] = sums.GetValueOrDefault(current) + kb / 1024.0;
                }
            }
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
        return sums.OrderByDescending(kv => kv.Value).Take(count).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>The un-labelled samples of a process's Prometheus text, by metric name.</summary>
    private static async Task<Dictionary<string, double>> MetricsAsync(string managementPort)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var samples = new Dictionary<string, double>();
        try
        {
            var text = await client.GetStringAsync($"http://127.0.0.1:{managementPort}/metrics");
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith('#') || line.Contains('{')) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) samples[parts[0]] = value;
            }
        }
        catch (HttpRequestException)
        {
        }
        return samples;
    }

    private static async Task<(int Code, string Output)> RunToEndAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}"); }
        return (process.ExitCode, await output + await error);
    }
}
