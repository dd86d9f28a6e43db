using System.Text.Json;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.Risk.Domain;
using Csp.Risk.Events;
using Csp.Risk.Storage;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.DemoData;
using Microsoft.Extensions.Options;

namespace Csp.Risk.DemoData;

/// <summary>
/// Loads the demo risk registers from <c>demo/risks.json</c>: the risks of the seed reports with their assessment history
/// (dated relative to the load day, so direction of travel shows). Loading twice changes nothing: each risk is stored
/// together with its seed reference in one transaction, so a reference seen once is never loaded again. Mitigations are
/// not linked to demo actions (action ids are assigned when the action plan loads).
/// </summary>
public sealed class DemoDataLoader(RiskStore store, TimeProvider clock, IOptions<DemoDataOptions> options, ILogger<DemoDataLoader> logger) : IDemoDataLoader
{
    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return 0;
        var file = await ReadAsync<DemoFile>(options.Value.Path, cancellationToken);
        var users = string.IsNullOrWhiteSpace(options.Value.UsersPath)
            ? new Dictionary<string, DemoUser>()
            : DemoUsers.Load(options.Value.UsersPath).ToDictionary(u => u.Id);
        var today = UkTime.Today(clock);
        var created = 0;

        foreach (var p in file.Partnerships)
        {
            var matrix = await store.GetMatrixAsync(p.Id);
            foreach (var r in p.Risks)
            {
                if (!(await store.GetSeededRiskIdAsync(p.Id, r.Ref)).IsNull) continue;
                if (r.Assessments.Count == 0) throw new InvalidOperationException($"Demo risk {r.Ref} has no assessments");
                var errors = new ValidationErrors();
                var draft = new RiskDraft(r.Register, r.Title, r.Summary, r.Cause, r.Event, r.Consequence, r.Category, r.OwningAgencyId, r.Owner,
                    r.ExistingControls, r.MitigatingActions, r.Treatment, r.ReviewFrequency, null, null, null, null, null);
                var details = draft.ValidateDetails(errors, out var register, partnership: null) ?? throw Invalid(r.Ref, errors);

                RiskEntry? risk = null;
                RiskRating? previous = null;
                foreach (var a in r.Assessments)
                {
                    var assessment = new AssessmentDraft(a.Inherent, a.Current, a.Target, a.Rationale, null).Validate(matrix, errors) ?? throw Invalid(r.Ref, errors);
                    var at = UkTime.StartOf(today.AddDays(-a.DaysAgo)).AddHours(10);
                    var name = users.GetValueOrDefault(a.By)?.Name ?? a.By;
                    previous = risk?.Current;
                    risk = risk is null
                        ? RiskEntry.Create(await store.NextRiskIdAsync(p.Id), p.Id, register, details, assessment, a.By, name, at, null)
                        : risk.Reassess(assessment, a.By, name, at, null);
                }
                if (r.NextReviewInDays is { } days) risk = risk! with { NextReviewDate = today.AddDays(days) };
                var audit = new AuditEntry("system", clock.GetUtcNow(), "risk.created", "risk", risk!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    null, AuditLog.Snapshot(risk, ApiJson.Options), null);
                await store.SaveRiskAsync(risk, 0, audit, RiskEvents.Assessed(matrix, previous, risk), seedRef: r.Ref);
                created++;
            }
        }
        logger.LogInformation("Demo data loaded from {Path}: {Created} new risks", options.Value.Path, created);
        return created;
    }

    private static InvalidOperationException Invalid(string what, ValidationErrors errors) =>
        new($"Demo data for '{what}' is invalid: {string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");

    private static async Task<T> ReadAsync<T>(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(stream, ApiJson.Options, ct) ?? throw new InvalidOperationException($"{path} is empty");
    }

    private sealed record DemoFile(IReadOnlyList<DemoPartnership> Partnerships);
    private sealed record DemoPartnership(string Id, IReadOnlyList<DemoRisk> Risks);
    private sealed record DemoRisk(string Ref, string? Register, string Title, string? Summary, string? Cause, string? Event, string? Consequence,
        string? Category, string OwningAgencyId, string Owner, string? ExistingControls, string? MitigatingActions, Treatment Treatment,
        ReviewFrequency ReviewFrequency, int? NextReviewInDays, IReadOnlyList<DemoAssessment> Assessments);
    private sealed record DemoAssessment(int DaysAgo, string By, string? Inherent, string Current, string? Target, string Rationale);
}
