using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.Http;
using Csp.Kpi.Commands;
using Csp.Kpi.Domain;
using Microsoft.Extensions.Options;

namespace Csp.Kpi.DemoData;

/// <summary>
/// Loads the demo KPIs from <c>demo/kpis.json</c> through the commands: each KPI's definition once, then its measurements,
/// each written only if its period has none or a different one, so loading twice changes nothing. The file says which
/// figures come from the seed reports and which are illustrative (<c>valuesFrom</c>). Derived KPIs are not in it: they
/// follow from the action plan's and the risk register's demo events.
/// </summary>
public sealed class DemoDataLoader(KpiCommands commands, IOptions<DemoDataOptions> options, ILogger<DemoDataLoader> logger) : IDemoDataLoader
{
    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return 0;
        var file = await DemoFiles.ReadAsync<DemoFile>(options.Value.Path, cancellationToken);
        var written = 0;
        foreach (var p in file.Partnerships)
            foreach (var k in p.Kpis)
            {
                var outcome = await commands.SeedAsync(p.Id, k.Definition, k.Measurements);
                if (outcome.Kind == OutcomeKind.Invalid) throw DemoFiles.Invalid(k.Ref, outcome.Errors!);
                if (!outcome.IsOk) throw new InvalidOperationException($"Demo KPI {k.Ref}: {outcome.Kind} {outcome.Reason}");
                written += outcome.Value;
            }
        logger.LogInformation("Demo data loaded from {Path}: {Written} new measurements", options.Value.Path, written);
        return written;
    }

    private sealed record DemoFile(IReadOnlyList<DemoPartnership> Partnerships);
    private sealed record DemoPartnership(string Id, IReadOnlyList<DemoKpi> Kpis);
    /// <summary><c>valuesFrom</c>: the seed the figures come from, or "illustrative".</summary>
    private sealed record DemoKpi(string Ref, string ValuesFrom, KpiDraft Definition, IReadOnlyList<MeasurementDraft> Measurements);
}
