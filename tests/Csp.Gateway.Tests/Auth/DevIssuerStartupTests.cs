using System.Diagnostics;
using System.Text.Json;
using Csp.Gateway.Tests.Support;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.Tests.Auth;

/// <summary>
/// The development issuer cannot be switched on by accident where it matters: in the Production environment, or beside
/// the council's OIDC authority, start-up fails with a critical log line saying why, unless a second, explicit setting
/// allows it. And the demo users never ship with the gateway.
/// </summary>
public sealed class DevIssuerStartupTests
{
    private static async Task<(Exception? Failure, CapturedLogs Logs)> StartProbeAsync(Dictionary<string, string?> settings, string environment)
    {
        var logs = new CapturedLogs();
        try
        {
            await using var app = AuthProbeHost.Build(settings, out _, environment, logs);
            await app.StartAsync();
            await app.StopAsync();
            return (null, logs);
        }
        catch (Exception ex)
        {
            return (ex, logs);
        }
    }

    private static Dictionary<string, string?> DevIssuerOn(params (string Key, string Value)[] more)
    {
        var settings = TestAuth.Configuration;
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task In_Production_the_dev_issuer_fails_start_up_and_logs_why()
    {
        var (failure, logs) = await StartProbeAsync(DevIssuerOn(), "Production");

        var refused = Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(refused.Failures, f => f.Contains("Production") && f.Contains("AllowInProductionOrWithAuthority"));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("Refusing to start") && e.Message.Contains("Production"));
    }

    [Fact]
    public async Task Beside_an_OIDC_authority_the_dev_issuer_fails_start_up_and_logs_why()
    {
        var (failure, logs) = await StartProbeAsync(DevIssuerOn(("Auth:Authority", "https://login.kent.example/realms/csp")), "Development");

        var refused = Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(refused.Failures, f => f.Contains("Auth:Authority"));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("Auth:Authority"));
    }

    [Fact]
    public async Task The_explicit_override_lets_it_start_in_Production_and_beside_an_authority()
    {
        var (failure, _) = await StartProbeAsync(DevIssuerOn(
            ("Auth:Authority", "https://login.kent.example/realms/csp"), ("Auth:DevIssuer:AllowInProductionOrWithAuthority", "true")), "Production");

        Assert.Null(failure);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    public async Task Outside_Production_without_an_authority_it_starts(string environment)
    {
        var (failure, logs) = await StartProbeAsync(DevIssuerOn(), environment);

        Assert.Null(failure);
        Assert.DoesNotContain(logs.Entries, e => e.Level == LogLevel.Critical);
    }

    [Fact]
    public async Task In_Production_without_the_dev_issuer_it_starts()
    {
        var (failure, _) = await StartProbeAsync(new Dictionary<string, string?> { ["Auth:Authority"] = "https://login.kent.example/realms/csp" }, "Production");

        Assert.Null(failure);
    }

    [Fact]
    public async Task The_gateway_in_Production_with_the_dev_issuer_fails_start_up_and_logs_why()
    {
        var logs = new CapturedLogs();
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var app = GatewayHost.Build(DevIssuerOn(), out _, "Production", logs);
            await app.StartAsync();
        });

        Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("Production"));
    }

    [Fact]
    public async Task The_demo_users_file_is_not_in_the_gateways_publish_output()
    {
        // What `dotnet publish` would copy, as MSBuild computes it (without building or copying anything).
        var project = Path.Combine(RepoPaths.Root, "gateway", "Csp.Gateway", "Csp.Gateway.csproj");
        var start = new ProcessStartInfo("dotnet", ["msbuild", project, "-nologo", "-t:ComputeResolvedFilesToPublishList", "-getItem:ResolvedFileToPublish", "-p:NoBuild=true"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var msbuild = Process.Start(start)!;
        var output = msbuild.StandardOutput.ReadToEndAsync();
        var errors = msbuild.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await msbuild.WaitForExitAsync(timeout.Token);
        Assert.True(msbuild.ExitCode == 0, $"msbuild failed: {await output} {await errors}");

        var published = JsonDocument.Parse(await output).RootElement.GetProperty("Items").GetProperty("ResolvedFileToPublish")
            .EnumerateArray().Select(i => i.GetProperty("RelativePath").GetString()!).ToList();

        Assert.Contains("gateway.json", published); // the list is the real one: the gateway's own settings are in it
        Assert.DoesNotContain(published, p => p.Contains("users", StringComparison.OrdinalIgnoreCase));
    }
}
