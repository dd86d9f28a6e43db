using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;
using DefinitionOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Kpi.Domain.KpiDefinition>>;

namespace Csp.Kpi.Commands;

/// <summary>
/// Every write of the KPI service: load, check who may, apply the domain rule, store with its audit entry and events, and
/// say how it went. REST endpoints, imports, the event handlers of derived KPIs and the demo loader all write through
/// here. This file: definitions. Measurements (record, revise, import) are in <c>KpiCommands.Measurements.cs</c>; the
/// platform's own writes (derived KPIs, demo data) in <c>KpiCommands.System.cs</c>.
/// </summary>
public sealed partial class KpiCommands(KpiStore store, AuditEntries audit, TimeProvider clock, ILogger<KpiCommands> logger)
{
    private const string Contended = "The KPI's measurements are being changed by others right now; try again.";

    public DateOnly Today => UkTime.Today(clock);

    /// <summary>Defines a KPI (the manager). A code already defined is 409.</summary>
    public async Task<DefinitionOutcome> DefineAsync(Member<KnownPartnership> member, KpiDraft draft, IdempotentWrite<Versioned<KpiDefinition>>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        if (!AccessRules.CanDefine(caller, partnershipId)) return DefinitionOutcome.Forbidden("Only the partnership's manager defines KPIs.");
        var errors = new ValidationErrors();
        var code = draft.ValidateCode(errors);
        var spec = draft.Validate(errors, member.Partnership);
        if (code is null || spec is null) return DefinitionOutcome.Invalid(errors);
        if (await store.GetDefinitionAsync(partnershipId, code) is not null) return DefinitionOutcome.Conflict($"KPI '{code}' is already defined: change it with PUT and If-Match.");
        var kpi = KpiDefinition.Create(partnershipId, code, spec, caller.Subject, clock.GetUtcNow());
        var version = await store.SaveDefinitionAsync(kpi, 0, audit.For(caller, "kpi.defined", "kpi", code, null, kpi), [], reply: once?.Prepare(new(kpi, 1)));
        if (version is null) return DefinitionOutcome.Conflict($"KPI '{code}' is already defined.");
        logger.LogInformation("KPI {Code} defined in {PartnershipId} by {Subject}", code, partnershipId, caller.Subject);
        return DefinitionOutcome.Ok(new(kpi, version.Value));
    }

    /// <summary>
    /// Changes a KPI's definition (the manager), making a new version; If-Match is required. Its unit and frequency stay as
    /// they are (its measurements are in them): a KPI measured differently is a new KPI. Past RAGs keep the version they
    /// were judged against.
    /// </summary>
    public async Task<DefinitionOutcome> ChangeAsync(Member<KnownPartnership> member, string code, KpiDraft draft, IfMatch? ifMatch)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var current = await store.GetDefinitionAsync(partnershipId, code);
        if (current is null) return DefinitionOutcome.NotFound($"KPI '{code}'");
        if (!AccessRules.CanDefine(caller, partnershipId)) return DefinitionOutcome.Forbidden("Only the partnership's manager changes a KPI's definition.");
        if (ifMatch is null) return DefinitionOutcome.IfMatchRequired();
        if (!ifMatch.Matches(current.Version)) return DefinitionOutcome.Stale();
        var errors = new ValidationErrors();
        if (draft.Code is not null && draft.Code != code) errors.Add("code", "is the KPI's identity and cannot change: define a new KPI instead");
        var spec = draft.Validate(errors, member.Partnership);
        if (spec is not null && spec.Unit != current.Value.Spec.Unit) errors.Add("unit", $"cannot change (it is {ApiJson.Name(current.Value.Spec.Unit)}): its measurements are in it; define a new KPI instead");
        if (spec is not null && spec.Frequency != current.Value.Spec.Frequency) errors.Add("frequency", $"cannot change (it is {ApiJson.Name(current.Value.Spec.Frequency)}): its periods are in it; define a new KPI instead");
        if (spec is null || !errors.IsEmpty) return DefinitionOutcome.Invalid(errors);
        var changed = current.Value.Change(spec, caller.Subject, clock.GetUtcNow());
        var version = await store.SaveDefinitionAsync(changed, current.Version, audit.For(caller, "kpi.changed", "kpi", code, current.Value, changed), []);
        if (version is null) return DefinitionOutcome.Stale();
        logger.LogInformation("KPI {Code} in {PartnershipId} changed to version {Version} by {Subject}", code, partnershipId, changed.Version, caller.Subject);
        return DefinitionOutcome.Ok(new(changed, version.Value));
    }
}
