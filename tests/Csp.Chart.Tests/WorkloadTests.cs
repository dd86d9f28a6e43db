using System.Text.Json.Nodes;

namespace Csp.Chart.Tests;

/// <summary>Lint and render of every CI value file, and the shape every Deployment must have.</summary>
public sealed class WorkloadTests
{
    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void Lint_passes_strictly_for_every_ci_values_file(string file)
    {
        var result = Helm.Lint(Values.Ci(file));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
    }

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void Every_deployment_has_probes_resources_a_locked_down_security_context_and_its_own_service_account(string file)
    {
        var rendered = Helm.Render(Values.Ci(file));
        var deployments = rendered.OfKind("Deployment").ToList();
        Assert.Equal(["actionplan", "funding", "gateway", "kpi", "risk"], Values.Workloads(rendered));
        foreach (var deployment in deployments)
        {
            var pod = deployment.PodSpec();
            var app = Assert.Single(deployment.Containers());
            var what = deployment.Name();
            Assert.Equal("/healthz/live", (string?)app["startupProbe"]?["httpGet"]?["path"]);
            Assert.Equal("/healthz/live", (string?)app["livenessProbe"]?["httpGet"]?["path"]);
            Assert.Equal("/healthz/ready", (string?)app["readinessProbe"]?["httpGet"]?["path"]);
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
                Assert.Equal("http", (string?)app[probe]!["httpGet"]!["port"]);
            foreach (var kind in new[] { "requests", "limits" })
            foreach (var resource in new[] { "cpu", "memory" })
                Assert.False(string.IsNullOrEmpty(app["resources"]?[kind]?[resource]?.ToString()), $"{what}: resources.{kind}.{resource}");

            Assert.True((bool?)pod["securityContext"]?["runAsNonRoot"], what);
            Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]?["seccompProfile"]?["type"]);
            var security = app["securityContext"]!;
            Assert.True((bool?)security["runAsNonRoot"], what);
            Assert.True((bool?)security["readOnlyRootFilesystem"], what);
            Assert.False((bool?)security["allowPrivilegeEscalation"] ?? true, what);
            Assert.Contains("ALL", security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
            Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]?["type"]);
            // A read-only root filesystem, so /tmp is an emptyDir.
            var tmp = Assert.Single(app["volumeMounts"].Items(), m => (string?)m["mountPath"] == "/tmp");
            Assert.NotNull(pod["volumes"].Items().Single(v => (string?)v["name"] == (string?)tmp["name"])["emptyDir"]);

            Assert.Equal(what, (string?)pod["serviceAccountName"]);
            Assert.False((bool?)pod["automountServiceAccountToken"] ?? true, what);
            Assert.False((bool?)rendered.Single("ServiceAccount", what)["automountServiceAccountToken"] ?? true, what);
            Assert.True(rendered.Has("PodDisruptionBudget", what), $"{what} has no PodDisruptionBudget");
        }
    }

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void Every_deployment_has_the_dapr_annotations(string file)
    {
        var rendered = Helm.Render(Values.Ci(file));
        var configuration = Assert.Single(rendered.OfKind("Configuration")).Name();
        foreach (var deployment in rendered.OfKind("Deployment"))
        {
            var a = deployment.PodAnnotations();
            var app = Assert.Single(deployment.Containers());
            var name = (string)deployment["metadata"]!["labels"]!["app.kubernetes.io/name"]!;
            Assert.Equal("true", (string?)a["dapr.io/enabled"]);
            Assert.Equal(name, (string?)a["dapr.io/app-id"]);
            var http = app["ports"].Items().Single(p => (string?)p["name"] == "http");
            Assert.Equal(((long)http["containerPort"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)a["dapr.io/app-port"]);
            Assert.Equal("http", (string?)a["dapr.io/app-protocol"]);
            Assert.Equal(configuration, (string?)a["dapr.io/config"]);
            Assert.Equal("true", (string?)a["dapr.io/log-as-json"]);
            Assert.Equal("true", (string?)a["dapr.io/enable-metrics"]);
            foreach (var key in new[] { "sidecar-cpu-request", "sidecar-cpu-limit", "sidecar-memory-request", "sidecar-memory-limit" })
                Assert.False(string.IsNullOrEmpty((string?)a["dapr.io/" + key]), $"{name}: dapr.io/{key}");
            var tokenSecret = (string?)a["dapr.io/app-token-secret"];
            Assert.False(string.IsNullOrEmpty(tokenSecret));
            // The app requires the same token the sidecar sends (docs/eventbus.md).
            if (app.Env().TryGetValue("APP_API_TOKEN", out var token))
            {
                Assert.Equal(tokenSecret, (string?)token["valueFrom"]!["secretKeyRef"]!["name"]);
                Assert.Equal("token", (string?)token["valueFrom"]!["secretKeyRef"]!["key"]);
            }
        }
    }

    [Fact]
    public void Adding_a_service_is_one_values_block()
    {
        var rendered = Helm.Render(Values.Minimal("--set-json",
            """workloads.portal={"enabled":true,"role":"service","image":{"repository":"csp/portal"},"ports":{"http":5501,"grpc":0,"management":5503},"redis":false,"pubsub":false,"gatewayCluster":"portal","calls":[{"service":"risk","addressKey":"Portal__RiskGrpc"}],"serviceToken":{"existingSecret":"csp-portal-oidc-client"}}"""));

        const string portal = "csp-csp-platform-portal";
        foreach (var kind in new[] { "Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor" })
            Assert.True(rendered.Has(kind, portal), $"no {kind} for the new block");
        var env = Assert.Single(rendered.Single("Deployment", portal).Containers()).Env();
        Assert.Equal("http://csp-csp-platform-risk:5202", env.Value("Portal__RiskGrpc"));
        // The callee now lets it call, and the gateway routes to it.
        var riskEnv = Assert.Single(rendered.Single("Deployment", "csp-csp-platform-risk").Containers()).Env();
        Assert.Equal("portal", riskEnv.Value("Auth__AllowedServiceCallers__0"));
        var gatewayEnv = Assert.Single(rendered.Single("Deployment", "csp-csp-platform-gateway").Containers()).Env();
        Assert.Equal("http://csp-csp-platform-portal:5501", gatewayEnv.Value("ReverseProxy__Clusters__portal__Destinations__primary__Address"));
    }

    [Fact]
    public void Services_get_their_ports_peers_and_identity_from_the_values()
    {
        var rendered = Helm.Render(Values.Minimal());
        Env Of(string name) => new(Assert.Single(rendered.Single("Deployment", "csp-csp-platform-" + name).Containers()).Env());

        var actionplan = Of("actionplan");
        Assert.Equal(["funding", "kpi", "risk"], Enumerable.Range(0, 3).Select(i => actionplan.Map.Value($"Auth__AllowedServiceCallers__{i}")));
        Assert.Null(actionplan.Map.Value("Auth__AllowedServiceCallers__3"));
        Assert.Equal("http://csp-csp-platform-actionplan:5102", Of("risk").Map.Value("Risk__ActionPlanGrpc"));
        Assert.Equal("http://csp-csp-platform-actionplan:5102", Of("funding").Map.Value("Funding__ActionPlanGrpc"));
        Assert.Equal("http://csp-csp-platform-actionplan:5102", Of("kpi").Map.Value("Kpi__ActionPlanGrpc"));
        Assert.Equal("csp-risk-oidc-client", (string?)Of("risk").Map["Auth__ServiceToken__ClientSecret"]["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.False(actionplan.Map.ContainsKey("Auth__ServiceToken__ClientSecret"));
        foreach (var service in new[] { "actionplan", "risk", "funding", "kpi" })
        {
            var env = Of(service).Map;
            Assert.Equal("dapr", env.Value("EventBus__Transport"));
            Assert.Equal("0.0.0.0", env.Value("Ports__Address"));
            Assert.Equal("https://login.council.example/realms/csp", env.Value("Auth__Authority"));
            Assert.Equal("csp-platform", env.Value("Auth__Audience"));
            Assert.StartsWith("csp-csp-platform-redis:6379,password=$(REDIS_PASSWORD),", env.Value("Redis__Configuration"));
        }
        var gateway = Of("gateway").Map;
        Assert.Equal("http://0.0.0.0:8080", gateway.Value("Urls"));
        Assert.Equal("http://csp-csp-platform-risk:5201", gateway.Value("ReverseProxy__Clusters__risk__Destinations__primary__Address"));
        Assert.False(gateway.ContainsKey("EventBus__Transport"));
        Assert.False(gateway.ContainsKey("Redis__Configuration"));
    }

    [Fact]
    public void Each_service_exposes_its_rest_port_and_a_separately_named_grpc_port()
    {
        var rendered = Helm.Render(Values.Minimal());
        foreach (var (name, http, grpc) in new[] { ("actionplan", 5101, 5102), ("risk", 5201, 5202), ("funding", 5301, 5302), ("kpi", 5401, 5402) })
        {
            var ports = rendered.Single("Service", "csp-csp-platform-" + name)["spec"]!["ports"].Items().ToDictionary(p => (string)p["name"]!, p => (long)p["port"]!);
            Assert.Equal(http, ports["http"]);
            Assert.Equal(grpc, ports["grpc"]);
            Assert.True(ports.ContainsKey("management"));
        }
        Assert.DoesNotContain("grpc", rendered.Single("Service", "csp-csp-platform-gateway")["spec"]!["ports"].Items().Select(p => (string?)p["name"]));
    }

    [Fact]
    public void Only_the_gateway_has_an_ingress_and_its_tls_comes_from_values()
    {
        var rendered = Helm.Render(Values.Minimal());
        var ingress = Assert.Single(rendered.OfKind("Ingress"));
        var tls = Assert.Single(ingress["spec"]!["tls"].Items());
        Assert.Equal("csp-council-example-tls", (string?)tls["secretName"]);
        Assert.Equal(["csp.council.example"], tls["hosts"]!.AsArray().Select(h => (string?)h));
        var backend = ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!;
        Assert.Equal("csp-csp-platform-gateway", (string?)backend["name"]);
        Assert.Contains("ingress.host", Helm.RenderFails(Values.Minimal("--set", "ingress.host=")));
        Assert.Contains("ingress.tls.secretName", Helm.RenderFails(Values.Minimal("--set", "ingress.tls.secretName=")));
    }

    [Fact]
    public void An_autoscaler_is_rendered_only_when_enabled_and_then_owns_the_replica_count()
    {
        var minimal = Helm.Render(Values.Minimal());
        Assert.Empty(minimal.OfKind("HorizontalPodAutoscaler"));
        Assert.All(minimal.OfKind("Deployment"), d => Assert.NotNull(d["spec"]!["replicas"]));

        var ha = Helm.Render(Values.Ci("ci/ha-values.yaml"));
        Assert.Equal(5, ha.OfKind("HorizontalPodAutoscaler").Count());
        Assert.All(ha.OfKind("Deployment"), d => Assert.Null(d["spec"]!["replicas"]));
        Assert.All(ha.OfKind("PodDisruptionBudget").Where(p => !p.Name().EndsWith("-redis", StringComparison.Ordinal)),
            p => Assert.Equal(1L, (long?)p["spec"]!["minAvailable"]));
    }

    private sealed record Env(Dictionary<string, JsonObject> Map);
}
