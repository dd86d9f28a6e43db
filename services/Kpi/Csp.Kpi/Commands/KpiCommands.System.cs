using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;

namespace Csp.Kpi.Commands;

/// <summary>The platform's own writes, as <see cref="Caller.System"/>: derived KPIs from other services' events, and demo data.</summary>
public sealed partial class KpiCommands
{
    private const string Actions = "actions";
    private const string Risks = "risks";
    private const string Grants = "grants";

    /// <summary>An action event: merges what it says into the action's state (newer only), then recomputes the action
    /// KPIs from every action's state. Returns how many KPIs got a new value. Throws when the write stays contended, so
    /// the event is redelivered.</summary>
    public async Task<int> ApplyActionEventAsync(string partnershipId, long actionId, string priorityId, string? status, DateTimeOffset at, bool overdue)
    {
        var merged = await MergeInputAsync<ActionState>(partnershipId, Actions, actionId, known => DerivedKpis.Merge(known, priorityId, status, at, overdue));
        return await RecordDerivedAsync(partnershipId, Actions, merged, states => DerivedKpis.FromActions(states.Values.Select(StorageJson.Deserialize<ActionState>).ToList()));
    }

    /// <summary>A risk assessment: as <see cref="ApplyActionEventAsync"/>, for risks above tolerance.</summary>
    public async Task<int> ApplyRiskAssessedAsync(string partnershipId, long riskId, bool aboveTolerance, DateTimeOffset at)
    {
        var merged = await MergeInputAsync<RiskState>(partnershipId, Risks, riskId, known => DerivedKpis.Merge(known, aboveTolerance, at));
        return await RecordDerivedAsync(partnershipId, Risks, merged, states => [DerivedKpis.FromRisks(states.Values.Select(StorageJson.Deserialize<RiskState>).ToList())]);
    }

    /// <summary>A funding event about a grant (its confirmation, or spend recorded): as <see cref="ApplyActionEventAsync"/>,
    /// for the share of each grant spent against its profile.</summary>
    public async Task<int> ApplyGrantEventAsync(string partnershipId, string allocationId, string? financialYear, long awardedPence, long? spentPence, DateTimeOffset at)
    {
        var merged = await MergeInputAsync<GrantState>(partnershipId, Grants, allocationId, known => DerivedKpis.Merge(known, financialYear, awardedPence, spentPence, at));
        return await RecordDerivedAsync(partnershipId, Grants, merged, states => DerivedKpis.FromGrants(states.ToDictionary(s => s.Key, s => StorageJson.Deserialize<GrantState>(s.Value))));
    }

    private Task<(IReadOnlyDictionary<string, string> Inputs, long Version)?> MergeInputAsync<TState>(string partnershipId, string kind, long id, Func<TState?, TState> merge) where TState : class =>
        MergeInputAsync(partnershipId, kind, id.ToString(System.Globalization.CultureInfo.InvariantCulture), merge);

    /// <summary>Merges one input; returns the inputs as they now are with their counter, or null when another write changed
    /// them meanwhile (the counter moved by more than this write's own step): then they must be read again.</summary>
    private async Task<(IReadOnlyDictionary<string, string> Inputs, long Version)?> MergeInputAsync<TState>(string partnershipId, string kind, string key, Func<TState?, TState> merge) where TState : class
    {
        var (inputs, version) = await store.GetDerivedInputsAsync(partnershipId, kind);
        var known = inputs.TryGetValue(key, out var json) ? StorageJson.Deserialize<TState>(json) : null;
        var merged = merge(known);
        if (Equals(merged, known)) return (inputs, version);
        var stored = StorageJson.Serialize(merged);
        var raised = await store.SetDerivedInputAsync(partnershipId, kind, key, stored);
        return raised == version + 1 ? (new Dictionary<string, string>(inputs, StringComparer.Ordinal) { [key] = stored }, raised) : null;
    }

