using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Time;

namespace Csp.Funding.Domain;

/// <summary>
/// A programme's allocation to one partnership for its financial year: the grant agreement. It holds its projects
/// (business cases), its payment schedule (tranches), its quarterly monitoring returns, its variations and its year end;
/// spend entries, which grow without bound, are stored beside it (append-only) and only their running totals live here.
/// Its id is the programme's id (one allocation per partnership per programme). State changes only through the methods
/// below; each returns the changed allocation or the <see cref="RuleBroken"/> that refused the change.
/// <para>Lifecycle: <c>provisional</c> → <c>confirmed</c> (the Police and Crime Panel's date and reference) | <c>withdrawn</c>;
/// <c>confirmed</c> → <c>closed</c> at year end (outturn recorded, underspend returned).</para>
/// </summary>
public sealed record Allocation
{
    public string Id { get; private init; } = "";
    public string PartnershipId { get; private init; } = "";
    public string FunderId { get; private init; } = "";
    public string ProgrammeTitle { get; private init; } = "";
    public FinancialYear Year { get; private init; }
    public Money Awarded { get; private init; }
    /// <summary>What the programme's formula proposed, when it did; the finance officer's adjustment is the difference, with its reason.</summary>
    public Money? Proposed { get; private init; }
    public string? AdjustmentReason { get; private init; }
    public string? Purpose { get; private init; }
    public DateOnly PlannedStart { get; private init; }
    public DateOnly PlannedEnd { get; private init; }
    public AllocationStatus Status { get; private init; }
    public Confirmation? Confirmation { get; private init; }
    public string? WithdrawnBecause { get; private init; }
    public IReadOnlyList<Project> Projects { get; private init; } = [];
    public IReadOnlyList<Tranche> Tranches { get; private init; } = [];
    public IReadOnlyList<MonitoringReturn> Returns { get; private init; } = [];
    public IReadOnlyList<Variation> Variations { get; private init; } = [];
    /// <summary>The sum of every spend entry (corrections included).</summary>
    public Money Spent { get; private init; }
    /// <summary>How many spend entries there are; entry ids run from 1.</summary>
    public int SpendEntries { get; private init; }
    public YearEnd? YearEnd { get; private init; }
    public DateTimeOffset CreatedAt { get; private init; }
    public string CreatedBy { get; private init; } = "";

    [JsonIgnore] public bool IsOpen => Status is AllocationStatus.Provisional or AllocationStatus.Confirmed;

    public static Allocation Create(string partnershipId, Programme programme, Money awarded, string? adjustmentReason, string? purpose,
        string by, DateTimeOffset at) => new()
    {
        Id = programme.Id, PartnershipId = partnershipId, FunderId = programme.FunderId, ProgrammeTitle = programme.Title, Year = programme.Year,
        Awarded = awarded, Proposed = programme.ProposedFor(partnershipId), AdjustmentReason = adjustmentReason, Purpose = purpose,
        PlannedStart = programme.Year.Start, PlannedEnd = programme.Year.End, Status = AllocationStatus.Provisional, CreatedAt = at, CreatedBy = by,
    };

    // The allocation's own life

    /// <summary>Provisional → confirmed, once the Police and Crime Panel has approved the PCC's budget.</summary>
    public Decision<Allocation> Confirm(DateOnly panelDate, string panelReference, string by, DateTimeOffset at)
    {
        if (Status != AllocationStatus.Provisional)
            return RuleBroken.Conflict("confirm-only-provisional", $"Only a provisional allocation can be confirmed; this one is {Name(Status)}.");
        return this with { Status = AllocationStatus.Confirmed, Confirmation = new Confirmation(panelDate, panelReference, by, at) };
    }

    /// <summary>Provisional → withdrawn (a confirmed grant is varied or closed, never withdrawn).</summary>
    public Decision<Allocation> Withdraw(string reason)
    {
        if (Status != AllocationStatus.Provisional)
            return RuleBroken.Conflict("withdraw-only-provisional", $"Only a provisional allocation can be withdrawn; this one is {Name(Status)}.");
        return this with { Status = AllocationStatus.Withdrawn, WithdrawnBecause = reason, Tranches = Tranches.Select(t => t.Cancel()).ToList() };
    }

