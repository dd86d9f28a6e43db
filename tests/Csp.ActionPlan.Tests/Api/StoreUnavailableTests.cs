using System.Net;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

public class StoreUnavailableTests
{
    [Fact]
    public async Task With_Redis_unreachable_the_API_answers_503_problem_details_and_is_not_ready()
    {
        var settings = new Dictionary<string, string?>(TestAuth.Configuration)
        {
            ["Redis:Configuration"] = $"127.0.0.1:{FreePort.Next()},connectTimeout=300,asyncTimeout=1000,syncTimeout=1000",
        };
        await using var app = await RunningApp.StartAsync(ActionPlanApp.Build, settings);
        using var manager = app.Client(TestUser.Manager());

        var response = await manager.GetAsync("/api/partnerships/medway/actions");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.Client().GetAsync("/healthz/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/healthz/live")).StatusCode);
    }
}

public class ConfigurationTests
{
    [Fact]
    public async Task A_zero_overdue_scan_interval_stops_the_service_from_starting()
    {
        var settings = new Dictionary<string, string?>(TestAuth.Configuration)
        {
            ["Redis:Configuration"] = RedisServer.Instance.Configuration,
            ["ActionPlan:Overdue:ScanInterval"] = "00:00:00",
        };
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => RunningApp.StartAsync(ActionPlanApp.Build, settings));
        Assert.Contains("ScanInterval", error.Message);
    }
}