    /// <summary>
    /// Records derived values for the current financial quarter, computed from the inputs of <paramref name="kind"/> as
    /// they are now, defining a derived KPI the first time. A value equal to the quarter's current one is left alone (no
    /// revision), so recomputing after a redelivered event writes nothing. All changed KPIs are written in one
    /// transaction, on condition that the inputs did not change meanwhile (else read and computed again).
    /// </summary>
    /// <param name="known">The inputs and their counter as the caller just left them (saves reading them again), if known.</param>
    public async Task<int> RecordDerivedAsync(string partnershipId, string kind, (IReadOnlyDictionary<string, string> Inputs, long Version)? known,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyList<DerivedValue>> compute)
    {
        var period = Period.Containing(Today, Frequency.Quarterly);
        for (var attempt = 0; attempt < OptimisticConcurrency.Attempts * 2; attempt++)
        {
            // The write below is conditional on the counter, so inputs known from the merge are as safe as inputs read.
            var (inputs, inputsVersion) = attempt == 0 && known is { } k ? k : await store.GetDerivedInputsAsync(partnershipId, kind);
            // Every derived KPI's reads are started together, and so are the plans of those that changed: the commands are
            // pipelined on the connection, so this costs two round trips for any number of KPIs instead of four per KPI
            // (the event path's goal is 50 ms at p99). The values keep their order, so the write and its events do too.
            var plans = await Task.WhenAll(compute(inputs).Select(async value =>
            {
                var definition = DerivedDefinitionAsync(partnershipId, value);
                var currentRead = store.GetCurrentAsync(partnershipId, value.Code, [period]);
                var seriesRead = store.GetSeriesAsync(partnershipId, value.Code);
                var kpi = await definition;
                var current = await currentRead;
                var series = await seriesRead;
                var figures = new MeasuredValue(period, value.Value, value.Numerator, value.Denominator, kpi.Spec.DataSource, null);
                if (current.TryGetValue(period, out var existing) && existing.SameFigures(figures)) return null;
                return await PlanAsync(Caller.System, partnershipId, kpi, series, [new ValueToWrite(figures, Provenance.Derived)]);
            }));
            var writes = plans.OfType<SeriesPlan>().Select(p => p.Write).ToList();
            var events = plans.OfType<SeriesPlan>().SelectMany(p => p.Events).ToList();
            if (writes.Count == 0) return 0;
            var entry = audit.For(Caller.System, "kpi.derived-recorded", "kpi-derived", kind, null,
                new { Period = period.ToString(), Values = writes.SelectMany(w => w.Measurements).Select(m => new { m.KpiCode, m.Value, m.Revision }).ToList() });
            if (await store.SaveMeasurementsAsync(partnershipId, writes, entry, events, inputs: (kind, inputsVersion)) is not null)
            {
                logger.LogInformation("Derived KPIs {Codes} in {PartnershipId} recorded for {Period}", string.Join(", ", writes.Select(w => w.Series.Code)), partnershipId, period);
                return writes.Count;
            }
        }
        throw new InvalidOperationException($"Derived KPIs of {partnershipId} kept changing; the event will be retried.");
    }

    private async Task<KpiDefinition> DerivedDefinitionAsync(string partnershipId, DerivedValue value)
    {
        if (await store.GetDefinitionAsync(partnershipId, value.Code) is { } existing) return existing.Value;
        var kpi = KpiDefinition.Create(partnershipId, value.Code, value.Spec, Caller.System.Subject, clock.GetUtcNow(), derived: true);
        await store.SaveDefinitionAsync(kpi, 0, audit.For(Caller.System, "kpi.defined", "kpi", value.Code, null, kpi), []);
        // Null: defined meanwhile by another replica's handler; theirs is the definition.
        return (await store.GetDefinitionAsync(partnershipId, value.Code))!.Value;
    }

    /// <summary>
    /// Loads a demo KPI: its definition (validated as the API's, except the owning-agency check: demo data may load before
    /// the partnership's event has arrived), once, and its measurements, each recorded only if its period has none or a
    /// different one (as an import), so loading twice changes nothing. Returns how many measurements were written.
    /// </summary>
    public async Task<Outcome<int>> SeedAsync(string partnershipId, KpiDraft draft, IReadOnlyList<MeasurementDraft> measurements)
    {
        var errors = new ValidationErrors();
        var code = draft.ValidateCode(errors);
        var spec = draft.Validate(errors, partnership: null);
        if (code is null || spec is null) return Outcome<int>.Invalid(errors);
        if (await store.GetDefinitionAsync(partnershipId, code) is null)
        {
            var created = KpiDefinition.Create(partnershipId, code, spec, Caller.System.Subject, clock.GetUtcNow());
            await store.SaveDefinitionAsync(created, 0, audit.For(Caller.System, "kpi.defined", "kpi", code, null, created), [], seedRef: $"kpi:{code}");
        }
        var kpi = (await store.GetDefinitionAsync(partnershipId, code))!.Value;
        var values = new List<MeasuredValue>();
        for (var i = 0; i < measurements.Count; i++)
        {
            var rowErrors = new ValidationErrors();
            if (measurements[i].Validate(kpi, rowErrors) is { } value) values.Add(value);
            foreach (var (field, messages) in rowErrors.ToDictionary()) foreach (var m in messages) errors.Add($"measurements[{i}].{field}", m);
        }
        if (!errors.IsEmpty) return Outcome<int>.Invalid(errors);
        return await OptimisticConcurrency.RetryAsync(null, async () =>
        {
            var series = await store.GetSeriesAsync(partnershipId, code);
            var current = await store.GetCurrentAsync(partnershipId, code, values.Select(v => v.Period));
            var changed = values.Where(v => !current.TryGetValue(v.Period, out var existing) || !existing.SameFigures(v))
                .Select(v => new ValueToWrite(v, Provenance.Imported)).ToList();
            if (changed.Count == 0) return Outcome<int>.Ok(0);
            var plan = await PlanAsync(Caller.System, partnershipId, kpi, series, changed);
            var entry = audit.For(Caller.System, "kpi.demo-loaded", "kpi", code, null, new { Periods = changed.Select(c => c.Value.Period.ToString()).ToList() });
            return await store.SaveMeasurementsAsync(partnershipId, [plan.Write], entry, plan.Events) is null ? null : Outcome<int>.Ok(changed.Count);
        }, Contended);
    }
}
