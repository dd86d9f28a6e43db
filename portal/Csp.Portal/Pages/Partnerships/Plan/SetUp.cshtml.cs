using System.Globalization;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.PlanSetUp;

namespace Csp.Portal.Pages.Partnerships.Plan;

/// <summary>
/// Setting up a plan (manager): a new plan (its reference, title, years, priorities each with areas of focus), or
/// changing one (<c>/plan/set-up/{planId}</c>, sent with the ETag read as If-Match). Priorities and areas are typed as
/// titles; a new one's id is made from its title, an existing one keeps its id (actions refer to it). Blank rows are
/// left out; "Add another priority" adds a row without sending anything. An existing priority or area of focus ticked
/// "Remove" is left out of what is sent: the action plan refuses while an action refers to it, and the refusal is shown
/// against that row's "Remove" box (the row stays, ticked). The action plan's field errors are shown
/// against the rows they name; a 412 shows what changed meanwhile, keeps everything typed and adds to the form what the
/// other person added, so sending again loses nothing of theirs.
/// </summary>
public sealed class SetUpModel : PlanSetUpPage
{
    public const int BlankAreas = 2;

    [FromRoute] public string? PlanId { get; set; }
    [BindProperty] public string? PlanRef { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? StartYear { get; set; }
    [BindProperty] public string? EndYear { get; set; }
    [BindProperty] public List<PriorityInput> Priorities { get; set; } = [];
    [BindProperty] public string? Version { get; set; }
    [BindProperty] public string? Read { get; set; }

    public bool IsNew => string.IsNullOrEmpty(PlanId);
    public IReadOnlyList<string>? Conflict { get; private set; }

    private string PlansPath => ApiPath + "/plans";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequireManager();
        await LoadPartnershipAsync(cancellationToken);
        if (IsNew)
        {
            var year = Today.Year;
            PlanRef = $"csp-{year}-{year + 3}";
            StartYear = year.ToString(CultureInfo.InvariantCulture);
            EndYear = (year + 3).ToString(CultureInfo.InvariantCulture);
            Priorities = [new PriorityInput()];
        }
        else
        {
            var plan = await Api.GetAsync<PlanView>($"{PlansPath}/{Uri.EscapeDataString(PlanId!)}", cancellationToken);
            Fill(plan.Value!);
            Version = plan.ETag;
            Read = Snapshot(plan.Value);
        }
        PadRows();
    }