    // Projects

    public Decision<Allocation> SubmitProject(ProjectDetails details, IReadOnlyList<LinkedAction> actions, string by, DateTimeOffset at, out Project submitted)
    {
        submitted = null!;
        if (!IsOpen) return Closed("submit a project");
        var id = Projects.Count == 0 ? 1 : Projects.Max(p => p.Id) + 1;
        submitted = new Project(id, details.Title, details.LeadAgencyId, details.Amount, actions, details.Measures, ProjectStatus.Submitted, Money.Zero,
            at, by, null, null, null);
        return this with { Projects = [.. Projects, submitted] };
    }

    /// <summary>Submitted → approved (the funder's finance officer). The approved projects may not commit more than is awarded.</summary>
    public Decision<Allocation> ApproveProject(int projectId, string by, DateTimeOffset at)
    {
        if (FindProject(projectId) is not { } project) return NoProject(projectId);
        if (!IsOpen) return Closed("approve a project");
        if (project.Status != ProjectStatus.Submitted)
            return RuleBroken.Conflict("decide-only-submitted-project", $"Project {projectId} is {Name(project.Status)}: only a submitted project is approved or rejected.");
        if (Committed + project.Amount > Awarded)
            return RuleBroken.Conflict("commitments-within-award",
                $"Approving project {projectId} ({project.Amount}) would commit {Committed + project.Amount}, more than the {Awarded} awarded.");
        return Replace(project with { Status = ProjectStatus.Approved, DecidedBy = by, DecidedAt = at });
    }

    public Decision<Allocation> RejectProject(int projectId, string reason, string by, DateTimeOffset at)
    {
        if (FindProject(projectId) is not { } project) return NoProject(projectId);
        if (project.Status != ProjectStatus.Submitted)
            return RuleBroken.Conflict("decide-only-submitted-project", $"Project {projectId} is {Name(project.Status)}: only a submitted project is approved or rejected.");
        return Replace(project with { Status = ProjectStatus.Rejected, DecidedBy = by, DecidedAt = at, DecisionReason = reason });
    }

    /// <summary>Approved → completed (delivered) or closed (ended without completing).</summary>
    public Decision<Allocation> EndProject(int projectId, ProjectStatus to, string? reason, string by, DateTimeOffset at)
    {
        if (FindProject(projectId) is not { } project) return NoProject(projectId);
        if (to is not (ProjectStatus.Completed or ProjectStatus.Closed))
            return RuleBroken.Invalid("project-ends-completed-or-closed", "status", "a project ends completed or closed");
        if (project.Status != ProjectStatus.Approved)
            return RuleBroken.Conflict("end-only-approved-project", $"Project {projectId} is {Name(project.Status)}: only an approved project is completed or closed.");
        return Replace(project with { Status = to, EndedAt = at, EndedBy = by, DecisionReason = reason ?? project.DecisionReason });
    }

    /// <summary>An action the projects deliver has completed (or changed status): their links show it. False when nothing changed
    /// (no project links it, or the links already say so): delivering the same event twice changes nothing.</summary>
    public bool TryUpdateAction(long actionId, bool completed, bool offTrack, out Allocation updated)
    {
        updated = this;
        var changed = false;
        var projects = Projects.Select(p =>
        {
            var actions = p.Actions.Select(a =>
            {
                if (a.ActionId != actionId) return a;
                var next = a with { Completed = a.Completed || completed, OffTrack = !completed && offTrack };
                if (next != a) changed = true;
                return next;
            }).ToList();
            return p with { Actions = actions };
        }).ToList();
        if (!changed) return false;
        updated = this with { Projects = projects };
        return true;
    }

    // The payment schedule

