using System.Text.RegularExpressions;

namespace Csp.Chart.Tests;

/// <summary>The Dapr pub/sub component, the Resiliency spec and the Configuration.</summary>
public sealed class DaprTests
{
    /// <summary>The apps that use pub/sub, read from the rendered Deployments (those on the Dapr event-bus transport).</summary>
    private static string[] PubsubApps(Manifests rendered) =>
        rendered.OfKind("Deployment")
            .Where(d => Assert.Single(d.Containers()).Env().Value("EventBus__Transport") == "dapr")
            .Select(d => (string)d.PodAnnotations()["dapr.io/app-id"]!)
            .Order(StringComparer.Ordinal).ToArray();

    private static string[] Scopes(System.Text.Json.Nodes.JsonObject resource) =>
        resource["scopes"]!.AsArray().Select(s => (string)s!).Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void The_pubsub_component_is_scoped_to_exactly_the_apps_that_publish_or_subscribe(string file)
    {
        var rendered = Helm.Render(Values.Ci(file));
        var pubsub = rendered.Single("Component", "pubsub");
        Assert.Equal("pubsub.redis", (string?)pubsub["spec"]!["type"]);
        Assert.Equal(["actionplan", "funding", "kpi", "risk"], Scopes(pubsub));
        Assert.Equal(PubsubApps(rendered), Scopes(pubsub));
    }

    [Fact]
    public void A_disabled_service_leaves_the_component_scopes()
    {
        var rendered = Helm.Render(Values.Minimal("--set", "workloads.kpi.enabled=false"));
        Assert.Equal(["actionplan", "funding", "risk"], Scopes(rendered.Single("Component", "pubsub")));
        Assert.Equal(PubsubApps(rendered), Scopes(rendered.Single("Component", "pubsub")));
    }

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void Every_dapr_resource_that_can_be_scoped_is_scoped_to_deployed_apps(string file)
    {
        var rendered = Helm.Render(Values.Ci(file));
        var apps = rendered.OfKind("Deployment").Select(d => (string)d.PodAnnotations()["dapr.io/app-id"]!).ToHashSet();
        foreach (var resource in rendered.OfKind("Component").Concat(rendered.OfKind("Resiliency")))
        {
            var scopes = Scopes(resource);
            Assert.NotEmpty(scopes);
            Assert.All(scopes, s => Assert.Contains(s, apps));
        }
    }

    [Fact]
    public void Pubsub_durations_are_go_durations_with_their_unit_and_the_stream_cap_is_a_count()
    {
        var metadata = Metadata(Helm.Render(Values.Minimal()));
        // Dapr reads a bare number as milliseconds (components-contrib common/component/redis), so a unit is always written.
        Assert.Equal(TimeSpan.FromSeconds(15), GoDuration(metadata["redeliverInterval"]));
        Assert.Equal(TimeSpan.FromSeconds(60), GoDuration(metadata["processingTimeout"]));
        Assert.Matches("^[1-9][0-9]*$", metadata["maxLenApprox"]);
        Assert.Equal("{appID}", metadata["consumerID"]);
    }

    [Theory]
    [InlineData("--set", "dapr.pubsub.redeliverInterval=60000")]
    [InlineData("--set-string", "dapr.pubsub.redeliverInterval=60000")]
    [InlineData("--set-string", "dapr.pubsub.processingTimeout=15000")]
    [InlineData("--set-string", "dapr.pubsub.processingTimeout=15 seconds")]
    public void A_duration_without_a_unit_is_refused_by_schema_and_template(string how, string value)
    {
        Helm.RenderFails(Values.Minimal(how, value));
        Assert.Contains("Go durations with a unit", Helm.RenderFails(Values.Minimal(how, value, "--skip-schema-validation")));
    }

    [Fact]
    public void The_pubsub_password_comes_from_the_redis_secret_and_never_from_a_literal()
    {
        var rendered = Helm.Render(Values.Minimal());
        var password = Item(rendered, "redisPassword");
        Assert.Null(password["value"]);
        Assert.Equal("csp-csp-platform-redis", (string?)password["secretKeyRef"]!["name"]);
        Assert.Equal("password", (string?)password["secretKeyRef"]!["key"]);
        Assert.True(rendered.Has("Secret", "csp-csp-platform-redis"));
        Assert.Equal("csp-csp-platform-redis:6379", Metadata(rendered)["redisHost"]);
        Assert.Equal("false", Metadata(rendered)["enableTLS"]);
    }