    /// <summary>"Add another priority": one more blank row, nothing sent.</summary>
    public async Task<IActionResult> OnPostAddPriorityAsync(CancellationToken cancellationToken)
    {
        ModelState.Clear();
        await LoadPartnershipAsync(cancellationToken);
        Priorities.Add(new PriorityInput());
        PadRows();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var start = ReadYear(StartYear, nameof(StartYear), "Start year");
        var end = ReadYear(EndYear, nameof(EndYear), "End year");
        var (draft, fields) = Draft(start, end);
        if (ModelState.IsValid)
        {
            var planId = IsNew ? PlanRef?.Trim() ?? "" : PlanId!;
            var result = await Api.PutAsync<PlanView>($"{PlansPath}/{Uri.EscapeDataString(planId.Length == 0 ? "-" : planId)}", draft,
                ifMatch: IsNew ? null : Version, cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{PagePath}/plan?plan={Uri.EscapeDataString(result.Value!.Id)}&done={(IsNew ? "plan-created" : "plan-changed")}");
            if (result.Status == StatusCodes.Status412PreconditionFailed && !IsNew)
            {
                await LoadPartnershipAsync(cancellationToken);
                var now = await Api.GetAsync<PlanView>($"{PlansPath}/{Uri.EscapeDataString(PlanId!)}", cancellationToken);
                var before = FromSnapshot<PlanView>(Read);
                Conflict = Changes(before, now.Value!);
                if (before is not null) TakeTheirs(before, now.Value!);
                AddTheirs(now.Value!);
                Version = now.ETag;
                Read = Snapshot(now.Value);
                PadRows();
                return Page();
            }
            if (IsNew && result.Status == StatusCodes.Status428PreconditionRequired)
                ModelState.AddModelError(nameof(PlanRef), $"Plan reference {planId} is taken by another plan: choose another reference, or change that plan");
            else if (RemovalsOnTheirRows(result.Problem!, draft) is { } rest) ModelState.AddProblem(Readable(rest), fields);
        }
        await LoadPartnershipAsync(cancellationToken);
        PadRows();
        return Page();
    }

    /// <summary>The plan as the action plan reads it, from the rows typed (blank new rows left out), and which API field is
    /// which form field.</summary>
    private (PlanDraft Draft, Dictionary<string, (string, string)> Fields) Draft(int? start, int? end)
    {
        var fields = new Dictionary<string, (string, string)>
        {
            ["planId"] = (nameof(PlanRef), "Plan reference"),
            ["title"] = (nameof(Title), "Title"),
            ["startYear"] = (nameof(StartYear), "Start year"),
            ["endYear"] = (nameof(EndYear), "End year"),
            ["priorities"] = ("Priorities[0].Title", "Priorities:"),
        };
        var taken = Priorities.Where(p => !string.IsNullOrEmpty(p.Id)).Select(p => p.Id!).ToHashSet(StringComparer.Ordinal);
        var priorities = new List<PriorityDraft>();
        for (var i = 0; i < Priorities.Count; i++)
        {
            var row = Priorities[i];
            row.Areas ??= [];
            var isNew = string.IsNullOrEmpty(row.Id);
            if (isNew && string.IsNullOrWhiteSpace(row.Title) && row.Areas.All(a => string.IsNullOrWhiteSpace(a.Title))) continue;
            if (!isNew && row.Remove) continue;
            var n = priorities.Count;
            var key = $"Priorities[{i}]";
            fields[$"priorities[{n}].id"] = ($"{key}.Title", $"Priority {i + 1}");
            fields[$"priorities[{n}].title"] = ($"{key}.Title", $"Priority {i + 1} title");
            var id = isNew ? Unique(SlugOf(row.Title), taken) : row.Id;
            var areas = new List<AreaDraft>();
            var areaIds = row.Areas.Where(a => !string.IsNullOrEmpty(a.Id)).Select(a => a.Id!).ToHashSet(StringComparer.Ordinal);
            for (var j = 0; j < row.Areas.Count; j++)
            {
                var area = row.Areas[j];
                if (string.IsNullOrEmpty(area.Id) && string.IsNullOrWhiteSpace(area.Title)) continue;
                if (!string.IsNullOrEmpty(area.Id) && area.Remove) continue;
                var m = areas.Count;
                fields[$"priorities[{n}].areasOfFocus[{m}].id"] = ($"{key}.Areas[{j}].Title", $"Priority {i + 1}, area of focus {j + 1}");
                fields[$"priorities[{n}].areasOfFocus[{m}].title"] = ($"{key}.Areas[{j}].Title", $"Priority {i + 1}, area of focus {j + 1} title");
                areas.Add(new AreaDraft(string.IsNullOrEmpty(area.Id) ? Unique(SlugOf(area.Title), areaIds) : area.Id, area.Title?.Trim()));
            }
            priorities.Add(new PriorityDraft(id, row.Title?.Trim(), areas));
        }
        return (new PlanDraft(Title?.Trim(), start, end, priorities), fields);
    }

    /// <summary>
    /// The action plan's refusal to take out a priority (field <c>priorities</c>) or an area of focus (field
    /// <c>priorities[n].areasOfFocus</c>, <c>n</c> the priority's place in what was sent) names it by title; each such
    /// message is put against the "Remove" box of the row ticked for it; the rest of the problem is returned (null when
    /// nothing is left of it).
    /// </summary>
    private ApiProblem? RemovalsOnTheirRows(ApiProblem problem, PlanDraft draft)
    {
        var rest = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in problem.Errors)
        {
            var left = new List<string>();
            foreach (var message in messages)
            {
                var key = RemovalKey(field, message, draft);
                if (key is null) left.Add(message);
                else ModelState.AddModelError(key.Value.Key, $"{key.Value.Label}, “{key.Value.Title}”, cannot be taken out {message[$"cannot lose '{key.Value.Title}' ".Length..]}");
            }
            if (left.Count > 0) rest[field] = [.. left];
        }
        return rest.Count == 0 && problem.Errors.Count > 0 ? null : problem with { Errors = rest };
    }