    /// <summary>Sets (or replaces) the schedule. Its tranches must add up to the award to the penny; a schedule with a released
    /// tranche is not replaced.</summary>
    public Decision<Allocation> SetSchedule(IReadOnlyList<TrancheDraftValue> tranches)
    {
        if (!IsOpen) return Closed("set the payment schedule");
        if (Tranches.Any(t => t.Status == TrancheStatus.Released))
            return RuleBroken.Conflict("schedule-fixed-after-release", "A tranche has been released: the schedule changes by variation, not by replacement.");
        var total = Money.Sum(tranches.Select(t => t.Amount));
        if (total != Awarded)
            return RuleBroken.Invalid("tranches-add-up", "tranches", $"the tranches add up to {total}, not the {Awarded} awarded (they must match to the penny)");
        foreach (var q in tranches.Select(t => t.WaitsOnReturn).OfType<FinancialQuarter>())
            if (q.FinancialYear != Year) return RuleBroken.Invalid("return-quarter-in-year", "tranches", $"{q} is not a quarter of {Year}");
        return this with
        {
            Tranches = tranches.Select((t, i) => new Tranche(i + 1, t.Label, t.Amount, t.Condition, t.WaitsOnReturn, TrancheStatus.Scheduled, null, null)).ToList(),
        };
    }

    /// <summary>Scheduled → released: only once the allocation is confirmed, and only when its condition holds (business cases
    /// approved; the return it waits on accepted).</summary>
    public Decision<Allocation> ReleaseTranche(int trancheId, DateOnly on, string by)
    {
        if (Tranches.FirstOrDefault(t => t.Id == trancheId) is not { } tranche) return NoTranche(trancheId);
        if (Status == AllocationStatus.Provisional)
            return RuleBroken.Conflict("release-before-confirmation", "The allocation is provisional: nothing is released before the Police and Crime Panel confirms it.");
        if (Status != AllocationStatus.Confirmed) return Closed("release a tranche");
        if (tranche.Status != TrancheStatus.Scheduled)
            return RuleBroken.Conflict("release-only-scheduled", $"Tranche {trancheId} is {Name(tranche.Status)}: only a scheduled tranche is released.");
        if (tranche.Condition == TrancheCondition.BusinessCasesApproved && !Projects.Any(p => p.IsCommitted))
            return RuleBroken.Conflict("tranche-waits-on-business-cases", $"Tranche {trancheId} is paid on approval of business cases: no project is approved yet.");
        if (tranche.WaitsOnReturn is { } quarter && ReturnFor(quarter)?.Status != ReturnStatus.Accepted)
            return RuleBroken.Conflict("tranche-waits-on-return", $"Tranche {trancheId} waits on the {quarter} monitoring return being accepted.");
        return ReplaceTranche(tranche with { Status = TrancheStatus.Released, ReleasedOn = on, ReleasedBy = by });
    }

    public Decision<Allocation> CancelTranche(int trancheId, string? reason = null)
    {
        if (Tranches.FirstOrDefault(t => t.Id == trancheId) is not { } tranche) return NoTranche(trancheId);
        if (tranche.Status != TrancheStatus.Scheduled)
            return RuleBroken.Conflict("cancel-only-scheduled", $"Tranche {trancheId} is {Name(tranche.Status)}: only a scheduled tranche is cancelled.");
        return ReplaceTranche(tranche.Cancel() with { CancelledBecause = reason });
    }

    // Spend

