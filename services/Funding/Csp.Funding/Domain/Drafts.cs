using System.Text.Json;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;

namespace Csp.Funding.Domain;

// What callers send, and how each is checked into domain values. Amounts are JSON strings or numbers with at most two
// decimal places (Money.Read); every error names the field as the caller sent it.

/// <summary>A new funder (platform admin).</summary>
public sealed record FunderDraft(string? Id, string? Name, string? OrgId)
{
    public (string Id, string Name, string? OrgId)? Validate(ValidationErrors errors)
    {
        if (!Slug.IsValid(Id)) errors.Add("id", "is required: a lower-case slug such as kent-pcc");
        var name = errors.RequiredText("name", Name, 200);
        var orgId = errors.OptionalText("orgId", OrgId, 100);
        return errors.IsEmpty ? (Id!, name!, orgId) : null;
    }
}

/// <summary>A new programme: title, financial year, pot, conditions and an optional formula (weights in whole percent).</summary>
public sealed record ProgrammeDraft(string? Id, string? Title, string? Year, JsonElement? Pot, string? Conditions, IReadOnlyList<FormulaWeightDraft>? Formula)
{
    public (string Id, string Title, FinancialYear Year, Money Pot, string? Conditions, AllocationFormula? Formula)? Validate(ValidationErrors errors)
    {
        if (!Slug.IsValid(Id)) errors.Add("id", "is required: a lower-case slug such as crg-2024-25");
        var title = errors.RequiredText("title", Title, 200);
        var year = Periods.ReadYear("year", Year, errors);
        var pot = Money.Read("pot", Pot, errors);
        var conditions = errors.OptionalText("conditions", Conditions, 4000);
        AllocationFormula? formula = null;
        if (Formula is { Count: > 0 })
        {
            var weights = new List<FormulaWeight>();
            for (var i = 0; i < Formula.Count; i++)
            {
                var w = Formula[i];
                if (w.Factor is not { } factor) { errors.Add($"formula[{i}].factor", "is required: population, crime or non-crime-demand"); continue; }
                if (w.Percent is not (>= 0 and <= 100)) { errors.Add($"formula[{i}].percent", "must be a whole percent from 0 to 100"); continue; }
                if (weights.Any(x => x.Factor == factor)) { errors.Add($"formula[{i}].factor", "appears more than once"); continue; }
                weights.Add(new FormulaWeight(factor, w.Percent.Value));
            }
            if (errors.IsEmpty && weights.Sum(w => w.Percent) != 100) errors.Add("formula", $"the weights add up to {weights.Sum(w => w.Percent)}%, not 100%");
            formula = new AllocationFormula(weights);
        }
        return errors.IsEmpty ? (Id!, title!, year!.Value, pot!.Value, conditions, formula) : null;
    }
}

public sealed record FormulaWeightDraft(FormulaFactor? Factor, int? Percent);

/// <summary>The formula's inputs, one row per partnership.</summary>
public sealed record ProposalDraft(IReadOnlyList<FormulaInputDraft>? Inputs)
{
    public IReadOnlyList<FormulaInput>? Validate(ValidationErrors errors)
    {
        if (Inputs is not { Count: > 0 }) { errors.Add("inputs", "give at least one partnership's inputs"); return null; }
        var inputs = new List<FormulaInput>();
        for (var i = 0; i < Inputs.Count; i++)
        {
            var x = Inputs[i];
            if (!Slug.IsValid(x.PartnershipId)) errors.Add($"inputs[{i}].partnershipId", "is required: a partnership id such as medway");
            if (x.Population is not >= 0) errors.Add($"inputs[{i}].population", "must be a whole number, zero or more");
            if (x.Crime is not >= 0) errors.Add($"inputs[{i}].crime", "must be a whole number, zero or more");
            if (x.NonCrimeDemand is not >= 0) errors.Add($"inputs[{i}].nonCrimeDemand", "must be a whole number, zero or more");
            if (x.Population > 100_000_000_000 || x.Crime > 100_000_000_000 || x.NonCrimeDemand > 100_000_000_000) errors.Add($"inputs[{i}]", "counts are at most 100,000,000,000");
            if (errors.IsEmpty) inputs.Add(new FormulaInput(x.PartnershipId!, x.Population!.Value, x.Crime!.Value, x.NonCrimeDemand!.Value));
        }
        return errors.IsEmpty ? inputs : null;
    }
}

