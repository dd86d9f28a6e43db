using System.Collections.Concurrent;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Validation;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Csp.BuildingBlocks.Tests.Http;

/// <summary>A partnership as the test service knows it.</summary>
public sealed record TestPartnership(string Id, string Name);

public enum ThingPriority { Low, High, VeryHigh }

public sealed record ThingItem(string? Name, int Count);

/// <summary>A typed draft, bound by the framework: text, a number, an enum and a nested list.</summary>
public sealed record ThingDraft(string? Title, int Quantity, ThingPriority Priority, IReadOnlyList<ThingItem>? Items);

/// <summary>What the test service did: partnership lookups, handler calls and things stored.</summary>
public sealed class ThingsProbe : IPartnershipLookup<TestPartnership>
{
    public static readonly IReadOnlyDictionary<string, TestPartnership> Known = new Dictionary<string, TestPartnership>
    {
        ["medway"] = new("medway", "Medway CSP"),
        ["swale"] = new("swale", "Swale CSP"),
    };

    public ConcurrentQueue<string> Lookups { get; } = new();
    public ConcurrentQueue<(string Caller, TestPartnership Partnership)> HandlerCalls { get; } = new();
    public ConcurrentQueue<(string PartnershipId, ThingDraft Draft)> Stored { get; } = new();

    public Task<TestPartnership?> FindAsync(string partnershipId)
    {
        Lookups.Enqueue(partnershipId);
        return Task.FromResult(Known.GetValueOrDefault(partnershipId));
    }

    public void Clear()
    {
        Lookups.Clear();
        HandlerCalls.Clear();
        Stored.Clear();
    }
}

/// <summary>
/// The smallest service the building blocks make: the service defaults (problem details, body binding, trace context,
/// authentication, Kestrel limits) and one partnership group, <c>/api/partnerships/{id}/things</c>, with a list and a
/// create. Started on real Kestrel by <see cref="RunningApp"/>.
/// </summary>
public static class ThingsApp
{
    public const string ServiceName = "things";
    public const int MaxRequestBodyBytes = 2048;
    public const string ListedMessage = "Listing the things of {PartnershipId}";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.Services.AddSingleton<ThingsProbe>();
        builder.Services.AddSingleton<IPartnershipLookup<TestPartnership>>(sp => sp.GetRequiredService<ThingsProbe>());

        var app = builder.Build();
        app.UseServiceDefaults();
        var things = app.MapPartnershipGroup<TestPartnership>("things", "Things");
        things.MapGet("", (Member<TestPartnership> member, ThingsProbe probe, ILogger<ThingsProbe> logger) =>
        {
            probe.HandlerCalls.Enqueue((member.Caller.Subject, member.Partnership));
            logger.LogInformation(ListedMessage, member.PartnershipId);
            return Results.Ok(new { partnership = member.Partnership.Name, things = probe.Stored.Where(s => s.PartnershipId == member.PartnershipId).Count() });
        });
        things.MapPost("", (ThingDraft draft, Member<TestPartnership> member, ThingsProbe probe) =>
        {
            probe.HandlerCalls.Enqueue((member.Caller.Subject, member.Partnership));
            var errors = new ValidationErrors();
            errors.RequiredText("title", draft.Title, 100);
            for (var i = 0; i < (draft.Items?.Count ?? 0); i++)
                errors.RequiredText($"items[{i}].name", draft.Items![i].Name, 50);
            if (!errors.IsEmpty) return Problems.Validation(errors);
            probe.Stored.Enqueue((member.PartnershipId, draft));
            return Results.Created($"/api/partnerships/{member.PartnershipId}/things/{probe.Stored.Count}", draft);
        }).Writes<ThingDraft>(StatusCodes.Status201Created);
        return app;
    }

    /// <summary>The test service's settings: its own Redis database, test tokens, a small body limit, quiet framework logs.</summary>
    public static Dictionary<string, string?> Settings()
    {
        var settings = TestRedis.ServiceSettings(RedisServer.Instance.TakeDatabase());
        settings["Ports:MaxRequestBodyBytes"] = MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Logging:LogLevel:Microsoft"] = "Warning";
        return settings;
    }
}

/// <summary>One running <see cref="ThingsApp"/> per test class; each test starts with a clear probe (a class's tests run one by one).</summary>
public sealed class ThingsAppFixture : IAsyncLifetime
{
    public CapturedLogs Logs { get; } = new();
    public RunningApp App { get; private set; } = null!;
    public ThingsProbe Probe => App.Services.GetRequiredService<ThingsProbe>();

    public async Task InitializeAsync() => App = await RunningApp.StartAsync(ThingsApp.Build, ThingsApp.Settings(), logs: Logs);

    public async Task DisposeAsync() => await App.DisposeAsync();
}
