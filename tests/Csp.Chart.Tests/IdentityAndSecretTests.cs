using System.Text.RegularExpressions;

namespace Csp.Chart.Tests;

/// <summary>OIDC is required, the development issuer cannot be switched on, images are pinned, secrets never come from values.</summary>
public sealed partial class IdentityAndSecretTests
{
    [Theory]
    [InlineData("auth.authority", "auth.authority (the OIDC issuer URL) is required")]
    [InlineData("auth.audience", "auth.audience (the expected token audience) is required")]
    public void The_oidc_authority_and_audience_are_required(string value, string message)
    {
        Assert.Contains(message, Helm.RenderFails(Values.Minimal("--set", value + "=")));
        // Not a default hidden in values.yaml either: the chart's own defaults do not render.
        Assert.Contains("is required", Helm.RenderFails("--set", "global.image.tag=1.0.0"));
    }

    [Fact]
    public void The_authority_must_be_https_unless_metadata_over_http_is_asked_for()
    {
        Assert.Contains("https://", Helm.RenderFails(Values.Minimal("--set", "auth.authority=http://keycloak.auth:8080/realms/csp")));
        var rendered = Helm.Render(Values.Minimal("--set", "auth.authority=http://keycloak.auth:8080/realms/csp", "--set", "auth.requireHttpsMetadata=false"));
        Assert.All(rendered.OfKind("Deployment"), d => Assert.Equal("false", Assert.Single(d.Containers()).Env().Value("Auth__RequireHttpsMetadata")));
    }

    public static TheoryData<string[]> DevIssuerAttempts() => new()
    {
        { ["--set", "auth.devIssuer.enabled=true"] },
        { ["--set", "auth.devIssuer.allowInProductionOrWithAuthority=true"] },
        { ["--set", "workloads.gateway.env.Auth__DevIssuer__Enabled=true"] },
        { ["--set", "workloads.risk.env.AUTH__DEVISSUER__ENABLED=true"] },
        { ["--set", "workloads.risk.env.auth__devissuer__signingkey=x"] },
        { ["--set", "workloads.actionplan.env.ASPNETCORE_Auth__DevIssuer__Enabled=true"] },
        { ["--set", "workloads.actionplan.env.DOTNET_AUTH__DEVISSUER__ENABLED=true"] },
        { ["--set-json", """workloads.kpi.env={"Auth:DevIssuer:Enabled":"true"}"""] },
        { ["--set", "workloadDefaults.env.Auth__DevIssuer__Enabled=true"] },
        { ["--set", "workloads.gateway.secretEnv.Auth__DevIssuer__SigningKey.secret=s", "--set", "workloads.gateway.secretEnv.Auth__DevIssuer__SigningKey.key=k"] },
        { ["--set", "workloads.gateway.env.ASPNETCORE_ENVIRONMENT=Development"] },
        { ["--set", "workloads.risk.env.DOTNET_ENVIRONMENT=Development"] },
    };