public sealed record FormulaInputDraft(string? PartnershipId, long? Population, long? Crime, long? NonCrimeDemand);

/// <summary>A new allocation to a partnership (the funder's finance officer): the amount awarded and, when it differs
/// from the formula's proposal, why.</summary>
public sealed record AllocationDraft(string? ProgrammeId, JsonElement? Amount, string? AdjustmentReason, string? Purpose)
{
    public (string ProgrammeId, Money Amount, string? AdjustmentReason, string? Purpose)? Validate(ValidationErrors errors)
    {
        if (!Slug.IsValid(ProgrammeId)) errors.Add("programmeId", "is required: the programme's id");
        var amount = Money.Read("amount", Amount, errors);
        var reason = errors.OptionalText("adjustmentReason", AdjustmentReason, 2000);
        var purpose = errors.OptionalText("purpose", Purpose, 2000);
        return errors.IsEmpty ? (ProgrammeId!, amount!.Value, reason, purpose) : null;
    }
}

/// <summary>The Police and Crime Panel's approval: its date and reference.</summary>
public sealed record ConfirmationDraft(DateOnly? PanelDate, string? PanelReference)
{
    public (DateOnly PanelDate, string Reference)? Validate(ValidationErrors errors)
    {
        if (PanelDate is null) errors.Add("panelDate", "is required: the date the Police and Crime Panel approved the budget");
        var reference = errors.RequiredText("panelReference", PanelReference, 200);
        return errors.IsEmpty ? (PanelDate!.Value, reference!) : null;
    }
}

/// <summary>A reason (withdrawal, rejection, a returned return).</summary>
public sealed record ReasonDraft(string? Reason)
{
    public string? Validate(ValidationErrors errors) => errors.RequiredText("reason", Reason, 2000);
}

/// <summary>A decision on a project, a return or a variation: approve/accept or not, with a reason when not.</summary>
public sealed record DecisionDraft(bool? Approve, string? Reason)
{
    public (bool Approve, string? Reason)? Validate(ValidationErrors errors)
    {
        if (Approve is null) errors.Add("approve", "is required: true to approve (accept), false to reject (return)");
        var reason = Approve == false ? errors.RequiredText("reason", Reason, 2000) : errors.OptionalText("reason", Reason, 2000);
        return errors.IsEmpty ? (Approve!.Value, reason) : null;
    }
}

public sealed record ProjectDetails(string Title, string LeadAgencyId, Money Amount, IReadOnlyList<long> ActionIds, IReadOnlyList<string> Measures);

/// <summary>A project or business case: title, lead agency, amount, the actions it delivers and up to three agreed measures.</summary>
public sealed record ProjectDraft(string? Title, string? LeadAgencyId, JsonElement? Amount, IReadOnlyList<long>? ActionIds, IReadOnlyList<string?>? Measures)
{
    public const int MaxMeasures = 3;

    /// <param name="partnership">The partnership's copy, to check the lead agency; null for demo data loaded before the copy arrives.</param>
    public ProjectDetails? Validate(ValidationErrors errors, KnownPartnership? partnership)
    {
        var title = errors.RequiredText("title", Title, 200);
        if (!Slug.IsValid(LeadAgencyId)) errors.Add("leadAgencyId", "is required: an agency id such as medway-council");
        else if (partnership is not null && !partnership.HasAgency(LeadAgencyId!)) errors.Add("leadAgencyId", $"{LeadAgencyId} is not an agency of this partnership");
        var amount = Money.Read("amount", Amount, errors);
        var actionIds = ActionIds ?? [];
        if (actionIds.Any(a => a <= 0)) errors.Add("actionIds", "must be ids of actions in this partnership's action plan");
        if (actionIds.Distinct().Count() != actionIds.Count) errors.Add("actionIds", "lists an action more than once");
        if (actionIds.Count > 20) errors.Add("actionIds", "at most 20 actions");
        var measures = new List<string>();
        var given = Measures ?? [];
        if (given.Count > MaxMeasures) errors.Add("measures", $"at most {MaxMeasures} agreed measures per project");
        else
            for (var i = 0; i < given.Count; i++)
                if (errors.RequiredText($"measures[{i}]", given[i], 200) is { } m) measures.Add(m);
        return errors.IsEmpty ? new ProjectDetails(title!, LeadAgencyId!, amount!.Value, actionIds, measures) : null;
    }
}

