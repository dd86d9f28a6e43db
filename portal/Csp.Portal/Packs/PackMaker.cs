using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Time;

namespace Csp.Portal.Packs;

/// <summary>What making one partnership's pack came to.</summary>
public enum PackOutcome { Made, MadeAlready, Refused, Failed }

public sealed record PackResult(string PartnershipId, PackOutcome Outcome, string? Detail, double Milliseconds);

/// <summary>
/// Makes governance packs: reads the board figures (the KPIs as at the quarter's end) with the user's token and stores
/// them once per quarter. <see cref="MakeManyAsync"/> makes the quarter's pack of many partnerships at once, a bounded
/// number at a time, each exactly as one click on its packs page would.
/// </summary>
public sealed class PackMaker(BoardFiguresReader reader, PackStore store, TimeProvider clock)
{
    /// <summary>How many partnerships' packs are read at once by <see cref="MakeManyAsync"/> (each is eight calls to the services).</summary>
    public const int DefaultParallelism = 8;

    /// <returns>True when stored; false when the quarter had a pack already (nothing stored).</returns>
    public async Task<bool> MakeAsync(string partnershipId, FinancialQuarter quarter, Caller caller, CancellationToken cancellationToken)
    {
        var figures = await reader.ReadAsync(partnershipId, quarter.ToString(), cancellationToken);
        var pack = new GovernancePack(GovernancePack.CurrentFormat, partnershipId, quarter.ToString(), clock.GetUtcNow(), caller.Subject, caller.Name, figures);
        return await store.TryAddAsync(pack);
    }

    /// <summary>The quarter's pack for each partnership, <paramref name="parallelism"/> at a time. A partnership whose pack is
    /// made already is left as it is; one the user may not make it for, or whose services fail, is reported and the rest go on.</summary>
    public async Task<IReadOnlyList<PackResult>> MakeManyAsync(IReadOnlyList<string> partnershipIds, FinancialQuarter quarter, Caller caller,
        int parallelism = DefaultParallelism, CancellationToken cancellationToken = default)
    {
        var results = new PackResult[partnershipIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, partnershipIds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var id = partnershipIds[i];
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                double Elapsed() => System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!MayMake(caller, id))
                {
                    results[i] = new PackResult(id, PackOutcome.Refused, "Governance packs are for the board and the CSP manager", 0);
                    return;
                }
                try
                {
                    var made = await MakeAsync(id, quarter, caller, ct);
                    results[i] = new PackResult(id, made ? PackOutcome.Made : PackOutcome.MadeAlready, null, Elapsed());
                }
                catch (Api.ApiFailure failure)
                {
                    results[i] = new PackResult(id, failure.Status == System.Net.HttpStatusCode.Forbidden ? PackOutcome.Refused : PackOutcome.Failed,
                        $"{(int)failure.Status} {failure.Problem?.Title}", Elapsed());
                }
            });
        return results;
    }

    /// <summary>The portal's wall around packs (its own data): the board and the manager of the partnership (and admin).</summary>
    public static bool MayMake(Caller caller, string partnershipId) =>
        caller.Has(Roles.Board, partnershipId) || caller.Has(Roles.Manager, partnershipId);
}
