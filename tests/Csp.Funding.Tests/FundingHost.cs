using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.BuildingBlocks.EventBus;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.Funding.Tests;

/// <summary>
/// The action-plan and funding services in-process on real Kestrel against the same fresh Redis database and the same
/// Redis Streams bus: the funding service asks the action plan's real gRPC port about actions and learns partnerships
/// from its partnership.changed events. Set up with the Kent PCC as a funder, the Crime Reduction Grant 2024-25 and two
/// partnerships (medway, other) with one action each. One per test class.
/// </summary>
public sealed class FundingHost : IAsyncLifetime
{
    public const string Partnership = "medway";
    public const string Funder = "kent-pcc";
    public const string Programme = "crg-2024-25";
    public const string Allocations = $"/api/partnerships/{Partnership}/funding/allocations";
    public const string Allocation = $"{Allocations}/{Programme}";

    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp App { get; private set; } = null!;
    public int Database { get; private set; }
    public IDatabase Redis => RedisServer.Instance.Connection.GetDatabase(Database);
    public long MedwayAction { get; private set; }
    public long OtherAction { get; private set; }

    /// <summary>The Kent PCC's finance officer: finance everywhere, acting for kent-pcc.</summary>
    public static TestUser FinanceOfficer => new("tom.fletcher", "Tom Fletcher", ["*:finance"], "kent-pcc-office") { Funders = [Funder] };
    /// <summary>A finance officer of another funder (reads, acts on nothing of the PCC's).</summary>
    public static TestUser OtherFunderFinance => new("ho.finance", "Home Office Finance", ["*:finance"], "home-office") { Funders = ["home-office"] };
    /// <summary>Finance everywhere but acting for no funder.</summary>
    public static TestUser FinanceWithoutFunder => new("fin.nofunder", "Finance", ["*:finance"], "kent-pcc-office");
    /// <summary>Medway's own finance contact.</summary>
    public static TestUser FinanceContact => new("fay.finance", "Fay Finance", [$"{Partnership}:finance"], "medway-council");

    public async Task InitializeAsync()
    {
        Database = RedisServer.Instance.TakeDatabase();
        var actionSettings = AllowFunding(TestRedis.ServiceSettings(Database));
        actionSettings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, actionSettings);
        App = await RunningApp.StartAsync(FundingApp.Build, Settings(Database, ActionPlan.GrpcAddress));

        using var admin = ActionPlan.Client(TestUser.Admin);
        foreach (var p in new[] { Partnership, "other" })
        {
            (await admin.PutAsJsonAsync($"/api/partnerships/{p}", new
            {
                name = p == Partnership ? "Medway Community Safety Partnership" : "Another CSP",
                agencies = new object[]
                {
                    new { id = "medway-council", name = "Medway Council", responsibleAuthority = true },
                    new { id = "kent-police", name = "Kent Police", responsibleAuthority = true },
                },
            })).EnsureSuccessStatusCode();
            using var manager = ActionPlan.Client(TestUser.Manager(p));
            (await manager.PutAsJsonAsync($"/api/partnerships/{p}/plans/plan", new
            {
                title = "Community Safety Plan", startYear = 2024, endYear = 2027,
                priorities = new object[] { new { id = "safeguarding", title = "Safeguarding", areasOfFocus = Array.Empty<object>() } },
            })).EnsureSuccessStatusCode();
        }
        MedwayAction = await CreateActionAsync(Partnership);
        OtherAction = await CreateActionAsync("other");
        await WaitForKnownPartnershipAsync(Redis, Partnership);
        await WaitForKnownPartnershipAsync(Redis, "other");

