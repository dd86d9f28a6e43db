using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Api;

/// <summary>
/// The authorisation matrix (docs/security.md, "Funding"): for every rule the allowed roles succeed and every other role
/// gets 403 with nothing stored. The roles: the Kent PCC's finance officer (<c>*:finance</c> + <c>csp_funder: kent-pcc</c>),
/// another funder's finance officer, finance without a funder, Medway's finance contact (<c>medway:finance</c>), the
/// manager, the board, a partner, and the manager of another partnership.
/// </summary>
public class AuthorisationTests(FundingHost host) : IClassFixture<FundingHost>
{
    private static readonly Dictionary<string, TestUser> Everyone = new()
    {
        ["funder-finance"] = FundingHost.FinanceOfficer,
        ["other-funder-finance"] = FundingHost.OtherFunderFinance,
        ["finance-without-funder"] = FundingHost.FinanceWithoutFunder,
        ["finance-contact"] = FundingHost.FinanceContact,
        ["manager"] = TestUser.Manager(),
        ["board"] = TestUser.Board(),
        ["partner"] = TestUser.Partner("kent-police"),
        ["other-manager"] = TestUser.Manager("other"),
    };

    private static int _n;

    /// <summary>A fresh allocation at the stage the operation needs.</summary>
    private async Task<string> StageAsync(string stage)
    {
        var programme = $"crg-auth-{Interlocked.Increment(ref _n)}";
        if (stage == "programme") { await host.NewProgrammeAsync(programme); return programme; }
        if (stage == "provisional")
        {
            await host.NewProgrammeAsync(programme);
            await host.AwardAsync(programme: programme);
            return $"{FundingHost.Allocations}/{programme}";
        }
        var path = await host.ConfirmedWithProjectAsync(programme);
        using var manager = host.App.Client(TestUser.Manager());
        using var contact = host.App.Client(FundingHost.FinanceContact);
        if (stage == "submitted-project") (await manager.PostAsJsonAsync($"{path}/projects", host.ProjectBody("100.00"))).EnsureSuccessStatusCode();
        if (stage is "submitted-return" or "signed-off-return")
            (await manager.PostAsJsonAsync($"{path}/returns", new { quarter = "2024-Q1", narrative = "On track", forecastOutturn = "39661.00" })).EnsureSuccessStatusCode();
        if (stage == "signed-off-return") (await contact.PostAsync($"{path}/returns/2024-Q1/sign-off", null)).EnsureSuccessStatusCode();
        return path;
    }

