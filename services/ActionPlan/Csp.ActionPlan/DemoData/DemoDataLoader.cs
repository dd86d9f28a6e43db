using Csp.ActionPlan.Api;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Events;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.DemoData;
using Microsoft.Extensions.Options;

namespace Csp.ActionPlan.DemoData;

/// <summary>
/// Loads the demo partnership, plan, actions (with their update history) and update round from the repository's
/// <c>demo/</c> files. Dates in the file are relative to the load day so the demo always has current, due-soon and
/// overdue work. Loading twice changes nothing: partnerships and plans that exist are left alone, and each action is
/// stored together with its seed reference in one transaction, so a reference seen once is never loaded again.
/// </summary>
public sealed class DemoDataLoader(ActionPlanStore store, TimeProvider clock, IOptions<DemoDataOptions> options, ILogger<DemoDataLoader> logger) : IDemoDataLoader
{
    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return 0;
        var file = await DemoFiles.ReadAsync<DemoFile>(options.Value.Path, cancellationToken);
        var users = string.IsNullOrWhiteSpace(options.Value.UsersPath)
            ? new Dictionary<string, DemoUser>()
            : DemoUsers.Load(options.Value.UsersPath).ToDictionary(u => u.Id);
        var now = clock.GetUtcNow();
        var today = UkTime.Today(clock);
        var created = 0;

        foreach (var p in file.Partnerships)
        {
            var errors = new ValidationErrors();
            if (await store.GetPartnershipAsync(p.Id) is null)
            {
                var partnership = new PartnershipDraft(p.Name, p.Agencies).Validate(p.Id, errors) ?? throw DemoFiles.Invalid(p.Id, errors);
                await store.SavePartnershipAsync(partnership, 0, Audit("partnership.created", "partnership", p.Id, partnership));
            }
            var agencies = (await store.GetPartnershipAsync(p.Id))!.Value;
            foreach (var plan in p.Plans)
            {
                if (await store.GetPlanAsync(p.Id, plan.Id) is not null) continue;
                var validated = new PlanDraft(plan.Title, plan.StartYear, plan.EndYear, plan.Priorities).Validate(p.Id, plan.Id, errors) ?? throw DemoFiles.Invalid(plan.Id, errors);
                await store.SavePlanAsync(validated, 0, Audit("plan.created", "plan", plan.Id, validated));
            }
            var plans = (await store.ListPlansAsync(p.Id)).ToDictionary(x => x.Value.Id, x => x.Value);

            foreach (var a in p.Actions)
            {
                if (!(await store.GetSeededActionIdAsync(p.Id, a.Ref)).IsNull) continue;
                var draft = new ActionDraft(a.PlanId, a.PriorityId, a.AreaOfFocusId, a.Title, a.Description, a.Strand, a.LeadAgencyId, a.SupportingAgencyIds,
                    a.Owner, today.AddDays(a.StartInDays), today.AddDays(a.DueInDays),
                    a.Milestones.Select(m => new MilestoneDraft(m.Title, today.AddDays(m.DueInDays), m.CompletedInDays is { } c ? today.AddDays(c) : null)).ToList());
                var definition = ActionDefinition.Validate(draft, id => plans.GetValueOrDefault(id), agencies, errors) ?? throw DemoFiles.Invalid(a.Ref, errors);
                var createdAt = UkTime.StartOf(today.AddDays(Math.Min(a.StartInDays, 0) - 7)).AddHours(9);
                var action = PlanAction.Create(await store.NextActionIdAsync(p.Id), p.Id, definition, "system", createdAt);
                var updates = new List<ActionUpdate>();
                foreach (var u in a.Updates)
                {
                    var details = new UpdateDraft(u.Status, u.ProgressPercent, u.Commentary).Validate(errors) ?? throw DemoFiles.Invalid(a.Ref, errors);
                    var author = users.GetValueOrDefault(u.By);
                    var result = action.RecordUpdate(details, u.By, author?.Name ?? u.By, author?.Agency, UkTime.StartOf(today.AddDays(-u.DaysAgo)).AddHours(10));
                    action = result.Action ?? throw new InvalidOperationException($"Demo action {a.Ref}: {result.RefusedBecause}");
                    updates.Add(result.Update!);
                }
                await store.SaveActionAsync(action, 0, Audit("action.created", "action", action.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), action),
                    ActionEvents.Created(action), newUpdates: updates, seedRef: a.Ref);
                created++;
            }

            foreach (var r in p.UpdateRounds)
            {
                var period = r.Period == "current-quarter" ? FinancialQuarter.Containing(today).ToString() : r.Period;
                var round = new UpdateRoundDraft(period, today.AddDays(r.OpensInDays), today.AddDays(r.DeadlineInDays)).Validate(p.Id, "system", now, errors) ?? throw DemoFiles.Invalid(period, errors);
                if (await store.GetRoundAsync(p.Id, round.Id) is null)
                    await store.SaveRoundAsync(round, 0, Audit("update-round.opened", "update-round", round.Id, round));
            }
        }
        logger.LogInformation("Demo data loaded from {Path}: {Created} new actions", options.Value.Path, created);
        return created;

        AuditEntry Audit<T>(string what, string type, string id, T after) =>
            new("system", now, what, type, id, null, AuditLog.Snapshot(after, ApiJson.Options), null);
    }

    private sealed record DemoFile(IReadOnlyList<DemoPartnership> Partnerships);
    private sealed record DemoPartnership(string Id, string Name, IReadOnlyList<AgencyDraft> Agencies, IReadOnlyList<DemoPlan> Plans,
        IReadOnlyList<DemoAction> Actions, IReadOnlyList<DemoRound> UpdateRounds);
    private sealed record DemoPlan(string Id, string Title, int StartYear, int EndYear, IReadOnlyList<PriorityDraft> Priorities);
    private sealed record DemoAction(string Ref, string PlanId, string PriorityId, string? AreaOfFocusId, string Title, string? Description, Strand Strand,
        string LeadAgencyId, IReadOnlyList<string>? SupportingAgencyIds, string Owner, int StartInDays, int DueInDays,
        IReadOnlyList<DemoMilestone> Milestones, IReadOnlyList<DemoUpdate> Updates);
    private sealed record DemoMilestone(string Title, int DueInDays, int? CompletedInDays);
    private sealed record DemoUpdate(int DaysAgo, string By, ActionStatus? Status, int? ProgressPercent, string Commentary);
    private sealed record DemoRound(string Period, int OpensInDays, int DeadlineInDays);
}
