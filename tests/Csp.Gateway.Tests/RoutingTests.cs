using System.Text.Json;
using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>One gateway in front of four running stand-in services, shared by the tests in <see cref="RoutingTests"/>.</summary>
public sealed class RunningPlatform : IAsyncLifetime
{
    public Dictionary<string, StandInService> Services { get; } = new();
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = TestAuth.Configuration;
        foreach (var cluster in new[] { "actionplan", "risk", "funding", "kpi" })
        {
            Services[cluster] = await StandInService.StartAsync(cluster);
            settings[$"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address"] = Services[cluster].Address;
        }
        Gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var service in Services.Values) await service.DisposeAsync();
    }
}

public sealed class RoutingTests(RunningPlatform platform) : IClassFixture<RunningPlatform>
{
    private GatewayHost Gateway => platform.Gateway;

    [Fact]
    public async Task Caller_without_a_token_gets_401_problem_details()
    {
        var response = await Gateway.GetAsync("/api/partnerships/medway/actions");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.IsProblem());
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Caller_with_a_token_signed_by_another_key_gets_401()
    {
        var forged = TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(DemoCallers.Manager);

        var response = await Gateway.GetAsync("/api/partnerships/medway/actions", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.IsProblem());
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && (h.Parameter ?? "").Contains("invalid_token"));
    }

    [Fact]
    public async Task Manager_reaches_the_action_plan_service_with_token_and_trace_context_forwarded()
    {
        var token = TestAuth.Token(DemoCallers.Manager);
        var (traceParent, traceId) = NewTraceParent();

        var response = await Gateway.GetAsync("/api/partnerships/medway/actions/42?view=full", token, traceParent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal("actionplan", echo!.Service);
        Assert.Equal("/api/partnerships/medway/actions/42", echo.Path);
        Assert.Equal("?view=full", echo.Query);
        Assert.True(echo.Authorization);
        Assert.Equal($"Bearer {token}", echo.Headers["Authorization"]);
        // The service is called in the caller's trace (from the gateway's span), and the caller is shown that trace.
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", echo.TraceParent);
        Assert.Equal(traceId, echo.TraceId);
        Assert.NotEqual(traceParent, echo.TraceParent); // not copied: the parent is the gateway's own span
        Assert.Equal(traceId, response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Theory]
    [InlineData("/api/partnerships", "actionplan")]
    [InlineData("/api/partnerships/medway", "actionplan")]
    [InlineData("/api/partnerships/medway/plans", "actionplan")]
    [InlineData("/api/partnerships/medway/plans/2025-26/priorities", "actionplan")]
    [InlineData("/api/partnerships/medway/actions", "actionplan")]
    [InlineData("/api/partnerships/medway/actions/42/updates", "actionplan")]
    [InlineData("/api/partnerships/medway/update-rounds", "actionplan")]
    [InlineData("/api/partnerships/medway/update-rounds/2025-q3", "actionplan")]
    [InlineData("/api/partnerships/medway/risks", "risk")]
    [InlineData("/api/partnerships/medway/risks/7/assessments", "risk")]
    [InlineData("/api/partnerships/medway/risk-matrix", "risk")]
    [InlineData("/api/partnerships/medway/funding", "funding")]
    [InlineData("/api/partnerships/medway/funding/allocations/3", "funding")]
    [InlineData("/api/partnerships/medway/kpis", "kpi")]
    [InlineData("/api/partnerships/medway/kpis/ASB-01/measurements", "kpi")]
    public async Task Each_resource_prefix_reaches_its_own_service(string path, string service)
    {
        var response = await Gateway.GetAsync(path, TestAuth.Token(DemoCallers.PccFinance));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal(service, echo!.Service);
        Assert.Equal(path, echo.Path);
    }

    [Fact]
    public async Task Action_plan_openapi_document_is_served_from_the_services_v1_document()
    {
        var response = await Gateway.GetAsync("/openapi/actionplan.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal("actionplan", echo!.Service);
        Assert.Equal("/openapi/v1.json", echo.Path);
    }

    [Theory]
    [InlineData("/actionplan.v1.ActionPlanQueries/GetAction")]
    [InlineData("/grpc.health.v1.Health/Check")]
    public async Task Grpc_methods_are_not_reachable_through_the_gateway(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.Authorization = new("Bearer", TestAuth.Token(DemoCallers.Manager));

        var response = await Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.IsProblem());
    }

    [Fact]
    public async Task Public_scorecard_is_reachable_without_a_token()
    {
        var response = await Gateway.GetAsync("/public/partnerships/medway/scorecard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal("kpi", echo!.Service);
        Assert.Equal("/public/partnerships/medway/scorecard", echo.Path);
        Assert.False(echo.Authorization);
    }

    [Theory]
    [InlineData("/api/partnerships/medway/actions", true)]
    [InlineData("/public/scorecard", false)]
    [InlineData("/healthz/live", false)]
    [InlineData("/api/partnerships/medway/actions", false)]
    [InlineData("/no/such/page", false)]
    public async Task Security_headers_are_on_proxied_and_local_responses(string path, bool authenticated)
    {
        var response = await Gateway.GetAsync(path, authenticated ? TestAuth.Token(DemoCallers.Manager) : null);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("default-src 'self'", Header(response, "Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.NotNull(Header(response, "Permissions-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        Assert.Null(Header(response, "Server"));
        Assert.Null(Header(response, "Strict-Transport-Security")); // plain HTTP: HSTS would be meaningless
    }

    [Fact]
    public async Task A_trace_is_started_when_the_client_sends_none_and_the_service_is_called_in_it()
    {
        var response = await Gateway.GetAsync("/api/partnerships/medway/kpis", TestAuth.Token(DemoCallers.Manager));

        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        var returned = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", returned);
        Assert.Equal(returned, echo!.TraceId);
    }

    [Fact]
    public async Task Malformed_traceparent_is_replaced_not_forwarded()
    {
        const string garbage = "bad id with spaces <script>";

        var response = await Gateway.GetAsync("/public/scorecard", traceParent: garbage);

        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        var returned = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", returned);
        Assert.NotEqual(garbage, echo!.TraceParent);
        Assert.Equal(returned, echo.TraceId);
    }

    [Fact]
    public async Task A_problem_from_the_gateway_carries_the_callers_trace_id()
    {
        var (traceParent, traceId) = NewTraceParent();

        var response = await Gateway.GetAsync("/api/partnerships/medway/actions", token: null, traceParent);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(traceId, problem.GetProperty("correlationId").GetString());
        Assert.Equal(traceId, response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task Health_is_anonymous_and_metrics_are_served_on_the_management_port_only()
    {
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/healthz/ready")).StatusCode);

        var scraped = await Gateway.Management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("http_requests_received_total", await scraped.Content.ReadAsStringAsync());

        var before = platform.Services.Values.Sum(s => s.Requests);
        var manager = TestAuth.Token(DemoCallers.Manager);
        foreach (var path in new[] { "/metrics", "/metrics/", "/api/partnerships/medway/actions/../../../../metrics" })
        {
            var response = await Gateway.GetAsync(path, manager);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("http_requests_received_total", await response.Content.ReadAsStringAsync());
        }
        // A Host header naming the management port changes nothing: the port the connection arrived on decides.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = $"127.0.0.1:{Gateway.Management.BaseAddress!.Port}";
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.Client.SendAsync(spoofed)).StatusCode);
        Assert.Equal(before, platform.Services.Values.Sum(s => s.Requests));
    }

    [Fact]
    public async Task Request_metrics_carry_no_exemplars_even_in_an_OpenMetrics_scrape_of_a_traced_request()
    {
        var traced = await Gateway.GetAsync("/api/partnerships/medway/actions", TestAuth.Token(DemoCallers.Manager),
            traceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Assert.Equal(HttpStatusCode.OK, traced.StatusCode);

        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        var scraped = await Gateway.Management.SendAsync(scrape);
        var text = await scraped.Content.ReadAsStringAsync();

        Assert.Equal("application/openmetrics-text", scraped.Content.Headers.ContentType?.MediaType); // the format exemplars appear in
        Assert.Contains("http_request_duration_seconds_bucket{", text);
        Assert.DoesNotContain("trace_id=", text); // prometheus-net's default would attach the trace's ids to each observation
    }

    [Fact]
    public async Task Dev_token_for_a_demo_user_is_accepted_by_the_gateway()
    {
        var issued = await Gateway.Client.PostAsJsonAsync("/dev/token", new { user = "sam.patel" });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() > 0);

        var response = await Gateway.GetAsync("/api/partnerships/medway/actions", body.GetProperty("access_token").GetString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Dev_token_by_get_and_demo_user_list_are_available_when_enabled()
    {
        var users = await Gateway.Client.GetFromJsonAsync<JsonElement>("/dev/users");
        var manager = users.EnumerateArray().Single(u => u.GetProperty("id").GetString() == "sam.patel");
        Assert.Equal("medway-council", manager.GetProperty("agency").GetString());
        Assert.Equal("medway:manager", manager.GetProperty("roles")[0].GetString());
        Assert.Equal("medway", manager.GetProperty("partnerships")[0].GetString());

        var issued = await Gateway.GetAsync("/dev/token?user=daniel.okafor");
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
    }

    [Fact]
    public async Task Dev_token_for_an_unknown_user_is_404_problem_details()
    {
        var response = await Gateway.Client.PostAsJsonAsync("/dev/token", new { user = "mallory" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(response.IsProblem());
    }

    private static (string TraceParent, string TraceId) NewTraceParent()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        return ($"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01", traceId);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
