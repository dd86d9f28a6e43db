using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>The board figures' batch reads (one per service) are routed to their own service, behind authentication.</summary>
public sealed class BoardFiguresRoutingTests(RunningPlatform platform) : IClassFixture<RunningPlatform>
{
    [Theory]
    [InlineData("/api/board-figures/action-plan", "actionplan")]
    [InlineData("/api/board-figures/risks", "risk")]
    [InlineData("/api/board-figures/kpis", "kpi")]
    [InlineData("/api/board-figures/funding", "funding")]
    public async Task Each_batch_read_reaches_its_own_service_with_the_query_and_needs_a_token(string path, string service)
    {
        var response = await platform.Gateway.GetAsync(path + "?partnerships=medway,swale&period=2025-Q2", TestAuth.Token(DemoCallers.Manager));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal(service, echo!.Service);
        Assert.Equal(path, echo.Path);
        Assert.Equal("?partnerships=medway,swale&period=2025-Q2", echo.Query);
        Assert.True(echo.Authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.Gateway.GetAsync(path + "?partnerships=medway")).StatusCode);
    }
}
