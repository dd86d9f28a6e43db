using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.Contracts.ActionPlan.V1;
using Csp.Risk.Commands;
using Csp.Risk.Domain;
using Csp.Risk.Storage;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Csp.Risk.DemoData;

/// <summary>
/// Loads the demo risk registers from <c>demo/risks.json</c>, through the commands: the risks of the seed reports with their
/// assessment history (dated relative to the load day, so direction of travel shows), then their mitigations, linked to
/// the demo actions named by title. Loading twice changes nothing: each risk is stored together with its seed reference
/// in one transaction, so a reference seen once is never loaded again, and a mitigation already linked is left alone.
/// </summary>
public sealed class DemoDataLoader(RiskStore store, RiskCommands commands, IPartnershipLookup<KnownPartnership> partnerships,
    ActionPlanQueries.ActionPlanQueriesClient actionPlan, TimeProvider clock, IOptions<DemoDataOptions> options, ILogger<DemoDataLoader> logger) : IDemoDataLoader
{
    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return 0;
        var file = await DemoFiles.ReadAsync<DemoFile>(options.Value.Path, cancellationToken);
        var users = DemoFiles.Users(options.Value);
        var today = UkTime.Today(clock);
        var created = 0;

        foreach (var p in file.Partnerships)
        {
            foreach (var r in p.Risks)
            {
                if (r.Assessments.Count == 0) throw new InvalidOperationException($"Demo risk {r.Ref} has no assessments");
                var details = new RiskDraft(r.Register, r.Title, r.Summary, r.Cause, r.Event, r.Consequence, r.Category, r.OwningAgencyId, r.Owner,
                    r.ExistingControls, r.MitigatingActions, r.Treatment, r.ReviewFrequency);
                var history = r.Assessments.Select(a => new SeededAssessment(new AssessmentDraft(a.Inherent, a.Current, a.Target, a.Rationale),
                    a.By, users.GetValueOrDefault(a.By)?.Name ?? a.By, UkTime.StartOf(today.AddDays(-a.DaysAgo)).AddHours(10))).ToList();
                var nextReview = r.NextReviewInDays is { } days ? today.AddDays(days) : (DateOnly?)null;

                var outcome = await commands.SeedAsync(p.Id, new SeededRisk(r.Ref, details, history, nextReview));
                if (outcome.Kind == OutcomeKind.Invalid) throw DemoFiles.Invalid(r.Ref, outcome.Errors!);
                if (outcome.IsOk) created++; // a conflict: loaded before
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
    /// Links a demo risk to demo actions named by title, through the same command and path a manager's link takes (the
    /// action-plan service is asked over gRPC, so a link is only ever made to a real action). The action plan assigns
    /// action ids when it loads its own demo data, and announces the partnership with <c>partnership.changed</c>; until
    /// both have happened this says "not ready" and the runner retries.
    /// </summary>
    private async Task<int> LinkDemoMitigationsAsync(string partnershipId, DemoRisk r, CancellationToken cancellationToken)
    {
        var riskId = await store.GetSeededRiskIdAsync(partnershipId, r.Ref) ?? throw new InvalidOperationException($"Demo risk {r.Ref} is not stored");
        var risk = await store.GetRiskAsync(partnershipId, riskId) ?? throw new InvalidOperationException($"Demo risk {r.Ref} is not stored");
        var pending = r.MitigationActionTitles!.Where(title => !risk.Value.Mitigations.Any(m => m.Title == title)).ToList();
        if (pending.Count == 0) return 0;
        var partnership = await partnerships.FindAsync(partnershipId)
            ?? throw new DemoDataNotReadyException($"Partnership '{partnershipId}' has not reached the risk service yet (partnership.changed)");
        var system = new Member<KnownPartnership>(Caller.System, partnershipId, partnership);
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
        foreach (var title in pending)
        {
            var action = actions.Actions.FirstOrDefault(a => a.Title == title)
                ?? throw new DemoDataNotReadyException($"Demo action '{title}' (a mitigation of {r.Ref}) is not in the action plan yet");
            if (risk.Value.IsLinkedTo(action.Id)) continue;
            var outcome = await commands.LinkMitigationAsync(system, riskId, new MitigationDraft(action.Id), null);
            if (outcome.Kind == OutcomeKind.Unavailable) throw new DemoDataNotReadyException("The action-plan service is not answering yet");
            if (!outcome.IsOk && outcome.Kind != OutcomeKind.Conflict) throw new InvalidOperationException($"Demo risk {r.Ref}: linking '{title}' failed ({outcome.Kind})");
            if (outcome.IsOk) linked++;
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
