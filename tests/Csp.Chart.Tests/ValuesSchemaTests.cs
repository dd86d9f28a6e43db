using System.Text.Json.Nodes;

namespace Csp.Chart.Tests;

/// <summary>values.schema.json describes every value of values.yaml, with a description and the same default.</summary>
public sealed class ValuesSchemaTests
{
    [Fact]
    public void Every_value_has_a_description_and_its_default_in_the_schema()
    {
        var values = Manifests.Parse(File.ReadAllText(Path.Combine(Helm.ChartDir, "values.yaml"))).All.Single();
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Helm.ChartDir, "values.schema.json")))!.AsObject();
        var checkedPaths = new List<string>();
        Walk(values, schema, "", checkDefault: true, checkedPaths);
        Assert.Contains("dapr.pubsub.redeliverInterval", checkedPaths);
        Assert.Contains("workloads.risk.calls", checkedPaths);
    }

    [Fact]
    public void Unknown_values_are_refused()
    {
        Assert.Contains("additional properties", Helm.RenderFails(Values.Minimal("--set", "auth.unknown=1")));
        Assert.Contains("additional properties", Helm.RenderFails(Values.Minimal("--set", "workloads.risk.envFrom=x")));
    }

    private static void Walk(JsonObject values, JsonObject schema, string path, bool checkDefault, List<string> checkedPaths)
    {
        foreach (var (key, value) in values)
        {
            var here = path.Length == 0 ? key : $"{path}.{key}";
            var property = schema["properties"]?[key]?.AsObject() ?? schema["additionalProperties"] as JsonObject;
            Assert.True(property is not null, $"{here} is not in values.schema.json");
            Assert.False(string.IsNullOrWhiteSpace((string?)property!["description"]), $"{here} has no description");
            if (checkDefault)
            {
                Assert.True(property.ContainsKey("default"), $"{here} has no default");
                Assert.True(JsonNode.DeepEquals(value, property["default"]), $"{here}: the schema's default {property["default"]?.ToJsonString()} is not values.yaml's {value?.ToJsonString()}");
            }
            checkedPaths.Add(here);
            // A workload block's default is the workloads map itself; its keys are described by the block's schema.
            if (value is JsonObject inner && (property["properties"] is not null || property["additionalProperties"] is JsonObject))
                Walk(inner, property, here, checkDefault && !(property["additionalProperties"] is JsonObject && property["properties"] is null), checkedPaths);
        }
    }
}