    /// <summary>
    /// Appends a spend entry: on a confirmed allocation, against an approved (or completed) project. A negative amount is
    /// only a correction of an earlier entry of the same project, and never takes back more than that entry has left
    /// (<paramref name="alreadyCorrected"/>: what earlier corrections took back from it). Entries are never edited.
    /// </summary>
    public Decision<Allocation> RecordSpend(SpendDetails details, SpendEntry? corrected, Money alreadyCorrected, string by, DateTimeOffset at, out SpendEntry entry)
    {
        entry = null!;
        if (FindProject(details.ProjectId) is not { } project)
            return RuleBroken.Invalid("spend-on-known-project", "projectId", $"there is no project {details.ProjectId} in this allocation");
        if (Status == AllocationStatus.Provisional)
            return RuleBroken.Conflict("spend-needs-confirmed-allocation", "The allocation is provisional: spend is recorded once it is confirmed.");
        if (Status != AllocationStatus.Confirmed) return Closed("record spend");
        if (project.Status == ProjectStatus.Rejected)
            return RuleBroken.Conflict("no-spend-on-rejected-project", $"Project {project.Id} was rejected: no spend is recorded against it.");
        if (!project.IsCommitted)
            return RuleBroken.Conflict("spend-on-approved-project", $"Project {project.Id} is {Name(project.Status)}: spend is recorded against approved projects.");
        if (details.CorrectsEntryId is { } correctsId)
        {
            if (corrected is null || corrected.ProjectId != project.Id)
                return RuleBroken.Invalid("correction-of-known-entry", "correctsEntryId", $"there is no spend entry {correctsId} on project {project.Id} to correct");
            if (corrected.Amount.IsNegative)
                return RuleBroken.Invalid("correction-of-spend", "correctsEntryId", $"entry {correctsId} is itself a correction: correct the original entry");
            if (!details.Amount.IsNegative)
                return RuleBroken.Invalid("correction-is-negative", "amount", "a correction is a negative amount that takes back (part of) the corrected entry");
            if (-details.Amount > corrected.Amount + alreadyCorrected)
                return RuleBroken.Invalid("correction-within-entry", "amount",
                    $"entry {correctsId} has {corrected.Amount + alreadyCorrected} left to correct, less than {-details.Amount}");
        }
        else if (details.Amount.IsNegative)
            return RuleBroken.Invalid("negative-spend-is-correction", "amount", "a negative amount is only a correction: give correctsEntryId, the entry it corrects");
        entry = new SpendEntry(SpendEntries + 1, project.Id, details.Date, details.Amount, details.Description, details.EvidenceReference, details.CorrectsEntryId, by, at);
        var projects = Projects.Select(p => p.Id == project.Id ? p with { Spent = p.Spent + details.Amount } : p).ToList();
        return this with { Spent = Spent + details.Amount, SpendEntries = SpendEntries + 1, Projects = projects };
    }

    // Monitoring returns

    /// <summary>The manager submits a quarter's return (again, after it was returned): on a confirmed allocation, for a quarter of its year.</summary>
    public Decision<Allocation> SubmitReturn(ReturnDetails details, string by, DateTimeOffset at, DateOnly today)
    {
        if (Status == AllocationStatus.Provisional)
            return RuleBroken.Conflict("return-needs-confirmed-allocation", "The allocation is provisional: returns start once it is confirmed.");
        if (Status != AllocationStatus.Confirmed) return Closed("submit a return");
        if (details.Quarter.FinancialYear != Year)
            return RuleBroken.Invalid("return-quarter-in-year", "quarter", $"{details.Quarter} is not a quarter of {Year}");
        foreach (var (line, i) in details.SpendToDate.Select((l, i) => (l, i)))
            if (FindProject(line.ProjectId) is null) return RuleBroken.Invalid("return-lines-name-projects", $"spendToDate[{i}].projectId", $"there is no project {line.ProjectId}");
        var existing = ReturnFor(details.Quarter);
        if (existing is not null && existing.Status != ReturnStatus.Returned)
            return RuleBroken.Conflict("one-return-per-quarter", $"The {details.Quarter} return is {Name(existing.Status)}: it is resubmitted only after it has been returned.");
        var submitted = new MonitoringReturn(details.Quarter, MonitoringReturn.DueDate(details.Quarter), details.SpendToDate, details.Narrative, details.Measures,
            details.ForecastOutturn, ReturnStatus.Submitted, by, at, UkTime.DateOf(at), null, null, null, null, null, (existing?.Revision ?? 0) + 1);
        return this with { Returns = [.. Returns.Where(r => r.Quarter != details.Quarter), submitted] };
    }

    /// <summary>Submitted → signed off, by the partnership's finance contact.</summary>
    public Decision<Allocation> SignOffReturn(FinancialQuarter quarter, string by, DateTimeOffset at, string? note = null)
    {
        if (ReturnFor(quarter) is not { } r) return NoReturn(quarter);
        if (r.Status != ReturnStatus.Submitted)
            return RuleBroken.Conflict("sign-off-only-submitted", $"The {quarter} return is {Name(r.Status)}: only a submitted return is signed off.");
        return ReplaceReturn(r with { Status = ReturnStatus.SignedOff, SignedOffBy = by, SignedOffAt = at, SignOffNote = note });
    }

