using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain;
using Csp.Kpi.Domain.Imports;
using Csp.Kpi.Storage;
using ImportOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.Kpi.Domain.ImportReport>;

namespace Csp.Kpi.Commands;

/// <summary>Imports: a file read by the imports' parsers, every row checked against the definitions, stored all or nothing.</summary>
public sealed partial class KpiCommands
{
    /// <summary>
    /// Imports a file. The whole file is checked first: the parser's problems and this service's (an unknown KPI code, a
    /// derived KPI, a period of the wrong frequency, a value in the wrong unit, a rate without its denominator, one KPI and
    /// period twice) are reported together, each named <c>lines[n].field</c>, and then nothing is stored. A row that says
    /// what is stored already is left alone; one that differs is a revision. Everything is written in one transaction.
    /// Who may: for every KPI in the file, a partner of its owning agency or the manager (else 403, nothing stored).
    /// </summary>
    public async Task<ImportOutcome> ImportAsync(Member<KnownPartnership> member, ImportKind kind, ImportDraft draft)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var errors = new ValidationErrors();
        var result = draft.Read(kind, errors);
        if (result is null) return ImportOutcome.Invalid(errors);
        foreach (var p in result.Problems) errors.Add(ImportProblems.Field(p.Line, p.Field), p.Message);

        var definitions = (await store.ListDefinitionsAsync(partnershipId)).ToDictionary(d => d.Value.Code, d => d.Value, StringComparer.Ordinal);
        var byKpi = new Dictionary<string, List<(ImportedMeasurement Row, MeasuredValue Value)>>(StringComparer.Ordinal);
        var seen = new Dictionary<(string, string), int>();
        var forbidden = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var row in result.Rows)
        {
            // Codes are slugs; a file may write them in capitals (CFO-HUB-REFERRALS).
            var code = row.KpiCode.Trim().ToLowerInvariant();
            if (!definitions.TryGetValue(code, out var kpi)) { errors.Add(ImportProblems.Field(row.Line, "kpi_code"), $"'{row.KpiCode}' is not a KPI of this partnership"); continue; }
            if (kpi.Derived) { errors.Add(ImportProblems.Field(row.Line, "kpi_code"), $"{code} is derived from other services' events and is never imported"); continue; }
            if (!AccessRules.CanRecord(caller, kpi)) { forbidden.Add(code); continue; }
            if (seen.TryGetValue((code, row.Period), out var first))
            {
                errors.Add(ImportProblems.Field(row.Line, "period"), $"{code} {row.Period} is already on line {first}");
                continue;
            }
            seen[(code, row.Period)] = row.Line;
            var rowErrors = new ValidationErrors();
            var value = new MeasurementDraft(row.Period, row.Value, row.Numerator, row.Denominator, row.Source, row.Note).Validate(kpi, rowErrors);
            foreach (var (field, messages) in rowErrors.ToDictionary())
                foreach (var message in messages) errors.Add(ImportProblems.Field(row.Line, field == "kpiCode" ? "kpi_code" : field), message);
            if (value is not null) (byKpi.TryGetValue(code, out var list) ? list : byKpi[code] = []).Add((row, value));
        }
        if (forbidden.Count > 0)
            return ImportOutcome.Forbidden($"Only partners of the owning agency or the manager record measurements of: {string.Join(", ", forbidden)}. Nothing was imported.");
        if (!errors.IsEmpty) return ImportOutcome.Invalid(errors);

        return await OptimisticConcurrency.RetryAsync(null, async () =>
        {
            var writes = new List<SeriesWrite>();
            var events = new List<PendingEvent>();
            int recorded = 0, revised = 0, unchanged = 0;
            foreach (var (code, rows) in byKpi.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var kpi = definitions[code];
                var series = await store.GetSeriesAsync(partnershipId, code);
                var current = await store.GetCurrentAsync(partnershipId, code, rows.Select(r => r.Value.Period));
                var changed = new List<ValueToWrite>();
                foreach (var (_, value) in rows)
                {
                    if (!current.TryGetValue(value.Period, out var existing)) recorded++;
                    else if (existing.SameFigures(value)) { unchanged++; continue; }
                    else revised++;
                    changed.Add(new ValueToWrite(value, Provenance.Imported));
                }
                if (changed.Count == 0) continue;
                var plan = await PlanAsync(caller, partnershipId, kpi, series, changed);
                writes.Add(plan.Write);
                events.AddRange(plan.Events);
            }
            var report = new ImportReport(kind, result.Rows.Count, recorded, revised, unchanged, byKpi.Keys.Order(StringComparer.Ordinal).ToList());
            if (writes.Count == 0) return ImportOutcome.Ok(report);
            var entry = audit.For(caller, "kpi.measurements-imported", "kpi-import", ApiJson.Name(kind), null, report);
            if (await store.SaveMeasurementsAsync(partnershipId, writes, entry, events) is null) return null;
            logger.LogInformation("Import {Kind} into {PartnershipId} by {Subject}: {Recorded} recorded, {Revised} revised, {Unchanged} unchanged",
                kind, partnershipId, caller.Subject, recorded, revised, unchanged);
            return ImportOutcome.Ok(report);
        }, Contended);
    }
}
