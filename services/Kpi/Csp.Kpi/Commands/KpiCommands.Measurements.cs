using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;
using MeasurementOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.Kpi.Commands.Recorded>;

namespace Csp.Kpi.Commands;

/// <summary>A measurement as recorded, and the version of its KPI's series after the write.</summary>
public sealed record Recorded(Measurement Measurement, long SeriesVersion);

/// <summary>A value to write for one KPI, and how it came.</summary>
public sealed record ValueToWrite(MeasuredValue Value, Provenance Provenance);

/// <summary>What one KPI's write consists of: the series write and its events.</summary>
public sealed record SeriesPlan(SeriesWrite Write, IReadOnlyList<Measurement> Recorded, IReadOnlyList<PendingEvent> Events);

/// <summary>Measurements: record, revise, and the planning every write of measurements shares (RAG, trends, RAG change).</summary>
public sealed partial class KpiCommands
{
    /// <summary>Records a period's first measurement (partners of the owning agency, the manager). A period that has one
    /// already is 409 (revise it instead); a derived KPI is measured by the platform only (403).</summary>
    public async Task<MeasurementOutcome> RecordAsync(Member<KnownPartnership> member, string code, MeasurementDraft draft, IdempotentWrite<Recorded>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var kpi = await store.GetDefinitionAsync(partnershipId, code);
        if (kpi is null) return MeasurementOutcome.NotFound($"KPI '{code}'");
        if (Refuse(caller, kpi.Value) is { } refusal) return refusal;
        var errors = new ValidationErrors();
        var value = draft.Validate(kpi.Value, errors);
        if (value is null) return MeasurementOutcome.Invalid(errors);
        return await OptimisticConcurrency.RetryAsync(null, async () =>
        {
            var series = await store.GetSeriesAsync(partnershipId, code);
            if ((await store.GetCurrentAsync(partnershipId, code, [value.Period])).ContainsKey(value.Period))
                return MeasurementOutcome.Conflict($"{code} already has a measurement for {value.Period}: revise it (POST .../measurements/{value.Period}/revisions).");
            return await SaveOneAsync(caller, partnershipId, kpi.Value, series, new ValueToWrite(value, Provenance.Manual), "kpi.measurement-recorded", once);
        }, Contended);
    }

    /// <summary>Revises a period's measurement: a new measurement for the period, the earlier one kept as superseded.
    /// A period with no measurement is 400 naming <c>period</c>. With If-Match (the period's current revision) a stale
    /// one is 412.</summary>
    public async Task<MeasurementOutcome> ReviseAsync(Member<KnownPartnership> member, string code, string period, MeasurementDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Recorded>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var kpi = await store.GetDefinitionAsync(partnershipId, code);
        if (kpi is null) return MeasurementOutcome.NotFound($"KPI '{code}'");
        if (Refuse(caller, kpi.Value) is { } refusal) return refusal;
        var errors = new ValidationErrors();
        var value = draft.Validate(kpi.Value, errors, fixedPeriod: period);
        if (value is null) return MeasurementOutcome.Invalid(errors);
        return await OptimisticConcurrency.RetryAsync(null, async () =>
        {
            var series = await store.GetSeriesAsync(partnershipId, code);
            if (!(await store.GetCurrentAsync(partnershipId, code, [value.Period])).TryGetValue(value.Period, out var current))
                return MeasurementOutcome.Invalid(new ValidationErrors().Add("period", $"{code} has no measurement for {value.Period} to revise: record one first"));
            if (ifMatch is not null && !ifMatch.Matches(current.Revision)) return MeasurementOutcome.Stale();
            return await SaveOneAsync(caller, partnershipId, kpi.Value, series, new ValueToWrite(value, Provenance.Manual), "kpi.measurement-revised", once);
        }, Contended);
    }

    private static MeasurementOutcome? Refuse(Caller caller, KpiDefinition kpi)
    {
        if (!AccessRules.CanRecord(caller, kpi))
            return MeasurementOutcome.Forbidden($"Only partners of the owning agency ({kpi.Spec.OwningAgencyId}) or the manager record measurements of {kpi.Code}.");
        if (kpi.Derived) return MeasurementOutcome.Forbidden($"{kpi.Code} is derived from other services' events and is never typed in.");
        return null;
    }

