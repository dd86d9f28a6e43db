using System.Globalization;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Risks;

/// <summary>
/// Reassessing a risk (the owning agency's partners and the manager): current rating and rationale, optional inherent
/// and target (kept when left alone) and next review date, posted with the ETag read with the form (If-Match). The risk
/// service's field errors go against the fields; a 412 shows the assessments made meanwhile and keeps what was typed,
/// ready to send again against the new version.
/// </summary>
public sealed class ReassessModel : PartnershipPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["current"] = ("Current", "Current rating"),
        ["inherent"] = ("Inherent", "Inherent rating"),
        ["target"] = ("Target", "Target rating"),
        ["rationale"] = ("Rationale", "Rationale"),
        ["nextReviewDate"] = ("NextReview", "Next review date"),
    };

    [FromRoute] public long RiskId { get; set; }
    [BindProperty] public string? Current { get; set; }
    [BindProperty] public string? Inherent { get; set; }
    [BindProperty] public string? Target { get; set; }
    [BindProperty] public string? Rationale { get; set; }
    [BindProperty] public string? NextReviewDay { get; set; }
    [BindProperty] public string? NextReviewMonth { get; set; }
    [BindProperty] public string? NextReviewYear { get; set; }
    [BindProperty] public string? Version { get; set; }
    [BindProperty] public int SeenAssessments { get; set; }

    public RiskView Risk { get; private set; } = null!;
    public RiskMatrixWithTolerance Matrix { get; private set; } = null!;
    public IReadOnlyList<string>? Conflict { get; private set; }

    public bool CanAssess => Caller.Has(Roles.Manager, PartnershipId) || (Caller.Has(Roles.Partner, PartnershipId) && Caller.Agency == Risk.OwningAgencyId);

    private string RiskPath => $"{ApiPath}/risks/{RiskId}";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken, keepVersion: false);
        Current = Risk.Current.Rating;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var nextReview = ReadDate(NextReviewDay, NextReviewMonth, NextReviewYear, "NextReview", "Next review date");
        if (ModelState.IsValid)
        {
            var draft = new AssessmentDraft(Blank(Current), Rationale, Blank(Inherent), Blank(Target), nextReview);
            var result = await Api.PostAsync<RiskView>($"{RiskPath}/assessments", draft, ifMatch: Version, idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{PagePath}/risks/{RiskId}?reassessed={result.Value!.AssessmentCount}#history");
            if (result.Status == StatusCodes.Status412PreconditionFailed)
            {
                var seen = SeenAssessments;
                await LoadAsync(cancellationToken, keepVersion: false);
                Conflict = await ChangesSinceAsync(seen, cancellationToken);
                return Page();
            }
            ModelState.AddProblem(result.Problem!, ApiFields);
        }
        await LoadAsync(cancellationToken, keepVersion: true);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken, bool keepVersion)
    {
        await LoadPartnershipAsync(cancellationToken);
        var risk = await Api.GetAsync<RiskView>(RiskPath, cancellationToken);
        Risk = risk.Value!;
        Matrix = (await Api.GetAsync<RiskMatrixRead>(ApiPath + "/risk-matrix", cancellationToken)).Value!.Matrix;
        if (keepVersion && !string.IsNullOrEmpty(Version)) return;
        Version = risk.ETag;
        SeenAssessments = Risk.AssessmentCount;
    }

    /// <summary>What happened to the risk since the user's form was read: the assessments recorded after the ones they saw,
    /// in words; otherwise (the details were revised, a mitigation linked) the risk as it stands.</summary>
    private async Task<IReadOnlyList<string>> ChangesSinceAsync(int seen, CancellationToken cancellationToken)
    {
        var newer = Math.Clamp(Risk.AssessmentCount - seen, 0, RiskModel.HistoryShown);
        var changes = new List<string>();
        if (newer > 0)
        {
            var (latest, _) = await RiskModel.LatestAssessmentsAsync(Api, RiskPath, newer, cancellationToken);
            changes.AddRange(latest.Where(a => a.Number > seen).Select(a =>
                $"{a.ByName} reassessed it on {Display.Date(a.At)}: current {a.Current.Rating}{(a.Target is { } t ? $", target {t.Rating}" : "")}. “{a.Rationale}”"));
        }
        if (changes.Count == 0)
            changes.Add($"The risk's details or mitigations were changed. Its current rating is {Risk.Current.Rating} and its next review is due on {Display.Date(Risk.NextReviewDate)}.");
        return changes;
    }

    /// <summary>The ratings of the matrix, worst first, for a select: value and words.</summary>
    public IEnumerable<(string Value, string Text)> RatingChoices =>
        Matrix.WorstFirst.Select(c => (Matrix.Rating(c), $"{Matrix.Describe(c)} ({Matrix.BandLabel(c.Band).Split(':')[0]}, score {c.Score})"));

    private DateOnly? ReadDate(string? day, string? month, string? year, string key, string label)
    {
        if (string.IsNullOrWhiteSpace(day) && string.IsNullOrWhiteSpace(month) && string.IsNullOrWhiteSpace(year)) return null;
        if (int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1000 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
            return new DateOnly(y, m, d);
        ModelState.AddModelError(key, $"{label} must be a real date, like 27 3 2027");
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
