using Csp.BuildingBlocks.Validation;
using System.Text.Json;
using Csp.BuildingBlocks.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Csp.BuildingBlocks.DemoData;

/// <summary>Configuration section <c>DemoData</c>: which demo files a service loads at start (`make run` sets them).</summary>
public sealed class DemoDataOptions
{
    public const string Section = "DemoData";

    /// <summary>The service's demo file (e.g. demo/actionplan.json); empty = load nothing (the default).</summary>
    public string? Path { get; set; }

    /// <summary>The demo users file (demo/users.json), for names and agencies on seeded history.</summary>
    public string? UsersPath { get; set; }
}

/// <summary>Thrown by a loader whose demo data depends on another service that is not ready yet (still starting, or still
/// loading its own demo data): the start-up runner tries again a little later.</summary>
public sealed class DemoDataNotReadyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A service's demo-data loader. Loading twice must change nothing.</summary>
public interface IDemoDataLoader
{
    /// <returns>How many records were created.</returns>
    Task<int> LoadAsync(CancellationToken cancellationToken);
}

/// <summary>Reading demo files and reporting what is wrong with them, the same way in every service.</summary>
public static class DemoFiles
{
    public static async Task<T> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(stream, ApiJson.Options, cancellationToken) ?? throw new InvalidOperationException($"{path} is empty");
    }

    /// <summary>The demo users by id (for names and agencies on seeded history); none when no users file is configured.</summary>
    public static IReadOnlyDictionary<string, Auth.DemoUser> Users(DemoDataOptions options) =>
        string.IsNullOrWhiteSpace(options.UsersPath)
            ? new Dictionary<string, Auth.DemoUser>()
            : Auth.DemoUsers.Load(options.UsersPath).ToDictionary(u => u.Id);

    /// <summary>The error for a demo record that breaks the domain's rules (the demo goes through the same validation as the API).</summary>
    public static InvalidOperationException Invalid(string what, ValidationErrors errors) =>
        new($"Demo data for '{what}' is invalid: {string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
}

public static class DemoDataExtensions
{
    /// <summary>Registers the loader, and runs it at start-up when <c>DemoData:Path</c> is set.</summary>
    public static IHostApplicationBuilder AddDemoData<TLoader>(this IHostApplicationBuilder builder) where TLoader : class, IDemoDataLoader
    {
        builder.Services.AddOptions<DemoDataOptions>().Bind(builder.Configuration.GetSection(DemoDataOptions.Section));
        builder.Services.AddScoped<TLoader>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{DemoDataOptions.Section}:Path"]))
            builder.Services.AddHostedService<DemoDataStartup<TLoader>>();
        return builder;
    }
}

/// <summary>Runs the loader at start-up, retrying while Redis is not yet reachable.</summary>
public sealed class DemoDataStartup<TLoader>(IServiceScopeFactory scopes, ILogger<DemoDataStartup<TLoader>> logger) : BackgroundService
    where TLoader : class, IDemoDataLoader
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<TLoader>().LoadAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or DemoDataNotReadyException && attempt < 60)
            {
                logger.LogWarning(ex, "Demo data not loaded yet (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