    /// <summary>Signed off → accepted, or submitted/signed off → returned with a reason, by the funder's finance officer.</summary>
    public Decision<Allocation> DecideReturn(FinancialQuarter quarter, bool accept, string? reason, string by, DateTimeOffset at)
    {
        if (ReturnFor(quarter) is not { } r) return NoReturn(quarter);
        if (accept && r.Status == ReturnStatus.Submitted)
            return RuleBroken.Conflict("accept-only-signed-off", $"The {quarter} return has not been signed off by the partnership's finance contact.");
        if (r.Status is not (ReturnStatus.Submitted or ReturnStatus.SignedOff))
            return RuleBroken.Conflict("decide-only-pending-return", $"The {quarter} return is {Name(r.Status)}: it has been decided already.");
        return ReplaceReturn(r with { Status = accept ? ReturnStatus.Accepted : ReturnStatus.Returned, DecidedBy = by, DecidedAt = at, ReturnedReason = accept ? null : reason });
    }

    // Variations

    public Decision<Allocation> RequestVariation(VariationDetails details, string by, DateTimeOffset at, out Variation requested)
    {
        requested = null!;
        if (Status != AllocationStatus.Confirmed) return RuleBroken.Conflict("vary-confirmed-allocation", $"Only a confirmed allocation is varied; this one is {Name(Status)}.");
        if (details.Kind == VariationKind.Virement)
        {
            if (FindProject(details.FromProjectId ?? 0) is null) return RuleBroken.Invalid("virement-between-projects", "fromProjectId", $"there is no project {details.FromProjectId}");
            if (FindProject(details.ToProjectId ?? 0) is null) return RuleBroken.Invalid("virement-between-projects", "toProjectId", $"there is no project {details.ToProjectId}");
        }
        var id = Variations.Count + 1;
        requested = new Variation(id, details.Kind, details.NewAmount, details.NewEndDate, details.FromProjectId, details.ToProjectId, details.VirementAmount,
            details.Reason, VariationStatus.Requested, by, at, null, null, null);
        return this with { Variations = [.. Variations, requested] };
    }

    /// <summary>Requested → approved (and applied) or rejected, by the funder's finance officer.</summary>
    public Decision<Allocation> DecideVariation(int variationId, bool approve, string? reason, string by, DateTimeOffset at)
    {
        if (Variations.FirstOrDefault(v => v.Id == variationId) is not { } v) return RuleBroken.Invalid("variation-exists", "variationId", $"there is no variation {variationId}");
        if (v.Status != VariationStatus.Requested)
            return RuleBroken.Conflict("decide-only-requested-variation", $"Variation {variationId} is {Name(v.Status)}: it has been decided already.");
        if (Status != AllocationStatus.Confirmed) return Closed("decide a variation");
        var decided = v with { Status = approve ? VariationStatus.Approved : VariationStatus.Rejected, DecidedBy = by, DecidedAt = at, DecisionReason = reason };
        var withDecision = this with { Variations = Variations.Select(x => x.Id == variationId ? decided : x).ToList() };
        return approve ? withDecision.Apply(v) : withDecision;
    }

    private Decision<Allocation> Apply(Variation v)
    {
        switch (v.Kind)
        {
            case VariationKind.Amount:
            {
                var amount = v.NewAmount!.Value;
                if (amount < Released) return RuleBroken.Conflict("award-covers-released", $"{amount} is less than the {Released} already released.");
                if (amount < Committed) return RuleBroken.Conflict("award-covers-commitments", $"{amount} is less than the {Committed} committed to approved projects.");
                var difference = amount - Awarded;
                var tranches = Tranches.ToList();
                if (tranches.Count > 0 && !difference.IsZero)
                {
                    // The last scheduled tranche takes the difference, so the schedule still adds up to the award to the penny.
                    var last = tranches.FindLastIndex(t => t.Status == TrancheStatus.Scheduled);
                    if (last < 0 || (tranches[last].Amount + difference).IsNegative)
                        return RuleBroken.Conflict("variation-needs-scheduled-tranche", "No scheduled tranche can take the change, so the schedule would not add up to the new award.");
                    tranches[last] = tranches[last] with { Amount = tranches[last].Amount + difference };
                }
                return this with { Awarded = amount, Tranches = tranches };
            }
            case VariationKind.EndDate:
                if (v.NewEndDate!.Value < PlannedStart) return RuleBroken.Conflict("end-after-start", $"{v.NewEndDate} is before the planned start {PlannedStart}.");
                return this with { PlannedEnd = v.NewEndDate.Value };
            default:
            {
                var from = FindProject(v.FromProjectId!.Value)!;
                var to = FindProject(v.ToProjectId!.Value)!;
                var amount = v.VirementAmount!.Value;
                if (!from.IsCommitted || !to.IsCommitted)
                    return RuleBroken.Conflict("virement-between-approved-projects", "Money moves only between approved projects.");
                if (from.Amount - amount < Money.Max0(from.Spent))
                    return RuleBroken.Conflict("virement-within-unspent", $"Project {from.Id} has {from.Amount - from.Spent} unspent, less than {amount}.");
                var projects = Projects.Select(p => p.Id == from.Id ? p with { Amount = p.Amount - amount } : p.Id == to.Id ? p with { Amount = p.Amount + amount } : p).ToList();
                return this with { Projects = projects };
            }
        }
    }

