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
    /// <summary>How many partnerships' packs the first version's path read at once (each is eight calls to the services).</summary>
    public const int DefaultParallelism = 8;

    /// <returns>True when stored; false when the quarter had a pack already (nothing stored).</returns>
    public async Task<bool> MakeAsync(string partnershipId, FinancialQuarter quarter, Caller caller, CancellationToken cancellationToken)
    {
        var figures = await reader.ReadAsync(partnershipId, quarter.ToString(), cancellationToken);
        var pack = new GovernancePack(GovernancePack.CurrentFormat, partnershipId, quarter.ToString(), clock.GetUtcNow(), caller.Subject, caller.Name, figures);
        return await store.TryAddAsync(pack);
    }

    /// <summary>How many batches of <see cref="BoardFiguresBatch.MaxPartnerships"/> partnerships <see cref="MakeManyAsync"/> reads at once
    /// Two: with all six of 300 partnerships' batches at once, every partnership's figures were alive together and the
    /// garbage collector's pauses took half the wall time (0.5 s of 1.1 s); two at once keep a third of that in memory,
    /// pause 0.3 s, 0.93 s in all (one at once: the same), measured by `-- portal` (docs/performance.md).</summary>
    public const int BatchesAtOnce = 2;

    /// <summary>The quarter's pack for each partnership, each exactly as one click on its packs page would make it. The
    /// partnerships are read <see cref="BoardFiguresBatch.MaxPartnerships"/> at a time with the four services' batch reads
    /// (<see cref="BoardFiguresReader.ReadManyAsync"/>), <see cref="BatchesAtOnce"/> batches at once, and each batch's packs
    /// stored together. A partnership whose pack is made already is left as it is; one the user may not make it for, or
    /// whose services refuse or fail, is reported and the rest go on.</summary>
    /// <param name="perPartnership">The first version's path (eight calls per partnership, <paramref name="parallelism"/>
    /// partnerships at a time), kept only for the benchmark's "before" (<see cref="BoardReading.PerPartnership"/>).</param>
    public async Task<IReadOnlyList<PackResult>> MakeManyAsync(IReadOnlyList<string> partnershipIds, FinancialQuarter quarter, Caller caller,
        int parallelism = DefaultParallelism, CancellationToken cancellationToken = default, bool perPartnership = false)
    {
        if (perPartnership) return await MakeOneByOneAsync(partnershipIds, quarter, caller, parallelism, cancellationToken);
        var results = new PackResult[partnershipIds.Count];
        var allowed = new List<int>();
        for (var i = 0; i < partnershipIds.Count; i++)
        {
            if (MayMake(caller, partnershipIds[i])) allowed.Add(i);
            else results[i] = new PackResult(partnershipIds[i], PackOutcome.Refused, "Governance packs are for the board and the CSP manager", 0);
        }
        await Parallel.ForEachAsync(allowed.Chunk(BoardFiguresBatch.MaxPartnerships),
            new ParallelOptions { MaxDegreeOfParallelism = BatchesAtOnce, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                double Elapsed() => System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                try
                {
                    var read = await reader.ReadManyAsync(batch.Select(i => partnershipIds[i]).ToList(), quarter.ToString(), ct);
                    var madeAt = clock.GetUtcNow();
                    var packs = read.Where(r => r.Figures is not null)
                        .Select(r => new GovernancePack(GovernancePack.CurrentFormat, r.PartnershipId, quarter.ToString(), madeAt, caller.Subject, caller.Name, r.Figures!))
                        .ToList();
                    var stored = await store.TryAddManyAsync(packs);
                    var made = packs.Select((p, n) => (p.PartnershipId, stored[n])).ToDictionary(x => x.PartnershipId, x => x.Item2, StringComparer.Ordinal);
                    for (var n = 0; n < batch.Length; n++)
                    {
                        var (id, _, failure) = read[n];
                        results[batch[n]] = failure is null
                            ? new PackResult(id, made[id] ? PackOutcome.Made : PackOutcome.MadeAlready, null, Elapsed())
                            : Failed(id, failure, Elapsed());
                    }
                }
                catch (Api.ApiFailure failure)
                {
                    foreach (var i in batch) results[i] = Failed(partnershipIds[i], failure, Elapsed());
                }
            });
        return results;
    }

    private static PackResult Failed(string partnershipId, Api.ApiFailure failure, double ms) =>
        new(partnershipId, failure.Status == System.Net.HttpStatusCode.Forbidden ? PackOutcome.Refused : PackOutcome.Failed,
            $"{(int)failure.Status} {failure.Problem?.Title}", ms);

    /// <summary>The first version: each partnership's pack made on its own (eight calls), <paramref name="parallelism"/> at a time.</summary>
    private async Task<IReadOnlyList<PackResult>> MakeOneByOneAsync(IReadOnlyList<string> partnershipIds, FinancialQuarter quarter, Caller caller,
        int parallelism, CancellationToken cancellationToken)
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
                    results[i] = Failed(id, failure, Elapsed());
                }
            });
        return results;
    }

    /// <summary>The portal's wall around packs (its own data): the board and the manager of the partnership (and admin).</summary>
    public static bool MayMake(Caller caller, string partnershipId) =>
        caller.Has(Roles.Board, partnershipId) || caller.Has(Roles.Manager, partnershipId);
}
