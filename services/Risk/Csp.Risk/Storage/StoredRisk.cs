using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Domain;

namespace Csp.Risk.Storage;

/// <summary>
/// The stored risk's formats. Until the assessment history moved beside the risk, a risk document held every assessment
/// in <c>assessments</c> (format 1). Now it holds <c>latest</c>, <c>previousRating</c> and <c>assessmentCount</c>, and the
/// history is a sorted set beside it (format 2). <see cref="Upgrade"/> turns a format-1 document into format 2 and the
/// history to store; <see cref="RiskStore"/> does that the first time it reads one, and stores both (migration on read).
/// </summary>
public static class StoredRisk
{
    public sealed record Upgraded(string Json, IReadOnlyList<Assessment> History);

    /// <summary>Null when the document is already in the current format.</summary>
    public static Upgraded? Upgrade(string json)
    {
        if (JsonNode.Parse(json) is not JsonObject risk || risk["assessments"] is not JsonArray stored) return null;
        var history = stored.Select((a, i) => StorageJson.Deserialize<Assessment>(a!.ToJsonString()) with { Number = i + 1 }).ToList();
        if (history.Count == 0) throw new System.Text.Json.JsonException("A stored risk in format 1 has no assessments");
        risk.Remove("assessments");
        risk["latest"] = JsonNode.Parse(StorageJson.Serialize(history[^1]));
        risk["previousRating"] = history.Count < 2 ? null : JsonNode.Parse(StorageJson.Serialize(history[^2].Current));
        risk["assessmentCount"] = history.Count;
        return new Upgraded(risk.ToJsonString(), history);
    }
}
