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
        await MergeInputAsync<ActionState>(partnershipId, Actions, actionId, known => DerivedKpis.Merge(known, priorityId, status, at, overdue));
        return await RecordDerivedAsync(partnershipId, Actions, states => DerivedKpis.FromActions(states.Values.Select(StorageJson.Deserialize<ActionState>).ToList()));
    }

    /// <summary>A risk assessment: as <see cref="ApplyActionEventAsync"/>, for risks above tolerance.</summary>
    public async Task<int> ApplyRiskAssessedAsync(string partnershipId, long riskId, bool aboveTolerance, DateTimeOffset at)
    {
        await MergeInputAsync<RiskState>(partnershipId, Risks, riskId, known => DerivedKpis.Merge(known, aboveTolerance, at));
        return await RecordDerivedAsync(partnershipId, Risks, states => [DerivedKpis.FromRisks(states.Values.Select(StorageJson.Deserialize<RiskState>).ToList())]);
    }

    /// <summary>A funding event about a grant (its confirmation, or spend recorded): as <see cref="ApplyActionEventAsync"/>,
    /// for the share of each grant spent against its profile.</summary>
    public async Task<int> ApplyGrantEventAsync(string partnershipId, string allocationId, string? financialYear, long awardedPence, long? spentPence, DateTimeOffset at)
    {
        await MergeInputAsync<GrantState>(partnershipId, Grants, allocationId, known => DerivedKpis.Merge(known, financialYear, awardedPence, spentPence, at));
        return await RecordDerivedAsync(partnershipId, Grants, states => DerivedKpis.FromGrants(states.ToDictionary(s => s.Key, s => StorageJson.Deserialize<GrantState>(s.Value))));
    }

    private Task MergeInputAsync<TState>(string partnershipId, string kind, long id, Func<TState?, TState> merge) where TState : class =>
        MergeInputAsync(partnershipId, kind, id.ToString(System.Globalization.CultureInfo.InvariantCulture), merge);

    private async Task MergeInputAsync<TState>(string partnershipId, string kind, string key, Func<TState?, TState> merge) where TState : class
    {
        var (inputs, _) = await store.GetDerivedInputsAsync(partnershipId, kind);
        var known = inputs.TryGetValue(key, out var json) ? StorageJson.Deserialize<TState>(json) : null;
        var merged = merge(known);
        if (!Equals(merged, known)) await store.SetDerivedInputAsync(partnershipId, kind, key, StorageJson.Serialize(merged));
    }

    /// <summary>
    /// Records derived values for the current financial quarter, computed from the inputs of <paramref name="kind"/> as
    /// they are now, defining a derived KPI the first time. A value equal to the quarter's current one is left alone (no
    /// revision), so recomputing after a redelivered event writes nothing. All changed KPIs are written in one
    /// transaction, on condition that the inputs did not change meanwhile (else read and computed again).
    /// </summary>
    public async Task<int> RecordDerivedAsync(string partnershipId, string kind, Func<IReadOnlyDictionary<string, string>, IReadOnlyList<DerivedValue>> compute)
    {
        var period = Period.Containing(Today, Frequency.Quarterly);
        for (var attempt = 0; attempt < OptimisticConcurrency.Attempts * 2; attempt++)
        {
            var (inputs, inputsVersion) = await store.GetDerivedInputsAsync(partnershipId, kind);
            var writes = new List<SeriesWrite>();
            var events = new List<Csp.BuildingBlocks.EventBus.PendingEvent>();
            foreach (var value in compute(inputs))
            {
                var kpi = await DerivedDefinitionAsync(partnershipId, value);
                var current = await store.GetCurrentAsync(partnershipId, value.Code, [period]);
                var figures = new MeasuredValue(period, value.Value, value.Numerator, value.Denominator, kpi.Spec.DataSource, null);
                if (current.TryGetValue(period, out var existing) && existing.SameFigures(figures)) continue;
                var plan = await PlanAsync(Caller.System, partnershipId, kpi, await store.GetSeriesAsync(partnershipId, value.Code), [new ValueToWrite(figures, Provenance.Derived)]);
                writes.Add(plan.Write);
                events.AddRange(plan.Events);
            }
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