    // Year end

    /// <summary>
    /// Confirmed → closed: the outturn (which must equal the spend recorded) is recorded, what was released and not spent is
    /// returned to the funder (a recorded return of funds), and tranches still scheduled are cancelled (never paid).
    /// </summary>
    public Decision<Allocation> CloseYear(Money outturn, DateOnly returnedOn, string? returnReference, string by, DateTimeOffset at)
    {
        if (Status != AllocationStatus.Confirmed)
            return RuleBroken.Conflict("close-confirmed-allocation", $"Only a confirmed allocation is closed at year end; this one is {Name(Status)}.");
        if (outturn != Spent)
            return RuleBroken.Invalid("outturn-is-spend", "outturn", $"the outturn must equal the {Spent} of spend recorded: record the missing spend or corrections first");
        if (Released < Spent)
            return RuleBroken.Conflict("release-due-before-close", $"{Spent} has been spent but only {Released} released: release what is due before closing.");
        var returned = Released - outturn;
        return this with
        {
            Status = AllocationStatus.Closed,
            Tranches = Tranches.Select(t => t.Status == TrancheStatus.Scheduled ? t.Cancel() : t).ToList(),
            YearEnd = new YearEnd(outturn, returned, returnedOn, returnReference, by, at),
        };
    }

    // Derived totals (one home: the views, the PCC's overview, the gauges and gRPC all read these)

    /// <summary>Approved (and completed) projects' amounts.</summary>
    [JsonIgnore] public Money Committed => Money.Sum(Projects.Where(p => p.IsCommitted).Select(p => p.Amount));
    [JsonIgnore] public Money Released => Money.Sum(Tranches.Where(t => t.Status == TrancheStatus.Released).Select(t => t.Amount));
    [JsonIgnore] public Money Unreleased => Awarded - Released;
    [JsonIgnore] public Money Remaining => Awarded - Spent;

    /// <summary>The forecast outturn of the latest return that has not been sent back (null before any).</summary>
    [JsonIgnore] public Money? ForecastOutturn =>
        YearEnd?.Outturn ?? Returns.Where(r => r.Status != ReturnStatus.Returned).OrderBy(r => r.Quarter).LastOrDefault()?.ForecastOutturn;

    [JsonIgnore] public Money? ForecastUnderspend => ForecastOutturn is { } forecast ? Money.Max0(Awarded - forecast) : null;

    /// <summary>What the profile says should be spent by <paramref name="today"/>: the award spread evenly over the planned
    /// days (straight line), rounded down to the penny; nothing before the start, everything after the end.</summary>
    public Money ProfileTo(DateOnly today) => Profile(Awarded, PlannedStart, PlannedEnd, today);

    /// <summary>The straight-line profile: <paramref name="awarded"/> spread evenly over the planned days, rounded down.</summary>
    public static Money Profile(Money awarded, DateOnly start, DateOnly end, DateOnly today)
    {
        if (today < start) return Money.Zero;
        if (today >= end) return awarded;
        var days = end.DayNumber - start.DayNumber + 1;
        var elapsed = today.DayNumber - start.DayNumber + 1;
        return new Money((long)(new System.Numerics.BigInteger(awarded.Pence) * elapsed / days));
    }

