using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Csp.Chart.Tests;

/// <summary>The documents of a render, parsed by YamlDotNet (duplicate keys are an error) into JSON nodes to query.</summary>
public sealed partial class Manifests(IReadOnlyList<JsonObject> documents)
{
    public IReadOnlyList<JsonObject> All { get; } = documents;

    public static Manifests Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var documents = new List<JsonObject>();
        foreach (var document in stream.Documents)
            if (ToJson(document.RootNode) is JsonObject obj) documents.Add(obj);
        return new Manifests(documents);
    }

    public IEnumerable<JsonObject> OfKind(string kind) => All.Where(d => (string?)d["kind"] == kind);

    public JsonObject Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(d => (string?)d["metadata"]!["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"no {kind} named {name}; there are: {string.Join(", ", All.Select(d => $"{d["kind"]}/{d["metadata"]?["name"]}"))}");

    public bool Has(string kind, string name) => OfKind(kind).Any(d => (string?)d["metadata"]!["name"] == name);

    /// <summary>YAML 1.2 core-schema scalars: plain true/false/null/integers are typed, everything else is a string.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } s => s.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var v when Integer().IsMatch(v) => JsonValue.Create(long.Parse(v, CultureInfo.InvariantCulture)),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        _ => null,
    };

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex Integer();
}

/// <summary>Small readers of rendered objects.</summary>
public static class Node
{
    public static string Name(this JsonNode obj) => (string)obj["metadata"]!["name"]!;

    public static JsonObject PodSpec(this JsonObject workload) => workload["spec"]!["template"]!["spec"]!.AsObject();

    public static JsonObject PodAnnotations(this JsonObject workload) => workload["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();

    public static IEnumerable<JsonObject> Containers(this JsonObject workload) => workload.PodSpec()["containers"]!.AsArray().Select(c => c!.AsObject());

    public static IEnumerable<JsonObject> Items(this JsonNode? array) => array is JsonArray a ? a.Select(i => i!.AsObject()) : [];

    /// <summary>A container's env as name -> the env entry (value or valueFrom).</summary>
    public static Dictionary<string, JsonObject> Env(this JsonObject container) =>
        container["env"].Items().ToDictionary(e => (string)e["name"]!, e => e);

    public static string? Value(this Dictionary<string, JsonObject> env, string name) =>
        env.TryGetValue(name, out var e) ? (string?)e["value"] : null;

    public static Dictionary<string, string> Labels(this JsonNode? selector) =>
        selector?["matchLabels"] is JsonObject labels ? labels.ToDictionary(l => l.Key, l => (string)l.Value!) : [];
}
