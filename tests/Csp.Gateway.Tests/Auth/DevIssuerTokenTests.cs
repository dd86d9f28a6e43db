using System.Text.Json;
using Csp.BuildingBlocks.Auth;
using Csp.Gateway.Tests.Support;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.Tests.Auth;

public sealed class DevIssuerTokenTests
{
    /// <summary>The development issuer as every host under test has it: the test key, issuer and audience.</summary>
    private static Dictionary<string, string?> DevIssuerOn() => TestAuth.Configuration;

    [Fact]
    public async Task Dev_issuer_token_becomes_a_caller_with_the_users_roles_per_partnership_and_agency()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());
        var user = new DemoUser("daniel.okafor", "Tom Reed", ["medway:partner", "swale:board"], "kent-police", "Kent Police inspector");

        var response = await host.GetAsync("/whoami", TestAuth.Token(user));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var caller = await response.Content.ReadFromJsonAsync<AuthProbeHost.CallerView>();
        Assert.Equal("daniel.okafor", caller!.Subject);
        Assert.Equal("Tom Reed", caller.Name);
        Assert.Equal("Tom Reed", caller.IdentityName);
        Assert.Equal(["medway:partner", "swale:board"], caller.Roles);
        Assert.Equal("kent-police", caller.Agency);
        Assert.Equal(["medway", "swale"], caller.Partnerships);
    }

    [Fact]
    public async Task Single_role_and_every_partnership_round_trip()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());
        var finance = new DemoUser("sam.okafor", "Sam Okafor", ["*:finance"], "kent-pcc", "PCC finance");

        var caller = await (await host.GetAsync("/whoami", TestAuth.Token(finance))).Content.ReadFromJsonAsync<AuthProbeHost.CallerView>();

        Assert.Equal(["*:finance"], caller!.Roles);
        Assert.Equal(["*"], caller.Partnerships);
    }

    [Fact]
    public async Task Base64_signing_key_is_accepted()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 48).Select(i => (byte)(i * 7)).ToArray());
        var settings = DevIssuerOn();
        settings["Auth:DevIssuer:SigningKey"] = key;
        await using var host = await AuthProbeHost.StartAsync(settings);

        var response = await host.GetAsync("/whoami", TestAuth.IssuerWith(key: key).IssueFor(DemoCallers.Manager));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_with_a_wrong_signature_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());

        var response = await host.GetAsync("/whoami", TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(DemoCallers.Manager));

        await AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task Tampered_token_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());
        var token = TestAuth.Token(DemoCallers.Manager);
        var parts = token.Split('.');
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlDecode(parts[1]))!;
        claims["csp_role"] = JsonSerializer.SerializeToElement("*:admin");
        var forged = $"{parts[0]}.{Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(claims))}.{parts[2]}";

        await AssertUnauthorizedProblem(await host.GetAsync("/whoami", forged));
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());
        var expired = TestAuth.IssuerWith(clock: new TestAuth.PastClock(TimeSpan.FromHours(2)), lifetime: TimeSpan.FromMinutes(30)).IssueFor(DemoCallers.Manager);

        var response = await host.GetAsync("/whoami", expired);

        await AssertUnauthorizedProblem(response);
        Assert.Contains(response.Headers.WwwAuthenticate, h => (h.Parameter ?? "").Contains("expired"));
    }

    [Fact]
    public async Task Token_for_another_audience_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());

        var response = await host.GetAsync("/whoami", TestAuth.IssuerWith(audience: "some-other-api").IssueFor(DemoCallers.Manager));

        await AssertUnauthorizedProblem(response);
    }

    [Fact]
    public async Task Token_from_another_issuer_with_the_same_key_is_401()
    {
        var settings = DevIssuerOn();
        settings["Auth:DevIssuer:Issuer"] = "csp-dev-elsewhere";
        await using var host = await AuthProbeHost.StartAsync(settings);

        await AssertUnauthorizedProblem(await host.GetAsync("/whoami", TestAuth.Token(DemoCallers.Manager)));
    }

    [Fact]
    public async Task Missing_token_is_401_problem_details_with_a_bearer_challenge()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());

        var response = await host.GetAsync("/whoami", token: null);

        await AssertUnauthorizedProblem(response);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Caller_without_the_role_gets_403_problem_details()
    {
        await using var host = await AuthProbeHost.StartAsync(DevIssuerOn());

        var response = await host.GetAsync("/admin-only", TestAuth.Token(DemoCallers.Manager));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(response.IsProblem());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task With_no_issuer_configured_every_token_is_rejected()
    {
        await using var host = await AuthProbeHost.StartAsync(new Dictionary<string, string?>());

        await AssertUnauthorizedProblem(await host.GetAsync("/whoami", TestAuth.Token(DemoCallers.Manager)));
    }

    [Fact]
    public async Task Dev_token_issuer_is_not_registered_unless_enabled()
    {
        await using var app = AuthProbeHost.Build(new Dictionary<string, string?>(), out _);

        Assert.Null(app.Services.GetService<DevTokenIssuer>());
        Assert.False(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevIssuer.Enabled);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("too-short-key")]
    public async Task Enabling_the_dev_issuer_without_a_proper_signing_key_fails_start_up(string? key)
    {
        var settings = new Dictionary<string, string?> { ["Auth:DevIssuer:Enabled"] = "true", ["Auth:DevIssuer:SigningKey"] = key };

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = AuthProbeHost.Build(settings, out _);
            await app.StartAsync();
        });
        Assert.Contains(failure.Failures, f => f.Contains("SigningKey"));
    }

    [Fact]
    public async Task Gateway_with_the_dev_issuer_enabled_but_no_signing_key_fails_start_up()
    {
        var settings = new Dictionary<string, string?> { ["Auth:DevIssuer:Enabled"] = "true" };

        await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = GatewayHost.Build(settings, out _);
            await app.StartAsync();
        });
    }

    private static async Task AssertUnauthorizedProblem(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.IsProblem());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    private static byte[] Base64UrlDecode(string value) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(value);

    private static string Base64UrlEncode(byte[] value) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(value);
}
