using System.Diagnostics;
using System.Text.Json;
using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>The risk service is not running, the kpi host is silent and the funding service is too slow to answer.</summary>
public sealed class UnavailableServiceTests : IAsyncLifetime
{
    private readonly SilentAddress _silentKpi = new();
    private StandInService _slowFunding = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _slowFunding = await StandInService.StartAsync("funding", delay: TimeSpan.FromSeconds(10));
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Clusters:risk:Destinations:primary:Address"] = DeadAddress.Next();
        settings["ReverseProxy:Clusters:funding:Destinations:primary:Address"] = _slowFunding.Address;
        settings["ReverseProxy:Clusters:funding:HttpRequest:ActivityTimeout"] = "00:00:01";
        settings["ReverseProxy:Clusters:funding:HealthCheck:Active:Enabled"] = "false";
        settings["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = _silentKpi.Address;
        settings["ReverseProxy:Clusters:kpi:HealthCheck:Active:Enabled"] = "false";
        settings["Gateway:ConnectTimeout"] = "00:00:01";
        _gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _slowFunding.DisposeAsync();
        _silentKpi.Dispose();
    }

    [Fact]
    public async Task Service_host_that_never_accepts_the_connection_answers_503_after_the_connect_timeout()
    {
        var clock = Stopwatch.StartNew();
        var response = await _gateway.GetAsync("/public/scorecard");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.IsProblem());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The kpi service is unavailable", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Service_that_is_not_running_answers_503_problem_details_quickly()
    {
        var token = TestAuth.Token(DemoCallers.Manager);
        // Twice: the first attempt meets the refused connection, the second may find the destination marked unhealthy.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var clock = Stopwatch.StartNew();
            var response = await _gateway.GetAsync("/api/partnerships/medway/risks", token);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.IsProblem());
            var body = await response.Content.ReadAsStringAsync();
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("The risk-register service is unavailable", problem.GetProperty("title").GetString());
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.DoesNotContain("Exception", body);
            Assert.DoesNotContain("   at ", body);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Service_that_does_not_answer_in_time_gives_504_problem_details()
    {
        var clock = Stopwatch.StartNew();
        var response = await _gateway.GetAsync("/api/partnerships/medway/funding/allocations", TestAuth.Token(DemoCallers.PccFinance));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(response.IsProblem());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The funding service did not answer in time", problem.GetProperty("title").GetString());
    }
}