/// <summary>The end of a project: completed (delivered) or closed, with an optional note.</summary>
public sealed record ProjectEndDraft(ProjectStatus? Status, string? Reason)
{
    public (ProjectStatus Status, string? Reason)? Validate(ValidationErrors errors)
    {
        if (Status is not (ProjectStatus.Completed or ProjectStatus.Closed)) errors.Add("status", "is required: completed or closed");
        var reason = errors.OptionalText("reason", Reason, 2000);
        return errors.IsEmpty ? (Status!.Value, reason) : null;
    }
}

/// <summary>A payment schedule: a template's name (<see cref="ScheduleTemplates"/>), or the tranches themselves.</summary>
public sealed record ScheduleDraft(string? Template, IReadOnlyList<TrancheDraft>? Tranches)
{
    public IReadOnlyList<TrancheDraftValue>? Validate(Money award, FinancialYear year, ValidationErrors errors)
    {
        if ((Template is null) == (Tranches is null)) { errors.Add("template", "give either a template or the tranches, not both"); return null; }
        if (Template is not null)
        {
            if (!ScheduleTemplates.All.TryGetValue(Template, out var parts)) { errors.Add("template", $"must be one of: {string.Join(", ", ScheduleTemplates.All.Keys)}"); return null; }
            return ScheduleTemplates.Apply(parts, award, year);
        }
        if (Tranches is not { Count: > 0 and <= 12 }) { errors.Add("tranches", "give from 1 to 12 tranches"); return null; }
        var values = new List<TrancheDraftValue>();
        for (var i = 0; i < Tranches!.Count; i++)
        {
            var t = Tranches[i];
            var label = errors.RequiredText($"tranches[{i}].label", t.Label, 200);
            var amount = Money.Read($"tranches[{i}].amount", t.Amount, errors, allowZero: true);
            FinancialQuarter? waits = null;
            if (t.WaitsOnReturn is not null) waits = Periods.ReadQuarter($"tranches[{i}].waitsOnReturn", t.WaitsOnReturn, errors);
            var condition = waits is not null ? TrancheCondition.ReturnAccepted : t.OnBusinessCases == true ? TrancheCondition.BusinessCasesApproved : TrancheCondition.None;
            if (label is not null && amount is not null) values.Add(new TrancheDraftValue(label, amount.Value, condition, waits));
        }
        return errors.IsEmpty ? values : null;
    }
}

public sealed record TrancheDraft(string? Label, JsonElement? Amount, string? WaitsOnReturn, bool? OnBusinessCases);

/// <summary>A sign-off of a return by the partnership's finance contact, with an optional note.</summary>
public sealed record SignOffDraft(string? Note)
{
    public string? Validate(ValidationErrors errors) => errors.OptionalText("note", Note, 2000);
}

/// <summary>Why a scheduled tranche is cancelled (optional).</summary>
public sealed record CancelDraft(string? Reason)
{
    public string? Validate(ValidationErrors errors) => errors.OptionalText("reason", Reason, 2000);
}

/// <summary>A tranche's release: the date it was paid (today unless given).</summary>
public sealed record ReleaseDraft(DateOnly? ReleasedOn);

public sealed record SpendDetails(int ProjectId, DateOnly Date, Money Amount, string Description, string? EvidenceReference, int? CorrectsEntryId);

/// <summary>A spend entry: date, amount, project, description, evidence reference; a correction is negative and names the entry it corrects.</summary>
public sealed record SpendDraft(int? ProjectId, DateOnly? Date, JsonElement? Amount, string? Description, string? EvidenceReference, int? CorrectsEntryId)
{
    public SpendDetails? Validate(ValidationErrors errors)
    {
        if (ProjectId is not > 0) errors.Add("projectId", "is required: the project the money was spent on");
        if (Date is null) errors.Add("date", "is required: the date of the spend (yyyy-MM-dd)");
        var amount = Money.Read("amount", Amount, errors, allowNegative: true);
        var description = errors.RequiredText("description", Description, 500);
        var evidence = errors.OptionalText("evidenceReference", EvidenceReference, 200);
        if (CorrectsEntryId is <= 0) errors.Add("correctsEntryId", "must be the id of an earlier spend entry");
        return errors.IsEmpty ? new SpendDetails(ProjectId!.Value, Date!.Value, amount!.Value, description!, evidence, CorrectsEntryId) : null;
    }
}

