using Csp.ActionPlan.Commands;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Microsoft.Extensions.Options;

namespace Csp.ActionPlan.DemoData;

/// <summary>
/// Loads the demo partnership, plan, actions (with their update history) and update round from the repository's
/// <c>demo/</c> files, through the same commands (and so the same rules) as the API, as the platform itself. Dates in the
/// file are relative to the load day so the demo always has current, due-soon and overdue work. Loading twice changes
/// nothing: the store is read to skip partnerships, plans and actions (by seed reference) that exist, each action is
/// stored together with its seed reference in one transaction, and a quarter's round is opened only once.
/// </summary>
public sealed class DemoDataLoader(ActionPlanCommands commands, ActionPlanStore store, TimeProvider clock, IOptions<DemoDataOptions> options,
    ILogger<DemoDataLoader> logger) : IDemoDataLoader
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
            var partnership = (await store.GetPartnershipAsync(p.Id))?.Value
                ?? Done(await commands.SetUpPartnershipAsync(Caller.System, p.Id, new PartnershipDraft(p.Name, p.Agencies, p.OnsCode, p.RecipientOrgId), ifMatch: null), p.Id).Value;
            var member = new Member<Partnership>(Caller.System, p.Id, partnership);

            foreach (var plan in p.Plans)
            {
                if (await store.GetPlanAsync(p.Id, plan.Id) is not null) continue;
                Done(await commands.SetUpPlanAsync(member, plan.Id, new PlanDraft(plan.Title, plan.StartYear, plan.EndYear, plan.Priorities), ifMatch: null), plan.Id);
            }

            foreach (var a in p.Actions)
            {
                if (await store.IsSeededAsync(p.Id, a.Ref)) continue;
                var draft = new ActionDraft(a.PlanId, a.PriorityId, a.AreaOfFocusId, a.Title, a.Description, a.Strand, a.LeadAgencyId, a.SupportingAgencyIds,
                    a.Owner, today.AddDays(a.StartInDays), today.AddDays(a.DueInDays),
                    a.Milestones.Select(m => new MilestoneDraft(m.Title, today.AddDays(m.DueInDays), m.CompletedInDays is { } c ? today.AddDays(c) : null)).ToList());
                var history = a.Updates.Select(u =>
                {
                    var author = users.GetValueOrDefault(u.By);
                    return new SeededUpdate(new UpdateDraft(u.Status, u.ProgressPercent, u.Commentary), u.By, author?.Name ?? u.By, author?.Agency,
                        UkTime.StartOf(today.AddDays(-u.DaysAgo)).AddHours(10));
                }).ToList();
                var createdAt = UkTime.StartOf(today.AddDays(Math.Min(a.StartInDays, 0) - 7)).AddHours(9);
                Done(await commands.CreateActionAsync(member, draft, new SeededAction(a.Ref, createdAt, history)), a.Ref);
                created++;
            }

            foreach (var r in p.UpdateRounds)
            {
                var period = r.Period == "current-quarter" ? FinancialQuarter.Containing(today).ToString() : r.Period;
                if (FinancialQuarter.TryParse(period, out var quarter) && await store.GetRoundAsync(p.Id, UpdateRound.IdFor(quarter)) is not null) continue;
                Done(await commands.OpenUpdateRoundAsync(member, new UpdateRoundDraft(period, today.AddDays(r.OpensInDays), today.AddDays(r.DeadlineInDays))), period);
            }
        }
        logger.LogInformation("Demo data loaded from {Path}: {Created} new actions", options.Value.Path, created);
        return created;
    }

    /// <summary>The value of a demo write; a demo record the commands refuse is an error in the demo file.</summary>
    private static T Done<T>(Outcome<T> outcome, string what) => outcome.Kind switch
    {
        OutcomeKind.Ok => outcome.Value!,
        OutcomeKind.Invalid => throw DemoFiles.Invalid(what, outcome.Errors!),
        _ => throw new InvalidOperationException($"Demo data for '{what}' was not loaded: {outcome.Kind} {outcome.Reason}"),
    };

    private sealed record DemoFile(IReadOnlyList<DemoPartnership> Partnerships);
    private sealed record DemoPartnership(string Id, string Name, IReadOnlyList<AgencyDraft> Agencies, IReadOnlyList<DemoPlan> Plans,
        IReadOnlyList<DemoAction> Actions, IReadOnlyList<DemoRound> UpdateRounds, string? OnsCode = null, string? RecipientOrgId = null);
    private sealed record DemoPlan(string Id, string Title, int StartYear, int EndYear, IReadOnlyList<PriorityDraft> Priorities);
    private sealed record DemoAction(string Ref, string PlanId, string PriorityId, string? AreaOfFocusId, string Title, string? Description, Strand Strand,
        string LeadAgencyId, IReadOnlyList<string>? SupportingAgencyIds, string Owner, int StartInDays, int DueInDays,
        IReadOnlyList<DemoMilestone> Milestones, IReadOnlyList<DemoUpdate> Updates);
    private sealed record DemoMilestone(string Title, int DueInDays, int? CompletedInDays);
    private sealed record DemoUpdate(int DaysAgo, string By, ActionStatus? Status, int? ProgressPercent, string Commentary);
    private sealed record DemoRound(string Period, int OpensInDays, int DeadlineInDays);
}