    [Fact]
    public void An_external_redis_is_reached_over_tls_with_its_password_from_an_existing_secret()
    {
        var rendered = Helm.Render(Values.Ci("ci/external-redis-values.yaml"));
        var metadata = Metadata(rendered);
        Assert.Equal("true", metadata["enableTLS"]);
        Assert.Equal("cluster", metadata["redisType"]);
        Assert.StartsWith("redis-0.cache.council.example:6380,", metadata["redisHost"]);
        var password = Item(rendered, "redisPassword");
        Assert.Equal("csp-managed-redis", (string?)password["secretKeyRef"]!["name"]);
        Assert.Empty(rendered.OfKind("StatefulSet"));
        Assert.DoesNotContain(rendered.OfKind("Secret"), s => s.Name().EndsWith("-redis", StringComparison.Ordinal));
        var env = Assert.Single(rendered.Single("Deployment", "csp-csp-platform-risk").Containers()).Env();
        Assert.Contains(",ssl=true,", env.Value("Redis__Configuration"));
        Assert.Equal("csp-managed-redis", (string?)env["REDIS_PASSWORD"]["valueFrom"]!["secretKeyRef"]!["name"]);
    }

    [Fact]
    public void Resiliency_sets_timeouts_retries_and_circuit_breakers_for_pubsub_and_for_each_app()
    {
        var rendered = Helm.Render(Values.Minimal());
        var spec = Assert.Single(rendered.OfKind("Resiliency"))["spec"]!;
        var policies = spec["policies"]!;
        var pubsub = spec["targets"]!["components"]!["pubsub"]!;
        foreach (var direction in new[] { "inbound", "outbound" })
        {
            Assert.NotNull(policies["timeouts"]![(string)pubsub[direction]!["timeout"]!]);
            Assert.NotNull(policies["retries"]![(string)pubsub[direction]!["retry"]!]);
            Assert.NotNull(policies["circuitBreakers"]![(string)pubsub[direction]!["circuitBreaker"]!]);
        }
        var apps = spec["targets"]!["apps"]!.AsObject();
        Assert.Equal(Values.Workloads(rendered), apps.Select(a => a.Key).Order(StringComparer.Ordinal));
        foreach (var (_, target) in apps)
        {
            Assert.NotNull(policies["timeouts"]![(string)target!["timeout"]!]);
            Assert.NotNull(policies["retries"]![(string)target["retry"]!]);
            Assert.Matches("^consecutiveFailures >= [0-9]+$", (string)policies["circuitBreakers"]![(string)target["circuitBreaker"]!]!["trip"]!);
        }
    }

    [Fact]
    public void The_configuration_keeps_mtls_on_and_sets_tracing()
    {
        var minimal = Assert.Single(Helm.Render(Values.Minimal()).OfKind("Configuration"))["spec"]!;
        Assert.True((bool?)minimal["mtls"]!["enabled"]);
        Assert.Equal("1", (string?)minimal["tracing"]!["samplingRate"]);
        Assert.Equal("deny", (string?)minimal["accessControl"]!["defaultAction"]);
        var ha = Assert.Single(Helm.Render(Values.Ci("ci/ha-values.yaml")).OfKind("Configuration"))["spec"]!;
        Assert.Equal("otel-collector.monitoring.svc:4317", (string?)ha["tracing"]!["otel"]!["endpointAddress"]);
        // mTLS has no value to switch it off.
        Helm.RenderFails(Values.Minimal("--set", "dapr.mtls=false"));
    }

    private static Dictionary<string, string> Metadata(Manifests rendered) =>
        rendered.Single("Component", "pubsub")["spec"]!["metadata"].Items()
            .Where(m => m["value"] is not null)
            .ToDictionary(m => (string)m["name"]!, m => m["value"]!.ToString());

    private static System.Text.Json.Nodes.JsonObject Item(Manifests rendered, string name) =>
        rendered.Single("Component", "pubsub")["spec"]!["metadata"].Items().Single(m => (string?)m["name"] == name);

    /// <summary>Go's duration syntax as Dapr parses it (time.ParseDuration): numbers each with a unit.</summary>
    private static TimeSpan GoDuration(string text)
    {
        var parts = Regex.Matches(text, "([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s|m|h)");
        Assert.Equal(text, string.Concat(parts.Select(p => p.Value)));
        return parts.Aggregate(TimeSpan.Zero, (total, p) => total + double.Parse(p.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * (p.Groups[2].Value switch
        {
            "h" => TimeSpan.FromHours(1), "m" => TimeSpan.FromMinutes(1), "s" => TimeSpan.FromSeconds(1),
            "ms" => TimeSpan.FromMilliseconds(1), "us" => TimeSpan.FromMicroseconds(1), _ => TimeSpan.FromTicks(1) / 100,
        }));
    }
}
