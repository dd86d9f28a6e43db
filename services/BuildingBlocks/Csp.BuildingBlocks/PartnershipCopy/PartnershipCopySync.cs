using Csp.BuildingBlocks.Partnerships;
using Csp.Contracts.ActionPlan.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.PartnershipCopy;

/// <summary>
/// Makes the copy complete whatever the event streams still hold: events are trimmed (<c>MaxLength</c>), a service may be
/// deployed long after a partnership was set up, and a restore may lose copies. The copy is <b>incomplete</b> when the
/// bootstrap marker is missing (never copied, or lost with the data) or when there are fewer copies than the owner listed
/// at the last full copy; both are two cheap reads, checked every <see cref="PartnershipCopyOptions.CheckInterval"/>. An
/// incomplete copy is copied in full from the owner at once (<c>ListPartnerships</c>, paged), then the marker is written.
/// A full copy also runs at start and every <see cref="PartnershipCopyOptions.ReconcileInterval"/>, which repairs what the
/// cheap check cannot see (a copy that missed a change, or one refused as an implausible jump). Each listed partnership
/// goes through <see cref="PartnershipCopyKeeper"/> (newer versions only), so the copy and the events never fight.
/// When the owner cannot be reached the attempt is logged and repeated after <see cref="PartnershipCopyOptions.RetryInterval"/>;
/// the service keeps serving with the copy it has.
/// </summary>
public sealed class PartnershipCopySync(IServiceScopeFactory scopes, IOptions<PartnershipCopyOptions> options, TimeProvider clock,
    ILogger<PartnershipCopySync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        DateTimeOffset? lastFullCopy = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = settings.CheckInterval;
            try
            {
                var due = lastFullCopy is null || clock.GetUtcNow() - lastFullCopy >= settings.ReconcileInterval;
                if (due || await IsIncompleteAsync())
                {
                    await CopyFromOwnerAsync(stoppingToken);
                    lastFullCopy = clock.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not copy the partnerships from their owner; retrying in {Delay}", settings.RetryInterval);
                delay = settings.RetryInterval;
            }

            try { await Task.Delay(delay, clock, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>The cheap check: no completed full copy, or fewer copies than the owner listed at the last one.</summary>
    public async Task<bool> IsIncompleteAsync()
    {
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<KnownPartnershipStore>();
        var completed = await store.CompletedCountAsync();
        return completed is null || await store.CountAsync() < completed;
    }

    /// <summary>Copies every partnership the owner lists (newer versions only) and writes the marker; returns how many
    /// copies changed. Public so a test can run one.</summary>
    public async Task<int> CopyFromOwnerAsync(CancellationToken cancellationToken = default)
    {
        using var scope = scopes.CreateScope();
        var owner = scope.ServiceProvider.GetRequiredService<ActionPlanQueries.ActionPlanQueriesClient>();
        var keeper = scope.ServiceProvider.GetRequiredService<PartnershipCopyKeeper>();
        var store = scope.ServiceProvider.GetRequiredService<KnownPartnershipStore>();
        var settings = options.Value;
        var listed = 0;
        var changed = 0;
        var pageToken = "";
        do
        {
            var reply = await owner.ListPartnershipsAsync(new ListPartnershipsRequest { PageSize = settings.PageSize, PageToken = pageToken },
                deadline: clock.GetUtcNow().UtcDateTime + settings.Deadline, cancellationToken: cancellationToken);
            foreach (var p in reply.Partnerships)
            {
                listed++;
                var copy = new KnownPartnership(p.Id, p.Name, p.Agencies.Select(a => new KnownAgency(a.Id, a.Name)).ToList(), p.Version)
                {
                    OnsCode = p.OnsCode.Length > 0 ? p.OnsCode : null, RecipientOrgId = p.RecipientOrgId.Length > 0 ? p.RecipientOrgId : null,
                };
                if (await keeper.KeepAsync(copy, ChangeSource.Owner)) changed++;
            }
            pageToken = reply.NextPageToken;
        } while (!string.IsNullOrEmpty(pageToken));

        await store.MarkCompletedAsync(listed, clock.GetUtcNow());
        logger.LogInformation("Partnership copy complete: {Listed} partnerships listed by the owner, {Changed} copies updated", listed, changed);
        return changed;
    }
}

/// <summary>Configuration section <c>PartnershipCopy</c>.</summary>
public sealed class PartnershipCopyOptions
{
    public const string Section = "PartnershipCopy";

    /// <summary>How far ahead of the copy an event's version may be and still be believed. 100: the owner adds one per
    /// change, partnerships change a few times a year, and a copy that follows the events misses versions only when events
    /// are lost; a larger gap is repaired by the reconcile from the owner, never by an event.</summary>
    public long MaxVersionJump { get; set; } = 100;

    /// <summary>How often the cheap completeness check runs.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the whole list is copied from the owner even when the copy looks complete.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Wait before trying again when the owner could not be reached.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of one <c>ListPartnerships</c> call.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Partnerships asked for per page.</summary>
    public int PageSize { get; set; } = 100;
}

public static class PartnershipCopyExtensions
{
    /// <summary>
    /// A copy of the owner's partnerships, for a service that checks agencies without calling the action-plan service on
    /// every request: the <c>partnership.changed</c> subscription, the store, <see cref="KnownPartnershipLookup"/> as the
    /// service's <c>IPartnershipLookup&lt;KnownPartnership&gt;</c>, and <see cref="PartnershipCopySync"/>. Needs the
    /// service's <c>AddGrpcClient&lt;ActionPlanQueries.ActionPlanQueriesClient&gt;</c> registration (with its service
    /// identity), through which the copy is made.
    /// </summary>
    public static IHostApplicationBuilder AddPartnershipCopy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PartnershipCopyOptions>().Bind(builder.Configuration.GetSection(PartnershipCopyOptions.Section))
            .Validate(o => o.MaxVersionJump >= 1 && o.CheckInterval > TimeSpan.Zero && o.ReconcileInterval > TimeSpan.Zero && o.RetryInterval > TimeSpan.Zero
                           && o.Deadline > TimeSpan.Zero && o.PageSize is >= 1 and <= 1000,
                "PartnershipCopy: MaxVersionJump must be at least 1, the intervals and Deadline positive, PageSize 1-1000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<KnownPartnershipStore>();
        builder.Services.AddSingleton<PartnershipCopyKeeper>();
        builder.Services.AddSingleton<Http.IPartnershipLookup<KnownPartnership>, KnownPartnershipLookup>();
        builder.Services.AddSingleton<PartnershipCopySync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PartnershipCopySync>());
        EventBus.EventBusExtensions.AddCspEventBus(builder).AddSubscription<Contracts.IntegrationEvents.PartnershipChanged, PartnershipChangedHandler>();
        return builder;
    }
}