    private async Task<MeasurementOutcome?> SaveOneAsync(Caller caller, string partnershipId, KpiDefinition kpi, Versioned<KpiSeries> series, ValueToWrite value,
        string action, IdempotentWrite<Recorded>? once)
    {
        var plan = await PlanAsync(caller, partnershipId, kpi, series, [value]);
        var measurement = plan.Recorded[0];
        var entry = audit.For(caller, action, "kpi", kpi.Code, null, measurement);
        var saved = await store.SaveMeasurementsAsync(partnershipId, [plan.Write], entry, plan.Events,
            reply: once?.Prepare(new Recorded(measurement, series.Version + 1)));
        if (saved is null) return null;
        logger.LogInformation("KPI {Code} in {PartnershipId}: {Period} revision {Revision} recorded by {Subject}", kpi.Code, partnershipId, measurement.Period, measurement.Revision, caller.Subject);
        return MeasurementOutcome.Ok(new Recorded(measurement, saved.Value));
    }

    /// <summary>
    /// Plans a write of one KPI's values: each becomes the period's next revision, judged (RAG with its reason) against
    /// <paramref name="kpi"/>; the scorecard rows of the periods written are made, and those of the periods that compare
    /// with them (the next period, the same period next year) get their trends again; the series notes a change of the
    /// KPI's current RAG. Reads the current measurements it needs in one round trip.
    /// </summary>
    public async Task<SeriesPlan> PlanAsync(Caller caller, string partnershipId, KpiDefinition kpi, Versioned<KpiSeries> series, IReadOnlyList<ValueToWrite> values)
    {
        var at = clock.GetUtcNow();
        var ordered = values.OrderBy(v => v.Value.Period.Ordinal).ToList();
        var written = ordered.Select(v => v.Value.Period).ToList();
        var perYear = written.Count > 0 ? written[0].PerYear : 1;
        var affected = written.SelectMany(p => new[] { p, p.Next, p.Minus(-perYear) }).Distinct().ToList();
        var needed = affected.SelectMany(p => new[] { p, p.Previous, p.SamePeriodLastYear }).Distinct();
        // The KPI's latest period after the write, and what its scorecard entry needs besides the rows written: read
        // together with the current measurements (pipelined: one round trip).
        var latest = written.Count == 0 ? series.Value.LatestPeriod : series.Value.LatestPeriod is { } l && l > written[^1] ? l : written[^1];
        var entryInputsRead = latest is { } lp ? store.GetEntryInputsAsync(partnershipId, kpi.Code, lp, Scorecards.WindowEndingAt(lp)) : null;
        var current = new Dictionary<Period, Measurement>(await store.GetCurrentAsync(partnershipId, kpi.Code, needed));

        var recorded = new List<Measurement>();
        var events = new List<PendingEvent>();
        var s = series.Value;
        foreach (var (value, provenance) in ordered)
        {
            var p = value.Period;
            var revision = current.TryGetValue(p, out var existing) ? existing.Revision + 1 : 1;
            var m = new Measurement(kpi.Code, p, revision, value.Value, value.Numerator, value.Denominator, value.Source, value.Note, provenance,
                caller.Subject, caller.Name, at, RagRules.Judge(kpi, p, value.Value));
            current[p] = m;
            recorded.Add(m);
            events.Add(KpiEvents.Recorded(partnershipId, kpi, m));
        }
        var rows = affected.Where(current.ContainsKey)
            .Select(p => ScoreRow.For(kpi.Spec, current[p], current.GetValueOrDefault(p.Previous), current.GetValueOrDefault(p.SamePeriodLastYear)))
            .ToList();
        foreach (var row in rows.Where(r => written.Contains(r.Period)))
        {
            s = s.With(row, out var change);
            if (change is not null) events.Add(KpiEvents.RagChanged(partnershipId, kpi, change, at));
        }
        ScorecardEntry? entry = null;
        if (entryInputsRead is not null && s.LatestPeriod is { } newest)
        {
            var (storedLatest, storedValues) = await entryInputsRead;
            entry = Scorecards.Entry(kpi, newest, rows, storedLatest, storedValues);
        }
        return new SeriesPlan(new SeriesWrite(s, series.Version, recorded, rows, entry), recorded, events);
    }
}