    [Theory]
    [MemberData(nameof(DevIssuerAttempts))]
    public void The_development_issuer_cannot_be_enabled_by_any_value(string[] attempt)
    {
        Helm.RenderFails(Values.Minimal(attempt));
        // The schema refuses it first; the templates refuse it too when the schema is skipped.
        var error = Helm.RenderFails(Values.Minimal([.. attempt, "--skip-schema-validation"]));
        Assert.Matches("development token issuer|runs every process as Production", error);
    }

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void No_rendered_process_configures_the_development_issuer_and_every_one_runs_as_production(string file)
    {
        foreach (var deployment in Helm.Render(Values.Ci(file)).OfKind("Deployment"))
        {
            var env = Assert.Single(deployment.Containers()).Env();
            Assert.DoesNotContain(env.Keys, k => DevIssuerName().IsMatch(k));
            Assert.Equal("Production", env.Value("ASPNETCORE_ENVIRONMENT"));
            Assert.Null(deployment.PodSpec()["containers"]![0]!["envFrom"]);
            Assert.Null(deployment.PodSpec()["containers"]![0]!["args"]);
        }
    }

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void Every_image_is_pinned_and_none_is_latest(string file)
    {
        var rendered = Helm.Render(Values.Ci(file));
        var images = rendered.OfKind("Deployment").Concat(rendered.OfKind("StatefulSet")).SelectMany(w => w.Containers()).Select(c => (string)c["image"]!).ToList();
        Assert.NotEmpty(images);
        foreach (var image in images)
        {
            var tag = image[(image.LastIndexOf('/') + 1)..].Split(':') is [_, var t] ? t : "";
            Assert.False(string.IsNullOrEmpty(tag), $"{image} has no tag");
            Assert.NotEqual("latest", tag, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_registry_is_configurable()
    {
        var images = Helm.Render(Values.Minimal()).OfKind("Deployment").Select(d => (string)Assert.Single(d.Containers())["image"]!);
        Assert.All(images, i => Assert.StartsWith("registry.council.example/csp/", i));
        Assert.Contains("registry.council.example/csp/risk:0.1.0-3ed01b3", images);
    }

    [Theory]
    [InlineData("global.image.tag=latest")]
    [InlineData("global.image.tag=LATEST")]
    [InlineData("global.image.tag=")]
    [InlineData("workloads.risk.image.tag=latest")]
    [InlineData("redis.internal.image.tag=latest")]
    public void A_latest_or_missing_tag_fails_the_render(string value)
    {
        Helm.RenderFails(Values.Minimal("--set", value));
        Assert.Matches("latest|tag is required", Helm.RenderFails(Values.Minimal("--set", value, "--skip-schema-validation")));
    }

    [Fact]
    public void Generated_secrets_are_random_and_never_made_from_values()
    {
        // Two renders, two different values: the data comes from randAlphaNum (and, installed, from the Secret already in
        // the cluster), not from anything in values. helm template cannot look the cluster up, so each render is new.
        var first = Helm.Render(Values.Minimal());
        var second = Helm.Render(Values.Minimal("--set", "ingress.annotations.render=second"));
        foreach (var name in new[] { "csp-csp-platform-dapr-app-token", "csp-csp-platform-redis" })
        {
            var a = first.Single("Secret", name)["data"]!.AsObject();
            var b = second.Single("Secret", name)["data"]!.AsObject();
            Assert.Single(a);
            Assert.NotEqual(a.Single().Value!.ToString(), b.Single().Value!.ToString());
            Assert.Equal("keep", (string?)first.Single("Secret", name)["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        }
        // With existing Secrets named, the chart makes none at all.
        Assert.Empty(Helm.Render(Values.Ci("ci/ha-values.yaml")).OfKind("Secret"));
        Assert.Empty(Helm.Render(Values.Ci("ci/external-redis-values.yaml", "--set", "dapr.appToken.existingSecret=t")).OfKind("Secret"));
        // And there is no value to put a password in.
        Helm.RenderFails(Values.Minimal("--set", "redis.internal.password=hunter2"));
        Helm.RenderFails(Values.Minimal("--set", "dapr.appToken.token=hunter2"));
    }

    [Theory]
    [MemberData(nameof(Helm.CiValueFiles), MemberType = typeof(Helm))]
    public void Secret_environment_variables_come_from_secrets_never_from_literals(string file)
    {
        var rendered = Helm.Render(Values.Ci(file));
        foreach (var container in rendered.OfKind("Deployment").Concat(rendered.OfKind("StatefulSet")).SelectMany(w => w.Containers()))
        foreach (var (name, entry) in container.Env())
        {
            if (SecretName().IsMatch(name))
                Assert.True(entry["value"] is null && entry["valueFrom"]?["secretKeyRef"] is not null, $"{name} must come from a Secret");
            if (entry["value"] is { } value)
                Assert.DoesNotMatch("(?i)password=(?!\\$\\(REDIS_PASSWORD\\))", value.ToString());
        }
    }

    [GeneratedRegex("(?i)^((aspnetcore|dotnet)_)?auth(__|:)+devissuer")]
    private static partial Regex DevIssuerName();

    [GeneratedRegex("(?i)(secret|password|token)$")]
    private static partial Regex SecretName();
}
