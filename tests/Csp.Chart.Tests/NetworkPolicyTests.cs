using System.Text.Json.Nodes;

namespace Csp.Chart.Tests;

/// <summary>The network policies: default deny, and exactly the paths the architecture needs.</summary>
public sealed class NetworkPolicyTests
{
    private const string Prefix = "csp-csp-platform-";
    private static readonly Manifests Minimal = Helm.Render(Values.Minimal());

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void A_default_deny_policy_selects_every_pod_of_the_release_and_every_pod_has_its_own_policy(string file)
    {
        var rendered = Helm.Render(Values.Ci(file));
        var deny = rendered.Single("NetworkPolicy", Prefix + "default-deny");
        Assert.Equal(["Egress", "Ingress"], deny["spec"]!["policyTypes"]!.AsArray().Select(t => (string)t!).Order(StringComparer.Ordinal));
        Assert.Null(deny["spec"]!["ingress"]);
        Assert.Null(deny["spec"]!["egress"]);
        var selector = deny["spec"]!["podSelector"].Labels();
        var pods = rendered.OfKind("Deployment").Concat(rendered.OfKind("StatefulSet")).ToList();
        Assert.NotEmpty(pods);
        foreach (var pod in pods)
        {
            var labels = pod["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!);
            Assert.All(selector, s => Assert.Equal(s.Value, labels.GetValueOrDefault(s.Key)));
            Assert.Contains(rendered.OfKind("NetworkPolicy"), p => p.Name() != deny.Name() && p["spec"]!["podSelector"].Labels().All(s => labels.GetValueOrDefault(s.Key) == s.Value));
        }
    }

    [Fact]
    public void Only_the_ingress_controller_reaches_the_gateway()
    {
        var from = Sources(Minimal, "gateway", 8080);
        Assert.Equal(["ns:ingress-nginx/pod:ingress-nginx"], from);
    }

    [Theory]
    [InlineData("actionplan", 5101)]
    [InlineData("risk", 5201)]
    [InlineData("funding", 5301)]
    [InlineData("kpi", 5401)]
    public void The_gateway_alone_reaches_a_services_rest_port_and_the_gateway_may_send_there(string service, int port)
    {
        Assert.Equal(["pod:gateway"], Sources(Minimal, service, port));
        Assert.Contains(Destinations(Minimal, "gateway"), d => d == ($"pod:{service}", port));
    }

    [Fact]
    public void A_grpc_port_is_reached_only_by_the_services_the_architecture_says_call_it()
    {
        Assert.Equal(["pod:funding", "pod:kpi", "pod:risk"], Sources(Minimal, "actionplan", 5102));
        foreach (var caller in new[] { "risk", "funding", "kpi" })
            Assert.Contains(Destinations(Minimal, caller), d => d == ("pod:actionplan", 5102));
        // Nobody calls risk, funding or kpi over gRPC (yet), and the gateway never sends to a gRPC port.
        Assert.Empty(Sources(Minimal, "risk", 5202));
        Assert.Empty(Sources(Minimal, "funding", 5302));
        Assert.Empty(Sources(Minimal, "kpi", 5402));
        Assert.DoesNotContain(Destinations(Minimal, "gateway"), d => d.Port is 5102 or 5202 or 5302 or 5402);
        Assert.DoesNotContain(Destinations(Minimal, "actionplan"), d => d.Port is 5202 or 5302 or 5402);
    }

    [Fact]
    public void Redis_is_reached_by_the_services_only_and_reaches_nothing()
    {
        var redis = Minimal.Single("NetworkPolicy", Prefix + "redis");
        Assert.Equal(["Egress", "Ingress"], redis["spec"]!["policyTypes"]!.AsArray().Select(t => (string)t!).Order(StringComparer.Ordinal));
        Assert.Empty(redis["spec"]!["egress"]!.AsArray());
        var from = redis["spec"]!["ingress"].Items().SelectMany(r => r["from"].Items()).Select(Peer).Order(StringComparer.Ordinal);
        Assert.Equal(["pod:actionplan", "pod:funding", "pod:kpi", "pod:risk"], from);
        foreach (var service in new[] { "actionplan", "risk", "funding", "kpi" })
            Assert.Contains(Destinations(Minimal, service), d => d == ("pod:redis", 6379));
        Assert.DoesNotContain(Destinations(Minimal, "gateway"), d => d.Port == 6379);
    }

    [Fact]
    public void An_external_redis_is_reached_only_in_its_network_on_its_port()
    {
        var rendered = Helm.Render(Values.Ci("ci/external-redis-values.yaml"));
        Assert.False(rendered.Has("NetworkPolicy", Prefix + "redis"));
        Assert.Contains(Destinations(rendered, "risk"), d => d == ("ip:10.20.0.0/24", 6380));
        Assert.DoesNotContain(Destinations(rendered, "gateway"), d => d.Port == 6380);
    }

    [Theory]
    [InlineData("gateway", 8081)]
    [InlineData("actionplan", 5103)]
    [InlineData("risk", 5203)]
    [InlineData("funding", 5303)]
    [InlineData("kpi", 5403)]
    public void Prometheus_alone_reaches_the_management_port(string workload, int port) =>
        Assert.Equal(["ns:monitoring/pod:prometheus"], Sources(Minimal, workload, port));

    [Fact]
    public void Every_workload_may_resolve_names_and_reach_the_dapr_control_plane()
    {
        foreach (var workload in Values.Workloads(Minimal))
        {
            var egress = Minimal.Single("NetworkPolicy", Prefix + workload)["spec"]!["egress"].Items().ToList();
            Assert.Contains(egress, r => r["to"].Items().Any(p => Peer(p) == "ns:kube-system/pod:kube-dns") && r["ports"].Items().Any(p => (long?)p["port"] == 53 && (string?)p["protocol"] == "UDP"));
            Assert.Contains(egress, r => r["to"].Items().Any(p => Peer(p) == "ns:dapr-system"));
        }
    }

    /// <summary>Who may reach <paramref name="port"/> of a workload's pods: the peers of its policy's ingress rules for that port.</summary>
    private static string[] Sources(Manifests rendered, string workload, int port) =>
        rendered.Single("NetworkPolicy", Prefix + workload)["spec"]!["ingress"].Items()
            .Where(r => r["ports"] is null || r["ports"].Items().Any(p => (long?)p["port"] == port))
            .SelectMany(r => r["from"].Items().Select(Peer))
            .Order(StringComparer.Ordinal).ToArray();

    /// <summary>Where a workload's pods may send, as (peer, port) pairs of its policy's egress rules.</summary>
    private static (string Peer, long Port)[] Destinations(Manifests rendered, string workload) =>
        rendered.Single("NetworkPolicy", Prefix + workload)["spec"]!["egress"].Items()
            .SelectMany(r => r["to"].Items().SelectMany(to => r["ports"].Items().Select(p => (Peer(to), (long)p["port"]!))))
            .ToArray();

    private static string Peer(JsonObject peer)
    {
        if (peer["ipBlock"] is { } ip) return "ip:" + (string)ip["cidr"]!;
        var parts = new List<string>();
        if (peer["namespaceSelector"] is { } ns)
            parts.Add("ns:" + (ns.Labels().GetValueOrDefault("kubernetes.io/metadata.name") ?? "?"));
        if (peer["podSelector"] is { } pod)
        {
            var labels = pod.Labels();
            parts.Add("pod:" + (labels.GetValueOrDefault("app.kubernetes.io/name") ?? labels.GetValueOrDefault("k8s-app") ?? "?"));
            if (parts.Count == 1) Assert.Equal("csp", labels["app.kubernetes.io/instance"]);
        }
        return string.Join('/', parts);
    }
}