    public static TheoryData<string, string, string, string, string> Rules() => new()
    {
        // operation, stage, method, path under the allocation (or full), body; allowed roles are in Allowed below
        { "award", "programme", "POST", "", "{\"programmeId\":\"{programme}\",\"amount\":\"100.00\"}" },
        { "confirm", "provisional", "POST", "/confirm", "{\"panelDate\":\"2024-02-06\",\"panelReference\":\"PCP\"}" },
        { "schedule", "provisional", "PUT", "/schedule", "{\"template\":\"single\"}" },
        { "submit-project", "approved-project", "POST", "/projects", "{\"title\":\"Training\",\"leadAgencyId\":\"medway-council\",\"amount\":\"10.00\"}" },
        { "decide-project", "submitted-project", "POST", "/projects/2/decision", "{\"approve\":true}" },
        { "record-spend", "approved-project", "POST", "/spend", "{\"projectId\":1,\"date\":\"2024-06-01\",\"amount\":\"1.00\",\"description\":\"Room hire\"}" },
        { "submit-return", "approved-project", "POST", "/returns", "{\"quarter\":\"2024-Q1\",\"narrative\":\"On track\",\"forecastOutturn\":\"39661.00\"}" },
        { "sign-off-return", "submitted-return", "POST", "/returns/2024-Q1/sign-off", "{}" },
        { "accept-return", "signed-off-return", "POST", "/returns/2024-Q1/decision", "{\"approve\":true}" },
        { "request-variation", "approved-project", "POST", "/variations", "{\"kind\":\"end-date\",\"newEndDate\":\"2025-06-30\",\"reason\":\"Delayed start\"}" },
        { "close-year", "approved-project", "POST", "/year-end", "{\"outturn\":\"0.00\"}" },
        { "read-allocation", "approved-project", "GET", "", "" },
        { "read-spend", "approved-project", "GET", "/spend", "" },
    };

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["award"] = ["funder-finance"],
        ["confirm"] = ["funder-finance"],
        ["schedule"] = ["funder-finance"],
        ["submit-project"] = ["manager"],
        ["decide-project"] = ["funder-finance"],
        ["record-spend"] = ["manager", "finance-contact"],
        ["submit-return"] = ["manager"],
        ["sign-off-return"] = ["finance-contact"],
        ["accept-return"] = ["funder-finance"],
        ["request-variation"] = ["manager"],
        ["close-year"] = ["funder-finance"],
        ["read-allocation"] = ["funder-finance", "other-funder-finance", "finance-without-funder", "finance-contact", "manager", "board"],
        ["read-spend"] = ["funder-finance", "other-funder-finance", "finance-without-funder", "finance-contact", "manager", "board"],
    };

    [Theory, MemberData(nameof(Rules))]
    public async Task The_allowed_roles_succeed_and_every_other_role_gets_403_with_nothing_stored(string operation, string stage, string method, string suffix, string body)
    {
        var target = await StageAsync(stage);
        var (path, programme) = stage == "programme" ? (FundingHost.Allocations, target) : (target + suffix, target.Split('/').Last());
        HttpRequestMessage Request() => new(new HttpMethod(method), path)
        {
            Content = method == "GET" ? null : new StringContent(body.Replace("{programme}", programme), System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var (role, user) in Everyone.Where(e => !Allowed[operation].Contains(e.Key)))
        {
            var before = await host.StoredAllocationAsync(FundingHost.Partnership, programme);
            using var client = host.App.Client(user);
            var response = await client.SendAsync(Request());
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{operation} as {role}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(before, await host.StoredAllocationAsync(FundingHost.Partnership, programme));
        }
        foreach (var role in Allowed[operation])
        {
            using var client = host.App.Client(Everyone[role]);
            var response = await client.SendAsync(Request());
            Assert.True(response.IsSuccessStatusCode, $"{operation} as {role}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_partner_reads_only_the_projects_their_agency_leads()
    {
        var path = await StageAsync("approved-project"); // project 1 led by kent-police
        using var manager = host.App.Client(TestUser.Manager());
        (await manager.PostAsJsonAsync($"{path}/projects", new { title = "Council training", leadAgencyId = "medway-council", amount = "10.00" })).EnsureSuccessStatusCode();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var seen = await police.GetFromJsonAsync<JsonArray>($"{path}/projects");
        Assert.Equal(["kent-police"], seen!.Select(p => p!["leadAgencyId"]!.GetValue<string>()));
        Assert.Equal(2, (await manager.GetFromJsonAsync<JsonArray>($"{path}/projects"))!.Count);
    }

    [Fact]
    public async Task Only_a_finance_officer_acting_for_the_funder_sets_up_its_programmes()
    {
        foreach (var user in new[] { FundingHost.OtherFunderFinance, FundingHost.FinanceWithoutFunder, TestUser.Manager(), FundingHost.FinanceContact })
        {
            using var client = host.App.Client(user);
            var response = await client.PostAsJsonAsync($"/api/funders/{FundingHost.Funder}/programmes", new { id = "not-allowed", title = "x", year = "2024-25", pot = "1.00" });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        Assert.Equal(HttpStatusCode.Created, (await finance.PostAsJsonAsync($"/api/funders/{FundingHost.Funder}/programmes", new { id = "allowed", title = "x", year = "2024-25", pot = "1.00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await finance.PostAsJsonAsync($"/api/funders/{FundingHost.Funder}/programmes", new { id = "allowed", title = "x", year = "2024-25", pot = "1.00" })).StatusCode);
    }

    [Fact]
    public async Task Unauthenticated_callers_get_401()
    {
        using var anonymous = host.App.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(FundingHost.Allocations)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(FundingHost.Allocations, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/funders/{FundingHost.Funder}/programmes")).StatusCode);
    }
}
