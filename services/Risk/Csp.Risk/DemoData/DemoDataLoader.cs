using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.Contracts.ActionPlan.V1;
using Csp.Risk.Api;
using Grpc.Core;
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
public sealed class DemoDataLoader(RiskStore store, TimeProvider clock, IOptions<DemoDataOptions> options, ILogger<DemoDataLoader> logger, RiskCommands commands, ActionPlanQueries.ActionPlanQueriesClient actionPlan) : IDemoDataLoader
{
    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return 0;
        var file = await DemoFiles.ReadAsync<DemoFile>(options.Value.Path, cancellationToken);
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
                var details = draft.ValidateDetails(errors, out var register, partnership: null) ?? throw DemoFiles.Invalid(r.Ref, errors);

                RiskEntry? risk = null;
                RiskRating? previous = null;
                foreach (var a in r.Assessments)
                {
                    var assessment = new AssessmentDraft(a.Inherent, a.Current, a.Target, a.Rationale, null).Validate(matrix, errors) ?? throw DemoFiles.Invalid(r.Ref, errors);
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
        var linked = 0;
        foreach (var p in file.Partnerships)
            foreach (var r in p.Risks.Where(r => r.MitigationActionTitles is { Count: > 0 }))
                linked += await LinkDemoMitigationsAsync(p.Id, r, cancellationToken);
        logger.LogInformation("Demo data loaded from {Path}: {Created} new risks, {Linked} new mitigation links", options.Value.Path, created, linked);
        return created;
    }

    /// <summary>
    /// Links a demo risk to demo actions named by title, through the same path a manager's link takes (the action-plan
    /// service is asked over gRPC, so a link is only ever made to a real action). The action plan assigns action ids when
    /// it loads its own demo data, which may not have happened yet: then this says "not ready" and the runner retries.
    /// </summary>
    private async Task<int> LinkDemoMitigationsAsync(string partnershipId, DemoRisk r, CancellationToken cancellationToken)
    {
        var riskId = (long)await store.GetSeededRiskIdAsync(partnershipId, r.Ref);
        var risk = await store.GetRiskAsync(partnershipId, riskId) ?? throw new InvalidOperationException($"Demo risk {r.Ref} is not stored");
        ListActionsReply actions;
        try
        {
            actions = await actionPlan.ListActionsAsync(new ListActionsRequest { PartnershipId = partnershipId, PageSize = 200 }, cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            throw new DemoDataNotReadyException("The action-plan service is not answering yet", ex);
        }
        var linked = 0;
        foreach (var title in r.MitigationActionTitles!)
        {
            var action = actions.Actions.FirstOrDefault(a => a.Title == title)
                ?? throw new DemoDataNotReadyException($"Demo action '{title}' (a mitigation of {r.Ref}) is not in the action plan yet");
            if (risk.Value.IsLinkedTo(action.Id)) continue;
            var outcome = await commands.LinkMitigationAsync(Caller.System, partnershipId, riskId, new MitigationDraft(action.Id), null);
            if (outcome.Kind == OutcomeKind.Unavailable) throw new DemoDataNotReadyException("The action-plan service is not answering yet");
            if (!outcome.IsOk && outcome.Kind != OutcomeKind.Conflict) throw new InvalidOperationException($"Demo risk {r.Ref}: linking '{title}' failed ({outcome.Kind})");
            linked++;
        }
        return linked;
    }

    private sealed record DemoFile(IReadOnlyList<DemoPartnership> Partnerships);
    private sealed record DemoPartnership(string Id, IReadOnlyList<DemoRisk> Risks);
    private sealed record DemoRisk(string Ref, string? Register, string Title, string? Summary, string? Cause, string? Event, string? Consequence,
        string? Category, string OwningAgencyId, string Owner, string? ExistingControls, string? MitigatingActions, Treatment Treatment,
        ReviewFrequency ReviewFrequency, int? NextReviewInDays, IReadOnlyList<DemoAssessment> Assessments, IReadOnlyList<string>? MitigationActionTitles);
    private sealed record DemoAssessment(int DaysAgo, string By, string? Inherent, string Current, string? Target, string Rationale);
}
