using System.Text.Json;
using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Storage;

/// <summary>Documents stored by earlier versions of the service (the files beside this test) still load into today's domain
/// types, and are written back with the same fields.</summary>
public class StoredDocumentTests
{
    private static string Stored(string name) => RepoPaths.ReadText("tests", "Csp.ActionPlan.Tests", "Storage", "StoredDocuments", name);

    [Fact]
    public void An_action_loads_with_its_status_dates_and_milestones()
    {
        var action = StorageJson.Deserialize<PlanAction>(Stored("action.json"));

        Assert.Equal(1, action.Id);
        Assert.Equal("medway", action.PartnershipId);
        Assert.Equal("safeguarding-adults-and-children", action.PriorityId);
        Assert.Equal("organised-crime-groups", action.AreaOfFocusId);
        Assert.Equal(Strand.Pursue, action.Strand);
        Assert.Equal("kent-police", action.LeadAgencyId);
        Assert.Equal(["medway-council", "medway-youth-justice", "kent-medway-vru"], action.SupportingAgencyIds);
        Assert.Equal(new DateOnly(2026, 1, 7), action.StartDate);
        Assert.Equal(new DateOnly(2027, 2, 6), action.DueDate);
        Assert.Equal(ActionStatus.OnTrack, action.Status);
        Assert.False(action.IsCompleted);
        Assert.Equal(70, action.ProgressPercent);
        Assert.Equal(3, action.UpdateCount);
        Assert.Equal(new DateTimeOffset(2026, 11, 18, 10, 0, 0, TimeSpan.Zero), action.LastUpdatedAt);
        Assert.Equal("system", action.CreatedBy);
        Assert.Null(action.CompletedAt);
        Assert.Null(action.OverdueRaisedFor);
        Assert.Equal(3, action.Milestones.Count);
        Assert.Equal(new Milestone("Complete first two intensification weeks", new DateOnly(2026, 7, 26), new DateOnly(2026, 7, 28)), action.Milestones[1]);
        Assert.Null(action.Milestones[2].CompletedOn);
        Assert.Equal(Rag.Green, action.RagOn(new DateOnly(2026, 11, 23)));
    }

    [Fact]
    public void A_plan_loads_with_its_priorities_and_areas_of_focus()
    {
        var plan = StorageJson.Deserialize<Plan>(Stored("plan.json"));

        Assert.Equal("csp-2020-2024", plan.Id);
        Assert.Equal((2020, 2024), (plan.StartYear, plan.EndYear));
        Assert.Equal(4, plan.Priorities.Count);
        Assert.True(plan.FindPriority("reducing-vulnerability")!.HasAreaOfFocus("domestic-abuse"));
        Assert.Equal("Integrated Offender Management (IOM)", plan.FindPriority("reducing-reoffending")!.AreasOfFocus[2].Title);
    }

    [Fact]
    public void A_round_loads_with_its_quarter_and_dates()
    {
        var round = StorageJson.Deserialize<UpdateRound>(Stored("round.json"));

        Assert.Equal("2026-q3", round.Id);
        Assert.Equal(FinancialQuarter.Parse("2026-Q3"), round.Period);
        Assert.Equal(new DateOnly(2026, 11, 9), round.OpensOn);
        Assert.Equal(new DateOnly(2026, 12, 3), round.Deadline);
        Assert.Equal("system", round.CreatedBy);
    }

    [Fact]
    public void A_partnership_loads_with_its_agencies()
    {
        var partnership = StorageJson.Deserialize<Partnership>(Stored("partnership.json"));

        Assert.Equal("medway", partnership.Id);
        Assert.Equal(10, partnership.Agencies.Count);
        Assert.Equal(new Agency("kent-police", "Kent Police", true), partnership.Agencies[1]);
        Assert.False(partnership.Agencies.Single(a => a.Id == "kent-medway-vru").ResponsibleAuthority);
    }

    [Fact]
    public void An_update_loads_with_its_author_status_and_time()
    {
        var update = StorageJson.Deserialize<ActionUpdate>(Stored("update.json"));

        Assert.Equal(new DateTimeOffset(2026, 6, 26, 10, 0, 0, TimeSpan.FromHours(1)), update.At);
        Assert.Equal(("daniel.okafor", "Daniel Okafor", "kent-police"), (update.By, update.ByName, update.AgencyId));
        Assert.Equal(ActionStatus.OnTrack, update.Status);
        Assert.Equal(35, update.ProgressPercent);
        Assert.StartsWith("First intensification week completed", update.Commentary);
    }

    [Theory]
    [InlineData("action.json", typeof(PlanAction))]
    [InlineData("plan.json", typeof(Plan))]
    [InlineData("round.json", typeof(UpdateRound))]
    [InlineData("partnership.json", typeof(Partnership))]
    [InlineData("update.json", typeof(ActionUpdate))]
    public void A_document_written_back_has_the_same_fields(string file, Type type)
    {
        var stored = Stored(file);
        var loaded = JsonSerializer.Deserialize(stored, type, StorageJson.Options);
        var written = JsonSerializer.Serialize(loaded, type, StorageJson.Options);

        Assert.Equal(FieldsOf(stored), FieldsOf(written));
    }

    [Fact]
    public void An_action_written_back_is_the_same_document()
    {
        var stored = Stored("action.json");
        var written = StorageJson.Serialize(StorageJson.Deserialize<PlanAction>(stored));
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(stored).RootElement, JsonDocument.Parse(written).RootElement), written);
    }

    /// <summary>Every field path in the document (<c>milestones[].completedOn</c>), sorted.</summary>
    private static List<string> FieldsOf(string json)
    {
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        Walk(JsonDocument.Parse(json).RootElement, "");
        return fields.ToList();

        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
                foreach (var property in element.EnumerateObject())
                {
                    fields.Add(path + property.Name);
                    Walk(property.Value, path + property.Name + ".");
                }
            else if (element.ValueKind == JsonValueKind.Array)
                foreach (var item in element.EnumerateArray()) Walk(item, path.TrimEnd('.') + "[].");
        }
    }
}
