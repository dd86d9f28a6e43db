using System.Text.Json;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.DemoData;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Contracts.ActionPlan.V1;
using Csp.Funding.Commands;
using Csp.Funding.Domain;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Csp.Funding.DemoData;

/// <summary>
/// Loads <c>demo/funding.json</c> through the commands: funders, programmes, then each allocation with its whole story
/// (confirmation, schedule, projects and their decisions, releases, spend and corrections, returns, variations, year end),
/// checked by the same drafts and domain rules as the API and stored in one transaction. Loading twice changes nothing:
/// a funder, programme or allocation already stored is left alone. Projects name the demo actions they deliver by title;
/// they are looked up in the action plan over gRPC (until it answers, and has loaded its own demo, this says "not ready"
/// and the runner retries).
/// </summary>
public sealed class DemoDataLoader(FundingCommands commands, ActionPlanQueries.ActionPlanQueriesClient actionPlan, IOptions<DemoDataOptions> options,
    ILogger<DemoDataLoader> logger) : IDemoDataLoader
{
    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Path)) return 0;
        var file = await DemoFiles.ReadAsync<DemoFile>(options.Value.Path, cancellationToken);
        var created = 0;
        foreach (var f in file.Funders)
            if (await commands.SeedFunderAsync(new Funder(f.Id, f.Name, f.OrgId, DateTimeOffset.UtcNow, Caller.System.Subject))) created++;
        foreach (var p in file.Programmes)
            if (await commands.SeedProgrammeAsync(p.FunderId, new ProgrammeDraft(p.Id, p.Title, p.Year, p.Pot, p.Conditions, p.Formula))) created++;
        foreach (var a in file.Allocations)
        {
            var actions = await ActionsAsync(a, cancellationToken);
            var errors = new ValidationErrors();
            var amount = Money.Read("amount", a.Amount, errors) ?? throw DemoFiles.Invalid($"allocation {a.PartnershipId}/{a.ProgrammeId}", errors);
            if (await commands.SeedAllocationAsync(a.PartnershipId, a.ProgrammeId, amount, null, a.Purpose, (allocation, spend) => Story(a, allocation, spend, actions)))
                created++;
        }
        logger.LogInformation("Funding demo data loaded from {Path}: {Created} new records", options.Value.Path, created);
        return created;
    }

    /// <summary>The demo actions the allocation's projects name, by title, from the action plan (empty when none are named).</summary>
    private async Task<IReadOnlyDictionary<string, ActionReply>> ActionsAsync(DemoAllocation a, CancellationToken cancellationToken)
    {
        var titles = (a.Projects ?? []).SelectMany(p => p.ActionTitles ?? []).ToList();
        if (titles.Count == 0) return new Dictionary<string, ActionReply>();
        ListActionsReply reply;
        try
        {
            reply = await actionPlan.ListActionsAsync(new ListActionsRequest { PartnershipId = a.PartnershipId, PageSize = 200 }, cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            throw new DemoDataNotReadyException("The action-plan service is not answering yet", ex);
        }
        var found = new Dictionary<string, ActionReply>(StringComparer.Ordinal);
        foreach (var title in titles)
            found[title] = reply.Actions.FirstOrDefault(x => x.Title == title)
                ?? throw new DemoDataNotReadyException($"Demo action '{title}' is not in {a.PartnershipId}'s action plan yet");
        return found;
    }

    private static Allocation Story(DemoAllocation d, Allocation a, List<SpendEntry> spend, IReadOnlyDictionary<string, ActionReply> actions)
    {
        var at = DateTimeOffset.UtcNow;
        var where = $"allocation {d.PartnershipId}/{d.ProgrammeId}";
        if (d.Confirmation is { } c)
            a = FundingCommands.Must(a.Confirm(c.PanelDate, c.PanelReference, Caller.System.Subject, UkTime.StartOf(c.PanelDate).AddHours(12)), $"{where}: confirm");
        if (d.Schedule is { } schedule)
        {
            var errors = new ValidationErrors();
            var tranches = schedule.Validate(a.Awarded, a.Year, errors) ?? throw DemoFiles.Invalid($"{where}: schedule", errors);
            a = FundingCommands.Must(a.SetSchedule(tranches), $"{where}: schedule");
        }
        foreach (var (p, i) in (d.Projects ?? []).Select((p, i) => (p, i)))
        {
            var errors = new ValidationErrors();
            var linked = (p.ActionTitles ?? []).Select(t => actions[t]).ToList();
            var details = new ProjectDraft(p.Title, p.LeadAgencyId, p.Amount, linked.Select(x => x.Id).ToList(), p.Measures).Validate(errors, null)
                ?? throw DemoFiles.Invalid($"{where}: project {i + 1}", errors);
            var links = linked.Select(x => new LinkedAction(x.Id, x.Title, x.Completed, !x.Completed && x.Status == ActionStatuses.OffTrack)).ToList();
            a = FundingCommands.Must(a.SubmitProject(details, links, "demo", at, out var submitted), $"{where}: project {i + 1}");
            a = p.Decision switch
            {
                "approved" => FundingCommands.Must(a.ApproveProject(submitted.Id, "demo", at), $"{where}: approve project {submitted.Id}"),
                "rejected" => FundingCommands.Must(a.RejectProject(submitted.Id, p.Reason ?? "Not eligible", "demo", at), $"{where}: reject project {submitted.Id}"),
                _ => a,
            };
        }
        foreach (var r in d.Releases ?? [])
            a = FundingCommands.Must(a.ReleaseTranche(r.Tranche, r.On, "demo"), $"{where}: release tranche {r.Tranche}");
        foreach (var (s, i) in (d.Spend ?? []).Select((s, i) => (s, i)))
        {
            var errors = new ValidationErrors();
            var details = new SpendDraft(s.Project, s.Date, s.Amount, s.Description, s.EvidenceReference, s.CorrectsEntryId).Validate(errors)
                ?? throw DemoFiles.Invalid($"{where}: spend {i + 1}", errors);
            var corrected = s.CorrectsEntryId is { } id ? spend.FirstOrDefault(e => e.Id == id) : null;
            var already = Money.Sum(spend.Where(e => e.CorrectsEntryId == s.CorrectsEntryId && s.CorrectsEntryId is not null).Select(e => e.Amount));
            a = FundingCommands.Must(a.RecordSpend(details, corrected, already, "demo", UkTime.StartOf(s.Date).AddHours(12), out var entry), $"{where}: spend {i + 1}");
            spend.Add(entry);
        }
        foreach (var r in d.Returns ?? [])
        {
            var errors = new ValidationErrors();
            var details = new ReturnDraft(r.Quarter, null, r.Narrative, null, r.ForecastOutturn).Validate(errors) ?? throw DemoFiles.Invalid($"{where}: return {r.Quarter}", errors);
            var submittedAt = UkTime.StartOf(r.SubmittedOn).AddHours(12);
            a = FundingCommands.Must(a.SubmitReturn(details, "demo", submittedAt, r.SubmittedOn), $"{where}: return {r.Quarter}");
            if (r.SignedOff) a = FundingCommands.Must(a.SignOffReturn(details.Quarter, "demo", submittedAt), $"{where}: sign off {r.Quarter}");
            if (r.Decision is "accepted" or "returned")
                a = FundingCommands.Must(a.DecideReturn(details.Quarter, r.Decision == "accepted", r.Reason, "demo", submittedAt.AddDays(7)), $"{where}: decide {r.Quarter}");
        }
        foreach (var (v, i) in (d.Variations ?? []).Select((v, i) => (v, i)))
        {
            var errors = new ValidationErrors();
            var details = new VariationDraft(v.Kind, v.NewAmount, v.NewEndDate, v.FromProjectId, v.ToProjectId, v.Amount, v.Reason).Validate(errors)
                ?? throw DemoFiles.Invalid($"{where}: variation {i + 1}", errors);
            a = FundingCommands.Must(a.RequestVariation(details, "demo", at, out var requested), $"{where}: variation {i + 1}");
            if (v.Decision is "approved" or "rejected")
                a = FundingCommands.Must(a.DecideVariation(requested.Id, v.Decision == "approved", v.Reason, "demo", at), $"{where}: decide variation {i + 1}");
        }
        foreach (var (p, i) in (d.Projects ?? []).Select((p, i) => (p, i)).Where(x => x.p.End is not null))
            a = FundingCommands.Must(a.EndProject(i + 1, p.End == "completed" ? ProjectStatus.Completed : ProjectStatus.Closed, null, "demo", at), $"{where}: end project {i + 1}");
        if (d.YearEnd is { } y)
        {
            var errors = new ValidationErrors();
            var outturn = Money.Read("outturn", y.Outturn, errors) ?? throw DemoFiles.Invalid($"{where}: year end", errors);
            a = FundingCommands.Must(a.CloseYear(outturn, y.ReturnedOn, y.ReturnReference, "demo", UkTime.StartOf(y.ReturnedOn).AddHours(12)), $"{where}: year end");
        }
        return a;
    }

    private sealed record DemoFile(IReadOnlyList<DemoFunder> Funders, IReadOnlyList<DemoProgramme> Programmes, IReadOnlyList<DemoAllocation> Allocations);
    private sealed record DemoFunder(string Id, string Name, string? OrgId);
    private sealed record DemoProgramme(string FunderId, string Id, string Title, string Year, JsonElement? Pot, string? Conditions, IReadOnlyList<FormulaWeightDraft>? Formula);
    private sealed record DemoAllocation(string PartnershipId, string ProgrammeId, JsonElement? Amount, string? Purpose, DemoConfirmation? Confirmation,
        ScheduleDraft? Schedule, IReadOnlyList<DemoProject>? Projects, IReadOnlyList<DemoRelease>? Releases, IReadOnlyList<DemoSpend>? Spend,
        IReadOnlyList<DemoReturn>? Returns, IReadOnlyList<DemoVariation>? Variations, DemoYearEnd? YearEnd);
    private sealed record DemoConfirmation(DateOnly PanelDate, string PanelReference);
    private sealed record DemoProject(string Title, string LeadAgencyId, JsonElement? Amount, string? Decision, string? Reason, string? End,
        IReadOnlyList<string>? ActionTitles, IReadOnlyList<string?>? Measures);
    private sealed record DemoRelease(int Tranche, DateOnly On);
    private sealed record DemoSpend(int Project, DateOnly Date, JsonElement? Amount, string Description, string? EvidenceReference, int? CorrectsEntryId);
    private sealed record DemoReturn(string Quarter, DateOnly SubmittedOn, string Narrative, JsonElement? ForecastOutturn, bool SignedOff, string? Decision, string? Reason);
    private sealed record DemoVariation(VariationKind? Kind, JsonElement? NewAmount, DateOnly? NewEndDate, int? FromProjectId, int? ToProjectId, JsonElement? Amount,
        string Reason, string? Decision);
    private sealed record DemoYearEnd(JsonElement? Outturn, DateOnly ReturnedOn, string? ReturnReference);
}