    public AllocationTotals Totals(DateOnly today)
    {
        var profile = IsOpen || Status == AllocationStatus.Closed ? ProfileTo(today) : Money.Zero;
        return new AllocationTotals(Awarded, Committed, Released, Spent, Unreleased, Remaining, ForecastOutturn, ForecastUnderspend, profile, Spent - profile,
            YearEnd?.FundsReturned, ReturnsOverdue(today).Count, Returns.Count(r => r.IsLate));
    }

    /// <summary>Quarters of the year whose return was due before <paramref name="today"/> and has not been submitted (or was
    /// sent back and not resubmitted), while the allocation is confirmed.</summary>
    public IReadOnlyList<FinancialQuarter> ReturnsOverdue(DateOnly today) =>
        Overdue(Status, Year, Returns.ToDictionary(r => r.Quarter, r => r.Status), today);

    /// <summary>The rule behind <see cref="ReturnsOverdue(DateOnly)"/>, from the returns' states alone (the summaries use it too).</summary>
    public static IReadOnlyList<FinancialQuarter> Overdue(AllocationStatus status, FinancialYear year, IReadOnlyDictionary<FinancialQuarter, ReturnStatus> returns, DateOnly today) =>
        status != AllocationStatus.Confirmed ? [] :
        Enumerable.Range(1, 4).Select(q => new FinancialQuarter(year.StartYear, q))
            .Where(q => MonitoringReturn.DueDate(q) < today && (!returns.TryGetValue(q, out var s) || s == ReturnStatus.Returned)).ToList();

    public Project? FindProject(int id) => Projects.FirstOrDefault(p => p.Id == id);
    public MonitoringReturn? ReturnFor(FinancialQuarter quarter) => Returns.FirstOrDefault(r => r.Quarter == quarter);

    private Allocation Replace(Project project) => this with { Projects = Projects.Select(p => p.Id == project.Id ? project : p).ToList() };
    private Allocation ReplaceTranche(Tranche tranche) => this with { Tranches = Tranches.Select(t => t.Id == tranche.Id ? tranche : t).ToList() };
    private Allocation ReplaceReturn(MonitoringReturn r) => this with { Returns = Returns.Select(x => x.Quarter == r.Quarter ? r : x).ToList() };

    private RuleBroken Closed(string what) => RuleBroken.Conflict("allocation-open", $"The allocation is {Name(Status)}: nothing more can {what.Split(' ')[0]} here ({what}).");
    private static RuleBroken NoProject(int id) => RuleBroken.Invalid("project-exists", "projectId", $"there is no project {id} in this allocation");
    private static RuleBroken NoTranche(int id) => RuleBroken.Invalid("tranche-exists", "trancheId", $"there is no tranche {id} in this allocation");
    private static RuleBroken NoReturn(FinancialQuarter q) => RuleBroken.Invalid("return-exists", "quarter", $"there is no {q} return");