public sealed record ReturnDetails(FinancialQuarter Quarter, IReadOnlyList<ReturnSpendLine> SpendToDate, string Narrative, IReadOnlyList<MeasureValue> Measures, Money ForecastOutturn);

/// <summary>A quarterly monitoring return: spend to date per project, progress narrative, the measures' values and a forecast outturn.</summary>
public sealed record ReturnDraft(string? Quarter, IReadOnlyList<ReturnLineDraft>? SpendToDate, string? Narrative, IReadOnlyList<MeasureValueDraft>? Measures, JsonElement? ForecastOutturn)
{
    public ReturnDetails? Validate(ValidationErrors errors)
    {
        var quarter = Periods.ReadQuarter("quarter", Quarter, errors);
        var lines = new List<ReturnSpendLine>();
        var given = SpendToDate ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i].ProjectId is not > 0) errors.Add($"spendToDate[{i}].projectId", "is required");
            var spent = Money.Read($"spendToDate[{i}].spent", given[i].Spent, errors, allowZero: true);
            if (given[i].ProjectId is > 0 && spent is not null) lines.Add(new ReturnSpendLine(given[i].ProjectId!.Value, spent.Value));
        }
        var narrative = errors.RequiredText("narrative", Narrative, 8000);
        var measures = new List<MeasureValue>();
        var values = Measures ?? [];
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].ProjectId is not > 0) errors.Add($"measures[{i}].projectId", "is required");
            var m = errors.RequiredText($"measures[{i}].measure", values[i].Measure, 200);
            var v = errors.RequiredText($"measures[{i}].value", values[i].Value, 200);
            if (values[i].ProjectId is > 0 && m is not null && v is not null) measures.Add(new MeasureValue(values[i].ProjectId!.Value, m, v));
        }
        var forecast = Money.Read("forecastOutturn", ForecastOutturn, errors, allowZero: true);
        return errors.IsEmpty ? new ReturnDetails(quarter!.Value, lines, narrative!, measures, forecast!.Value) : null;
    }
}

public sealed record ReturnLineDraft(int? ProjectId, JsonElement? Spent);

public sealed record MeasureValueDraft(int? ProjectId, string? Measure, string? Value);

public sealed record VariationDetails(VariationKind Kind, Money? NewAmount, DateOnly? NewEndDate, int? FromProjectId, int? ToProjectId, Money? VirementAmount, string Reason);

/// <summary>A variation request: kind <c>amount</c> (newAmount), <c>end-date</c> (newEndDate) or <c>virement</c> (fromProjectId, toProjectId, amount); and why.</summary>
public sealed record VariationDraft(VariationKind? Kind, JsonElement? NewAmount, DateOnly? NewEndDate, int? FromProjectId, int? ToProjectId, JsonElement? Amount, string? Reason)
{
    public VariationDetails? Validate(ValidationErrors errors)
    {
        var reason = errors.RequiredText("reason", Reason, 2000);
        Money? newAmount = null, virement = null;
        switch (Kind)
        {
            case null: errors.Add("kind", "is required: amount, end-date or virement"); break;
            case VariationKind.Amount: newAmount = Money.Read("newAmount", NewAmount, errors); break;
            case VariationKind.EndDate: if (NewEndDate is null) errors.Add("newEndDate", "is required for an end-date variation"); break;
            case VariationKind.Virement:
                if (FromProjectId is not > 0) errors.Add("fromProjectId", "is required for a virement");
                if (ToProjectId is not > 0) errors.Add("toProjectId", "is required for a virement");
                if (FromProjectId is > 0 && FromProjectId == ToProjectId) errors.Add("toProjectId", "must differ from fromProjectId");
                virement = Money.Read("amount", Amount, errors);
                break;
        }
        return errors.IsEmpty ? new VariationDetails(Kind!.Value, newAmount, NewEndDate, FromProjectId, ToProjectId, virement, reason!) : null;
    }
}

/// <summary>The year end: the outturn, when the underspend was returned and the funder's reference for it.</summary>
public sealed record YearEndDraft(JsonElement? Outturn, DateOnly? ReturnedOn, string? ReturnReference)
{
    public (Money Outturn, DateOnly? ReturnedOn, string? Reference)? Validate(ValidationErrors errors)
    {
        var outturn = Money.Read("outturn", Outturn, errors, allowZero: true);
        var reference = errors.OptionalText("returnReference", ReturnReference, 200);
        return errors.IsEmpty ? (outturn!.Value, ReturnedOn, reference) : null;
    }
}