    private (string Key, string Label, string Title)? RemovalKey(string field, string message, PlanDraft draft)
    {
        if (!message.StartsWith("cannot lose '", StringComparison.Ordinal)) return null;
        bool Names(string? title) => !string.IsNullOrEmpty(title) && message.StartsWith($"cannot lose '{title.Trim()}' ", StringComparison.Ordinal);
        if (field == "priorities")
        {
            var i = Priorities.FindIndex(r => !string.IsNullOrEmpty(r.Id) && r.Remove && Names(r.Title));
            return i < 0 ? null : ($"Priorities[{i}].Remove", $"Priority {i + 1}", Priorities[i].Title!.Trim());
        }
        var match = System.Text.RegularExpressions.Regex.Match(field, @"^priorities\[(\d+)\]\.areasOfFocus$");
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var n) || n >= draft.Priorities.Count) return null;
        var row = Priorities.FindIndex(r => r.Id == draft.Priorities[n].Id);
        if (row < 0) return null;
        var j = (Priorities[row].Areas ?? []).FindIndex(a => !string.IsNullOrEmpty(a.Id) && a.Remove && Names(a.Title));
        return j < 0 ? null : ($"Priorities[{row}].Areas[{j}].Remove", $"Priority {row + 1}, area of focus {j + 1}", Priorities[row].Areas![j].Title!.Trim());
    }

    private static string Unique(string slug, HashSet<string> taken)
    {
        if (slug.Length == 0) return slug;
        var id = slug;
        for (var n = 2; !taken.Add(id); n++) id = $"{slug}-{n}";
        return id;
    }

    private int? ReadYear(string? typed, string key, string label)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        if (int.TryParse(typed.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year)) return year;
        ModelState.AddModelError(key, $"{label} must be a year in numbers, like 2025");
        return null;
    }

    private void Fill(PlanView plan)
    {
        Title = plan.Title;
        StartYear = plan.StartYear.ToString(CultureInfo.InvariantCulture);
        EndYear = plan.EndYear.ToString(CultureInfo.InvariantCulture);
        Priorities = plan.Priorities.Select(p => new PriorityInput
        {
            Id = p.Id, Title = p.Title, Areas = p.AreasOfFocus.Select(a => new AreaInput { Id = a.Id, Title = a.Title }).ToList(),
        }).ToList();
    }

    /// <summary>After a 412: what the user left as the form read it takes its value now (their change is kept by sending
    /// again); what the user changed stays as typed.</summary>
    private void TakeTheirs(PlanView before, PlanView now)
    {
        static bool Same(string? typed, string read) => (typed ?? "").Trim() == read;
        if (Same(Title, before.Title)) Title = now.Title;
        if (Same(StartYear, before.StartYear.ToString(CultureInfo.InvariantCulture))) StartYear = now.StartYear.ToString(CultureInfo.InvariantCulture);
        if (Same(EndYear, before.EndYear.ToString(CultureInfo.InvariantCulture))) EndYear = now.EndYear.ToString(CultureInfo.InvariantCulture);
        foreach (var row in Priorities.Where(r => !string.IsNullOrEmpty(r.Id)))
        {
            var old = before.Priorities.FirstOrDefault(p => p.Id == row.Id);
            var current = now.Priorities.FirstOrDefault(p => p.Id == row.Id);
            if (old is null || current is null) continue;
            if (Same(row.Title, old.Title)) row.Title = current.Title;
            foreach (var area in (row.Areas ?? []).Where(a => !string.IsNullOrEmpty(a.Id)))
            {
                var oldArea = old.AreasOfFocus.FirstOrDefault(a => a.Id == area.Id);
                var currentArea = current.AreasOfFocus.FirstOrDefault(a => a.Id == area.Id);
                if (oldArea is not null && currentArea is not null && Same(area.Title, oldArea.Title)) area.Title = currentArea.Title;
            }
        }
    }

    /// <summary>After a 412: what someone else added (a priority, an area of focus) joins the form, so sending again keeps it.</summary>
    private void AddTheirs(PlanView now)
    {
        foreach (var priority in now.Priorities)
        {
            var row = Priorities.FirstOrDefault(r => r.Id == priority.Id);
            if (row is null)
            {
                var at = Priorities.FindIndex(r => string.IsNullOrEmpty(r.Id) && string.IsNullOrWhiteSpace(r.Title));
                row = new PriorityInput { Id = priority.Id, Title = priority.Title, Areas = [] };
                if (at < 0) Priorities.Add(row); else Priorities.Insert(at, row);
            }
            row.Areas ??= [];
            foreach (var area in priority.AreasOfFocus.Where(a => row.Areas.All(x => x.Id != a.Id)))
            {
                var at = row.Areas.FindIndex(x => string.IsNullOrEmpty(x.Id) && string.IsNullOrWhiteSpace(x.Title));
                var input = new AreaInput { Id = area.Id, Title = area.Title };
                if (at < 0) row.Areas.Add(input); else row.Areas.Insert(at, input);
            }
        }
    }

    /// <summary>What changed between the plan the form was read from and the plan now, in words.</summary>
    internal static IReadOnlyList<string> Changes(PlanView? before, PlanView now)
    {
        var changes = new List<string>();
        if (before is null) return ["The plan was changed by someone else."];
        if (before.Title != now.Title) changes.Add($"The title is now “{now.Title}” (was “{before.Title}”).");
        if (before.StartYear != now.StartYear || before.EndYear != now.EndYear)
            changes.Add($"The years are now {now.StartYear} to {now.EndYear} (were {before.StartYear} to {before.EndYear}).");
        foreach (var p in now.Priorities)
        {
            var old = before.Priorities.FirstOrDefault(x => x.Id == p.Id);
            if (old is null) { changes.Add($"Priority “{p.Title}” was added."); continue; }
            if (old.Title != p.Title) changes.Add($"Priority “{old.Title}” is now called “{p.Title}”.");
            foreach (var a in p.AreasOfFocus)
            {
                var oldArea = old.AreasOfFocus.FirstOrDefault(x => x.Id == a.Id);
                if (oldArea is null) changes.Add($"Area of focus “{a.Title}” was added to “{p.Title}”.");
                else if (oldArea.Title != a.Title) changes.Add($"Area of focus “{oldArea.Title}” of “{p.Title}” is now called “{a.Title}”.");
            }
            foreach (var a in old.AreasOfFocus.Where(a => p.AreasOfFocus.All(x => x.Id != a.Id))) changes.Add($"Area of focus “{a.Title}” was taken out of “{p.Title}”.");
        }
        foreach (var p in before.Priorities.Where(p => now.Priorities.All(x => x.Id != p.Id))) changes.Add($"Priority “{p.Title}” was taken out.");
        if (changes.Count == 0) changes.Add("The plan was saved again with no change you can see here.");
        return changes;
    }

    /// <summary>Every priority shows its areas and <see cref="BlankAreas"/> blank rows to add more; a new plan or a plan
    /// with none shows one blank priority.</summary>
    private void PadRows()
    {
        if (Priorities.Count == 0) Priorities.Add(new PriorityInput());
        foreach (var p in Priorities)
        {
            p.Areas ??= [];
            var blanks = p.Areas.Count(a => string.IsNullOrEmpty(a.Id) && string.IsNullOrWhiteSpace(a.Title));
            for (var i = blanks; i < BlankAreas; i++) p.Areas.Add(new AreaInput());
        }
    }

    public sealed class PriorityInput
    {
        public string? Id { get; set; }
        public string? Title { get; set; }
        public List<AreaInput>? Areas { get; set; } = [];
        /// <summary>Ticked "Remove" (an existing priority only): left out of what is sent.</summary>
        public bool Remove { get; set; }
    }

    public sealed class AreaInput
    {
        public string? Id { get; set; }
        public string? Title { get; set; }
        /// <summary>Ticked "Remove" (an existing area of focus only): left out of what is sent.</summary>
        public bool Remove { get; set; }
    }
}
