using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Csp.TestSupport;

/// <summary>
/// A service or the gateway running in-process on real Kestrel, bound to 127.0.0.1 on free ports, stopped on dispose.
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required int HttpPort { get; init; }
    public required int GrpcPort { get; init; }
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");
    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");
    public IServiceProvider Services => App.Services;

    /// <param name="logs">Where the host's log lines are kept for the test to read, if it wants them.</param>
    /// <remarks>A free port found by <see cref="FreePort"/> can be taken by another host starting at the same moment (tests
    /// run in parallel); when the ports were chosen here, a start that finds its port taken is tried again on new ones.</remarks>
    public static async Task<RunningApp> StartAsync(Func<string[], Action<WebApplicationBuilder>, WebApplication> build, IDictionary<string, string?> settings,
        int? httpPort = null, int? grpcPort = null, CapturedLogs? logs = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var http = httpPort ?? FreePort.Next();
            var grpc = grpcPort ?? FreePort.Next();
            var config = new Dictionary<string, string?>(settings)
            {
                ["Ports:Address"] = "127.0.0.1",
                ["Ports:Http"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Ports:Grpc"] = grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            // Tests run in parallel (and beside `make run`'s Prometheus): a host never takes the default management
            // port (9090) unless the test asks for one.
            config.TryAdd(Csp.BuildingBlocks.Hosting.ManagementPort.ConfigurationKey, "0");
            // The environment is chosen when the builder is created: setting it later does not reach IHostEnvironment.
            var app = build(["--environment=Testing"], b =>
            {
                OwnSettingsFile.Use(b);
                b.Configuration.AddInMemoryCollection(config);
                b.Environment.EnvironmentName = "Testing";
                if (logs is not null) b.Services.AddSingleton<ILoggerProvider>(logs);
            });
            try
            {
                await app.StartAsync();
                return new RunningApp { App = app, HttpPort = http, GrpcPort = grpc };
            }
            catch (IOException ex) when (attempt < 3 && httpPort is null && grpcPort is null && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>An HTTP client to this app, signed in as <paramref name="user"/> (or anonymous).</summary>
    public HttpClient Client(TestUser? user = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(user));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Gives a host under test its OWN appsettings.json. A test project that references several services gets one
/// appsettings.json in its output folder (each service's file is copied there and the last one wins: today the action
/// plan's), and every host a test starts reads its content root's file, so a risk, KPI or funding host would start with
/// the action plan's settings. Here the builder's appsettings.json (and appsettings.{environment}.json) source is
/// replaced, in place (so later sources still override it), by the same file of the service's project in the repository.
/// </summary>
public static class OwnSettingsFile
{
    /// <summary>Assembly name (e.g. Csp.Risk) to its project folder, for every project of the repository with an
    /// appsettings.json (the gateway's settings file is gateway.json, named so that it never collides).</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Projects = new(() =>
        new[] { "services", "portal", "gateway" }
            .Select(top => Path.Combine(RepoPaths.Root, top))
            .Where(Directory.Exists)
            .SelectMany(top => Directory.EnumerateFiles(top, "*.csproj", SearchOption.AllDirectories))
            .Where(csproj => File.Exists(Path.Combine(Path.GetDirectoryName(csproj)!, "appsettings.json")))
            .ToDictionary(csproj => Path.GetFileNameWithoutExtension(csproj), csproj => Path.GetDirectoryName(csproj)!, StringComparer.Ordinal));

    /// <summary>The project folder whose appsettings.json the host being built should read, or null when it is none of
    /// the repository's services (a test's own small app, the gateway).</summary>
    /// <remarks>Called from inside the app's <c>Build(args, configure)</c>, through any wrappers a test puts around it: the
    /// first frame of the call stack in a service's assembly is that service's Build.</remarks>
    public static string? ProjectOfCaller()
    {
        foreach (var frame in new System.Diagnostics.StackTrace(1, false).GetFrames())
        {
            var assembly = frame.GetMethod()?.DeclaringType?.Assembly.GetName().Name;
            if (assembly is not null && Projects.Value.TryGetValue(assembly, out var project)) return project;
        }
        return null;
    }

    /// <summary>Swaps the content root's appsettings files for the calling service's own (see the class summary).</summary>
    public static void Use(WebApplicationBuilder builder)
    {
        var project = ProjectOfCaller();
        if (project is null) return;
        var names = new[] { "appsettings.json", $"appsettings.{builder.Environment.EnvironmentName}.json" };
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not JsonConfigurationSource json || json.Path is null || !names.Contains(json.Path, StringComparer.OrdinalIgnoreCase)) continue;
            sources[i] = new JsonConfigurationSource
            {
                FileProvider = new PhysicalFileProvider(project),
                Path = json.Path,
                Optional = json.Optional,
                ReloadOnChange = false,
            };
        }
    }
}

/// <summary>Redis settings for a fresh database of the shared test Redis server (and a management port the system chooses).</summary>
public static class TestRedis
{
    public static Dictionary<string, string?> Configuration(int database) => new()
    {
        ["Redis:Configuration"] = RedisServer.Instance.Configuration,
        ["Redis:Database"] = database.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Ports:Management"] = "0", // any free port: hosts that copy these settings must not share one
        ["EventBus:Transport"] = "redis",
        ["EventBus:Redis:PollInterval"] = "00:00:00.050",
        ["EventBus:Redis:ClaimIdle"] = "00:00:00.500",
        ["EventBus:OutboxPollInterval"] = "00:00:00.200",
    };

    /// <summary>Redis settings for a test class's keyspace (its database and key prefix), on one server or a cluster.</summary>
    public static Dictionary<string, string?> Configuration(TestKeyspace keyspace)
    {
        var settings = Configuration(keyspace.Database);
        settings["Redis:KeyPrefix"] = keyspace.KeyPrefix;
        return settings;
    }

    /// <summary>As <see cref="ServiceSettings(TestKeyspace)"/>, with the demo data (see <see cref="DemoSettings(int)"/>).</summary>
    public static Dictionary<string, string?> DemoSettings(TestKeyspace keyspace)
    {
        var settings = DemoSettings(keyspace.Database);
        settings["Redis:KeyPrefix"] = keyspace.KeyPrefix;
        return settings;
    }

    /// <summary>As <see cref="ServiceSettings(int)"/>, for a keyspace.</summary>
    public static Dictionary<string, string?> ServiceSettings(TestKeyspace keyspace)
    {
        var settings = ServiceSettings(keyspace.Database);
        settings["Redis:KeyPrefix"] = keyspace.KeyPrefix;
        return settings;
    }

    /// <summary>As <see cref="ServiceSettings(int)"/>, loading the action plan's demo data and the demo users at start, as
    /// `make run` does (another service's demo file replaces <c>DemoData:Path</c>).</summary>
    public static Dictionary<string, string?> DemoSettings(int database)
    {
        var settings = ServiceSettings(database);
        settings["DemoData:Path"] = RepoPaths.Demo("actionplan.json");
        settings["DemoData:UsersPath"] = RepoPaths.Demo("users.json");
        return settings;
    }

    /// <summary>What a service under test needs: its Redis database and the bus (as above), and test-token validation.</summary>
    public static Dictionary<string, string?> ServiceSettings(int database)
    {
        var settings = Configuration(database);
        foreach (var (key, value) in TestAuth.Configuration) settings[key] = value;
        return settings;
    }
}

