using System.Text.Json;

namespace Csp.TestSupport;

/// <summary>Walks an OpenAPI document and lists every operation that does not say what it takes and what it answers.</summary>
public static class OpenApiChecks
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    /// <summary>The running service's OpenAPI document (<c>/openapi/v1.json</c>, anonymous).</summary>
    public static async Task<JsonElement> DocumentAsync(RunningApp app)
    {
        using var anonymous = app.Client();
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json"));
        return document.RootElement.Clone();
    }

    /// <summary>A schema, following its <c>$ref</c> into the document's components.</summary>
    public static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (!schema.TryGetProperty("$ref", out var reference)) return schema;
        var found = document;
        foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/')) found = found.GetProperty(part);
        return found;
    }

    /// <returns>One line per shortcoming, e.g. <c>POST /api/... has no request schema</c>; empty when the document is complete.</returns>
    public static IReadOnlyList<string> Shortcomings(JsonElement document)
    {
        var found = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in Methods)
            {
                if (!path.Value.TryGetProperty(method, out var operation)) continue;
                var name = $"{method.ToUpperInvariant()} {path.Name}";
                var declared = operation.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()).ToHashSet()
                    : [];
                foreach (var segment in path.Name.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')))
                    if (!declared.Contains(segment[1..^1].Split(':')[0]))
                        found.Add($"{name} does not declare its path parameter {segment}");
                if (method is "put" or "post" or "patch" && !HasSchema(operation, "requestBody", "application/json"))
                    found.Add($"{name} has no request schema");
                if (!operation.TryGetProperty("responses", out var responses)) { found.Add($"{name} has no responses"); continue; }
                var success = responses.EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
                if (success.Count == 0) found.Add($"{name} declares no success response");
                else if (!success.Any(r => ContentSchema(r.Value, "application/json") is not null)) found.Add($"{name} has no success schema");
                var problems = responses.EnumerateObject().Where(r => r.Name.StartsWith('4') || r.Name.StartsWith('5')).ToList();
                if (problems.Count == 0) found.Add($"{name} declares no problem responses");
                foreach (var problem in problems)
                    if (ContentSchema(problem.Value, "application/problem+json") is null)
                        found.Add($"{name} response {problem.Name} is not a problem-details schema");
            }
        }
        return found;
    }

    private static bool HasSchema(JsonElement operation, string property, string mediaType) =>
        operation.TryGetProperty(property, out var body) && ContentSchema(body, mediaType) is not null;

    private static JsonElement? ContentSchema(JsonElement holder, string mediaType) =>
        holder.TryGetProperty("content", out var content) && content.TryGetProperty(mediaType, out var media) && media.TryGetProperty("schema", out var schema)
            ? schema : null;
}
