using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Partnerships;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.PartnershipCopy;

/// <summary>Where a change to a copy came from: an event (judged, see <see cref="KnownPartnership.Judge"/>) or the owner's
/// own list over gRPC (the truth: only "is it newer" applies).</summary>
public enum ChangeSource { Event, Owner }

/// <summary>The one write of a partnership copy, as <see cref="Caller.System"/>, with its audit entry
/// (<c>partnership.replicated</c>).</summary>
public sealed class PartnershipCopyKeeper(KnownPartnershipStore store, AuditEntries audit, IOptions<PartnershipCopyOptions> options,
    ILogger<PartnershipCopyKeeper> logger)
{
    /// <summary>
    /// Keeps <paramref name="change"/> if it is newer than the copy (and, from an event, not implausibly far ahead of it).
    /// A change no newer than the copy changes nothing; an implausible jump changes nothing and is logged as a warning
    /// with the partnership and both versions (the periodic reconcile with the owner repairs a copy that truly fell that
    /// far behind). A lost race with another write throws, so the bus redelivers and the newer version wins.
    /// </summary>
    /// <returns>Whether the copy changed.</returns>
    public async Task<bool> KeepAsync(KnownPartnership change, ChangeSource source)
    {
        var current = await store.GetAsync(change.Id);
        var verdict = KnownPartnership.Judge(current?.Value, change, source == ChangeSource.Owner ? long.MaxValue : options.Value.MaxVersionJump);
        switch (verdict)
        {
            case ChangeVerdict.NotNewer:
                logger.LogInformation("Partnership {PartnershipId} change {Version} is not newer than {Known}: ignored", change.Id, change.SourceVersion, current?.Value.SourceVersion);
                return false;
            case ChangeVerdict.ImplausibleJump:
                logger.LogWarning("Partnership {PartnershipId} change to version {Version} refused: the copy is at version {Known} and a jump of more than {MaxVersionJump} is not plausible",
                    change.Id, change.SourceVersion, current?.Value.SourceVersion ?? 0, options.Value.MaxVersionJump);
                return false;
        }
        var entry = audit.For(Caller.System, "partnership.replicated", "partnership", change.Id, current?.Value, change);
        if (await store.SaveAsync(change, current?.Version ?? 0, entry) is null)
            throw new InvalidOperationException($"Partnership {change.Id} changed while version {change.SourceVersion} was being applied; it will be applied again.");
        logger.LogInformation("Partnership {PartnershipId} now known at version {Version} (from the {Source})", change.Id, change.SourceVersion, source == ChangeSource.Owner ? "owner" : "event");
        return true;
    }
}