    /// <summary>The kebab-case name of a state, as the API writes it.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

public enum AllocationStatus { Provisional, Confirmed, Withdrawn, Closed }

/// <summary>The Police and Crime Panel's approval of the PCC's budget that confirmed the allocation.</summary>
public sealed record Confirmation(DateOnly PanelDate, string PanelReference, string ConfirmedBy, DateTimeOffset ConfirmedAt);

/// <summary>The derived totals the dashboards, the PCC's overview, the gauges and gRPC read. Remaining = Awarded − Spent;
/// Unreleased = Awarded − Released; SpentAgainstProfile = Spent − ProfileToDate (negative: behind profile).</summary>
public sealed record AllocationTotals(Money Awarded, Money Committed, Money Released, Money Spent, Money Unreleased, Money Remaining,
    Money? ForecastOutturn, Money? ForecastUnderspend, Money ProfileToDate, Money SpentAgainstProfile, Money? FundsReturned,
    int ReturnsOverdue, int LateReturns);

/// <summary>A project or business case within the allocation.</summary>
public sealed record Project(int Id, string Title, string LeadAgencyId, Money Amount, IReadOnlyList<LinkedAction> Actions, IReadOnlyList<string> Measures,
    ProjectStatus Status, Money Spent, DateTimeOffset SubmittedAt, string SubmittedBy, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason)
{
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndedBy { get; init; }

    /// <summary>Approved or completed: it counts towards Committed and takes spend.</summary>
    [JsonIgnore] public bool IsCommitted => Status is ProjectStatus.Approved or ProjectStatus.Completed;

    /// <summary>"delivered: ready to close": approved, and every action it delivers has completed.</summary>
    [JsonIgnore] public bool ReadyToClose => Status == ProjectStatus.Approved && Actions.Count > 0 && Actions.All(a => a.Completed);

    /// <summary>One of its actions is off track (the PCC's view flags it).</summary>
    [JsonIgnore] public bool Flagged => Actions.Any(a => a.OffTrack);
}

public enum ProjectStatus { Submitted, Approved, Rejected, Completed, Closed }

/// <summary>An action of the partnership's action plan that a project delivers, as the action-plan service last reported it.</summary>
public sealed record LinkedAction(long ActionId, string Title, bool Completed, bool OffTrack);

/// <summary>A payment. <see cref="Condition"/> and <see cref="WaitsOnReturn"/> say what must hold before it is released.</summary>
public sealed record Tranche(int Id, string Label, Money Amount, TrancheCondition Condition, FinancialQuarter? WaitsOnReturn, TrancheStatus Status,
    DateOnly? ReleasedOn, string? ReleasedBy)
{
    public string? CancelledBecause { get; init; }

    public Tranche Cancel() => Status == TrancheStatus.Scheduled ? this with { Status = TrancheStatus.Cancelled } : this;
}

public enum TrancheStatus { Scheduled, Released, Cancelled }

/// <summary>What a tranche waits for besides confirmation: nothing, approved business cases, or an accepted return.</summary>
public enum TrancheCondition { None, BusinessCasesApproved, ReturnAccepted }

/// <summary>One spend entry: append-only; a correction is a new negative entry naming the entry it corrects.</summary>
public sealed record SpendEntry(int Id, int ProjectId, DateOnly Date, Money Amount, string Description, string? EvidenceReference, int? CorrectsEntryId,
    string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A quarterly monitoring return. Due one month after its quarter ends (<see cref="DueDate"/>); late when submitted after that.</summary>
public sealed record MonitoringReturn(FinancialQuarter Quarter, DateOnly DueOn, IReadOnlyList<ReturnSpendLine> SpendToDate, string Narrative,
    IReadOnlyList<MeasureValue> Measures, Money ForecastOutturn, ReturnStatus Status, string SubmittedBy, DateTimeOffset SubmittedAt, DateOnly SubmittedOn,
    string? SignedOffBy, DateTimeOffset? SignedOffAt, string? DecidedBy, DateTimeOffset? DecidedAt, string? ReturnedReason, int Revision)
{
    public string? SignOffNote { get; init; }

    /// <summary>The last day of the month after the quarter ends: Q1 (April to June) is due on 31 July.</summary>
    public static DateOnly DueDate(FinancialQuarter quarter) => quarter.End.AddDays(1).AddMonths(1).AddDays(-1);

    [JsonIgnore] public bool IsLate => SubmittedOn > DueOn;
}

public enum ReturnStatus { Submitted, SignedOff, Accepted, Returned }

public sealed record ReturnSpendLine(int ProjectId, Money SpentToDate);

public sealed record MeasureValue(int ProjectId, string Measure, string Value);

/// <summary>An amendment record: a new amount, a new end date, or money moved between projects (virement). Never a silent edit.</summary>
public sealed record Variation(int Id, VariationKind Kind, Money? NewAmount, DateOnly? NewEndDate, int? FromProjectId, int? ToProjectId, Money? VirementAmount,
    string Reason, VariationStatus Status, string RequestedBy, DateTimeOffset RequestedAt, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason);

public enum VariationKind { Amount, EndDate, Virement }

public enum VariationStatus { Requested, Approved, Rejected }

/// <summary>The year end: the outturn, and the funds returned (released but not spent), with when and the funder's reference.</summary>
public sealed record YearEnd(Money Outturn, Money FundsReturned, DateOnly ReturnedOn, string? ReturnReference, string ClosedBy, DateTimeOffset ClosedAt);