        using var platformAdmin = App.Client(TestUser.Admin);
        (await platformAdmin.PostAsJsonAsync("/api/funders", new { id = Funder, name = "Office of the Kent Police and Crime Commissioner", orgId = "GB-GOR-PC000224" })).EnsureSuccessStatusCode();
        (await platformAdmin.PostAsJsonAsync("/api/funders", new { id = "home-office", name = "Home Office" })).EnsureSuccessStatusCode();
        using var finance = App.Client(FinanceOfficer);
        (await finance.PostAsJsonAsync($"/api/funders/{Funder}/programmes", new
        {
            id = Programme, title = "Crime Reduction Grant 2024-25", year = "2024-25", pot = "558385.00", conditions = "Spend on the partnership's plan priorities.",
            formula = new object[] { new { factor = "population", percent = 50 }, new { factor = "crime", percent = 25 }, new { factor = "non-crime-demand", percent = 25 } },
        })).EnsureSuccessStatusCode();
    }

    /// <summary>Lets the funding service call the action plan's gRPC API (its appsettings.json lists it; tests configure callers themselves).</summary>
    public static Dictionary<string, string?> AllowFunding(Dictionary<string, string?> actionPlanSettings)
    {
        actionPlanSettings[$"Auth:AllowedServiceCallers:{TestAuth.AllowedServiceCallers.Length}"] = "funding";
        return actionPlanSettings;
    }

    public static Dictionary<string, string?> Settings(int database, Uri actionPlanGrpc)
    {
        var settings = TestRedis.ServiceSettings(database);
        settings["Funding:ActionPlanGrpc"] = actionPlanGrpc.ToString();
        settings["Funding:ActionPlanDeadline"] = "00:00:02";
        return settings;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }

    public async Task<long> CreateActionAsync(string partnership, string title = "Disrupt county lines through joint intensification weeks")
    {
        using var manager = ActionPlan.Client(TestUser.Manager(partnership));
        var response = await manager.PostAsJsonAsync($"/api/partnerships/{partnership}/actions", new
        {
            planId = "plan", priorityId = "safeguarding", title, strand = "pursue",
            leadAgencyId = "kent-police", owner = "DI, Medway CSU", startDate = "2024-04-01", dueDate = "2027-03-31",
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }

    public static Task WaitForKnownPartnershipAsync(IDatabase redis, string partnershipId) =>
        Eventually.TrueAsync(async () => await redis.KeyExistsAsync($"funding:{{{partnershipId}}}:partnership"), $"the funding service knows {partnershipId}");

    /// <summary>Awards medway an allocation of the programme (provisional) as the finance officer; returns its ETag.</summary>
    public async Task<string> AwardAsync(string amount = "39661.00", string partnership = Partnership, string programme = Programme)
    {
        using var finance = App.Client(FinanceOfficer);
        var response = await finance.PostAsJsonAsync($"/api/partnerships/{partnership}/funding/allocations", new { programmeId = programme, amount });
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.Tag;
    }

    /// <summary>A new programme of the funder (each test class that needs fresh allocations takes its own).</summary>
    public async Task<string> NewProgrammeAsync(string id, string pot = "558385.00", string year = "2024-25")
    {
        using var finance = App.Client(FinanceOfficer);
        (await finance.PostAsJsonAsync($"/api/funders/{Funder}/programmes", new { id, title = $"Programme {id}", year, pot })).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>An allocation of a new programme, confirmed, with one approved project (id 1) linked to medway's action.</summary>
    public async Task<string> ConfirmedWithProjectAsync(string programmeId, string amount = "39661.00", string projectAmount = "10000.00")
    {
        await NewProgrammeAsync(programmeId);
        await AwardAsync(amount, programme: programmeId);
        var path = $"{Allocations}/{programmeId}";
        using var finance = App.Client(FinanceOfficer);
        (await finance.PostAsJsonAsync($"{path}/confirm", new { panelDate = "2024-02-06", panelReference = "PCP 6 Feb 2024, item 5" })).EnsureSuccessStatusCode();
        using var manager = App.Client(TestUser.Manager());
        (await manager.PostAsJsonAsync($"{path}/projects", ProjectBody(projectAmount))).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"{path}/projects/1/decision", new { approve = true })).EnsureSuccessStatusCode();
        return path;
    }

    public object ProjectBody(string amount = "10000.00", long? action = null) => new
    {
        title = "County lines intensification weeks", leadAgencyId = "kent-police", amount, actionIds = new[] { action ?? MedwayAction },
        measures = new[] { "Lines disrupted", "Safeguarding referrals" },
    };

    public async Task<JsonObject> GetAsync(string path, TestUser? user = null)
    {
        using var client = App.Client(user ?? TestUser.Manager());
        var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public Task<string?> StoredAllocationAsync(string partnership, string id) =>
        Redis.HashGetAsync($"funding:{{{partnership}}}:allocation:{id}", "data").ContinueWith(t => (string?)t.Result);

    public Task<long> SpendCountAsync(string id) => Redis.ListLengthAsync($"funding:{{{Partnership}}}:allocation:{id}:spend");

    public async Task<List<CloudEventEnvelope>> PublishedAsync(string topic, string allocationId)
    {
        await Drained.OutboxAsync(Redis, FundingApp.ServiceName);
        var entries = await Redis.StreamRangeAsync($"events:{topic}");
        return entries.Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
            .Where(e => e.Data.GetProperty("allocationId").GetString() == allocationId).ToList();
    }
}
