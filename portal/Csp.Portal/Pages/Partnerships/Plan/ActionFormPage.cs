using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.PlanSetUp;

namespace Csp.Portal.Pages.Partnerships.Plan;

/// <summary>
/// The action form the manager adds and revises actions with (<see cref="NewActionModel"/>, <see cref="EditActionModel"/>):
/// priority and area of focus, title, description, 4P strand, lead and supporting agencies, owner, start and due dates,
/// milestones (each with the day it was done). Dates are GOV.UK date inputs; an impossible date is the only local check,
/// every rule (due on or after start, milestones within the action's dates, the agencies being the partnership's) is the
/// action plan's, shown against the field it names.
/// </summary>
public abstract class ActionFormPage : PlanSetUpPage
{
    public static readonly IReadOnlyList<string> Strands = ["prevent", "protect", "pursue", "prepare"];

    public static readonly IReadOnlyDictionary<string, string> StrandHints = new Dictionary<string, string>
    {
        ["prevent"] = "Stop crime and harm happening",
        ["protect"] = "Keep people and places safe",
        ["pursue"] = "Bring offenders to justice",
        ["prepare"] = "Be ready to respond",
    };

    [BindProperty] public string? PlanId { get; set; }
    [BindProperty] public string? PriorityId { get; set; }
    [BindProperty] public string? AreaOfFocusId { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Strand { get; set; }
    [BindProperty] public string? LeadAgencyId { get; set; }
    [BindProperty] public List<string> SupportingAgencyIds { get; set; } = [];
    [BindProperty] public string? Owner { get; set; }
    [BindProperty] public DateParts Start { get; set; } = new();
    [BindProperty] public DateParts Due { get; set; } = new();
    [BindProperty] public List<MilestoneInput> Milestones { get; set; } = [];

    public IReadOnlyList<PlanView> Plans { get; private set; } = [];
    public PlanView? Plan => Plans.FirstOrDefault(p => p.Id == PlanId);

    public abstract string SubmitText { get; }

    protected async Task LoadFormAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken);
        Plans = (await Api.GetAsync<List<PlanView>>(ApiPath + "/plans", cancellationToken)).Value ?? [];
        var year = Today.Year;
        PlanId ??= (Plans.FirstOrDefault(p => p.StartYear <= year && year <= p.EndYear) ?? Plans.OrderByDescending(p => p.StartYear).FirstOrDefault())?.Id;
        if (Milestones.All(m => !m.IsBlank)) Milestones.Add(new MilestoneInput());
    }

    /// <summary>The action as typed, for the action plan, and which API field is which form field. Blank milestone rows are
    /// left out; a date that cannot be a date is an error here (the service never sees it).</summary>
    protected (ActionDraft Draft, Dictionary<string, (string, string)> Fields) Draft()
    {
        var fields = new Dictionary<string, (string, string)>
        {
            ["planId"] = (nameof(PriorityId), "Plan"),
            ["priorityId"] = (nameof(PriorityId), "Priority"),
            ["areaOfFocusId"] = (nameof(AreaOfFocusId), "Area of focus"),
            ["title"] = (nameof(Title), "Title"),
            ["description"] = (nameof(Description), "Description"),
            ["strand"] = (nameof(Strand), "Strand"),
            ["leadAgencyId"] = (nameof(LeadAgencyId), "Lead agency"),
            ["owner"] = (nameof(Owner), "Owner"),
            ["startDate"] = ("StartDate", "Start date"),
            ["dueDate"] = ("DueDate", "Due date"),
            ["milestones"] = ("Milestones[0].Title", "Milestones:"),
        };
        var start = ReadDate(Start, "StartDate", "Start date");
        var due = ReadDate(Due, "DueDate", "Due date");
        var supporting = SupportingAgencyIds.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct().ToList();
        for (var i = 0; i < supporting.Count; i++) fields[$"supportingAgencyIds[{i}]"] = (nameof(SupportingAgencyIds), $"Supporting agency {Partnership.AgencyName(supporting[i])}:");
        var milestones = new List<MilestoneDraft>();
        for (var i = 0; i < Milestones.Count; i++)
        {
            var m = Milestones[i];
            m.Due ??= new DateParts();
            m.Done ??= new DateParts();
            if (m.IsBlank) continue;
            var n = milestones.Count;
            fields[$"milestones[{n}].title"] = ($"Milestones[{i}].Title", $"Milestone {i + 1} title");
            fields[$"milestones[{n}].dueDate"] = ($"Milestones[{i}].DueDate", $"Milestone {i + 1} due date");
            fields[$"milestones[{n}].completedOn"] = ($"Milestones[{i}].CompletedOn", $"Milestone {i + 1} date done");
            milestones.Add(new MilestoneDraft(m.Title?.Trim(), ReadDate(m.Due, $"Milestones[{i}].DueDate", $"Milestone {i + 1} due date"),
                ReadDate(m.Done, $"Milestones[{i}].CompletedOn", $"Milestone {i + 1} date done")));
        }
        var draft = new ActionDraft(PlanId, Blank(PriorityId), Blank(AreaOfFocusId), Title?.Trim(), Blank(Description), Blank(Strand), Blank(LeadAgencyId),
            supporting, Owner?.Trim(), start, due, milestones);
        return (draft, fields);
    }

    protected void Fill(ActionView a)
    {
        PlanId = a.PlanId;
        PriorityId = a.PriorityId;
        AreaOfFocusId = a.AreaOfFocusId;
        Title = a.Title;
        Description = a.Description;
        Strand = a.Strand;
        LeadAgencyId = a.LeadAgencyId;
        SupportingAgencyIds = a.SupportingAgencyIds.ToList();
        Owner = a.Owner;
        Start = DateParts.Of(a.StartDate);
        Due = DateParts.Of(a.DueDate);
        Milestones = a.Milestones.Select(m => new MilestoneInput { Title = m.Title, Due = DateParts.Of(m.DueDate), Done = DateParts.Of(m.CompletedOn) }).ToList();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public sealed class MilestoneInput
    {
        public string? Title { get; set; }
        public DateParts? Due { get; set; } = new();
        public DateParts? Done { get; set; } = new();

        public bool IsBlank => string.IsNullOrWhiteSpace(Title) && (Due?.IsEmpty ?? true) && (Done?.IsEmpty ?? true);
    }
}
