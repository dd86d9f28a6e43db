using Csp.BuildingBlocks.Validation;

namespace Csp.Risk.Domain;

/// <summary>What the manager sends to add (or revise) a risk; every field optional here so a missing one is reported by
/// name. On creation the first assessment comes with it (<c>current</c>, <c>rationale</c>, optional <c>inherent</c>, <c>target</c>).</summary>
public sealed record RiskDraft(
    string? Register = null, string? Title = null, string? Summary = null, string? Cause = null, string? Event = null, string? Consequence = null, string? Category = null,
    string? OwningAgencyId = null, string? Owner = null, string? ExistingControls = null, string? MitigatingActions = null, Treatment? Treatment = null,
    ReviewFrequency? ReviewFrequency = null, DateOnly? NextReviewDate = null,
    string? Inherent = null, string? Current = null, string? Target = null, string? Rationale = null)
{
    public const string DefaultRegister = "csp";
    public const int TitleMax = 200;
    public const int TextMax = 4000;
    public const int ShortMax = 120;

    /// <summary>The details of a risk; the register is a slug (default <c>csp</c>), the owning agency a slug such as <c>medway-council</c>.</summary>
    /// <param name="partnership">The partnership as this service knows it; the owning agency must be one of its agencies.
    /// Null only for trusted demo data loaded before the partnership's event has arrived.</param>
    public RiskDetails? ValidateDetails(ValidationErrors errors, out string register, KnownPartnership? partnership)
    {
        register = string.IsNullOrWhiteSpace(Register) ? DefaultRegister : Register;
        if (!Slug.IsValid(register)) errors.Add("register", "must be a lower-case slug such as 'csp' or 'medway-task-force'");
        var title = errors.RequiredText("title", Title, TitleMax);
        var summary = errors.OptionalText("summary", Summary, TextMax);
        var cause = errors.OptionalText("cause", Cause, TextMax);
        var @event = errors.OptionalText("event", Event, TextMax);
        var consequence = errors.OptionalText("consequence", Consequence, TextMax);
        var category = errors.OptionalText("category", Category, ShortMax);
        if (string.IsNullOrWhiteSpace(OwningAgencyId)) errors.Add("owningAgencyId", "is required");
        else if (!Slug.IsValid(OwningAgencyId)) errors.Add("owningAgencyId", "must be an agency id such as 'medway-council'");
        else if (partnership is not null && !partnership.HasAgency(OwningAgencyId)) errors.Add("owningAgencyId", $"'{OwningAgencyId}' is not an agency of this partnership");
        var owner = errors.RequiredText("owner", Owner, ShortMax);
        var controls = errors.OptionalText("existingControls", ExistingControls, TextMax);
        var actions = errors.OptionalText("mitigatingActions", MitigatingActions, TextMax);
        if (Treatment is null) errors.Add("treatment", "is required: tolerate, treat, transfer or terminate");
        if (ReviewFrequency is null) errors.Add("reviewFrequency", "is required: monthly, quarterly, six-monthly or annual");
        if (!errors.IsEmpty) return null;
        return new RiskDetails(title!, summary, cause, @event, consequence, category, OwningAgencyId!, owner!, controls, actions, Treatment!.Value, ReviewFrequency!.Value);
    }

    public AssessmentDetails? ValidateFirstAssessment(RiskMatrix matrix, ValidationErrors errors) =>
        new AssessmentDraft(Inherent, Current, Target, Rationale, null).Validate(matrix, errors);

    /// <summary>Ratings change through assessments, never by revising the risk.</summary>
    public void RefuseRatings(ValidationErrors errors)
    {
        foreach (var (field, value) in new[] { ("inherent", Inherent), ("current", Current), ("target", Target), ("rationale", Rationale) })
            if (value is not null) errors.Add(field, "ratings change through a reassessment (POST .../assessments), not by revising the risk");
    }
}

/// <summary>A reassessment: the current rating and a rationale are required; inherent and target carry forward if left out.</summary>
public sealed record AssessmentDraft(string? Inherent = null, string? Current = null, string? Target = null, string? Rationale = null, DateOnly? NextReviewDate = null)
{
    public const int RationaleMax = 2000;

    public AssessmentDetails? Validate(RiskMatrix matrix, ValidationErrors errors)
    {
        var inherent = matrix.Read("inherent", Inherent, errors, required: false);
        var current = matrix.Read("current", Current, errors, required: true);
        var target = matrix.Read("target", Target, errors, required: false);
        var rationale = errors.RequiredText("rationale", Rationale, RationaleMax);
        return errors.IsEmpty ? new AssessmentDetails(inherent, current!, target, rationale!) : null;
    }
}

public sealed record MitigationDraft(long? ActionId = null);

public sealed record CloseDraft(string? Reason = null)
{
    public string? Validate(ValidationErrors errors) => errors.RequiredText("reason", Reason, AssessmentDraft.RationaleMax);
}
