using System.Text.Json;
using System.Text.Json.Serialization;

namespace Csp.ActionPlan;

/// <summary>JSON for the API and for storage: camelCase fields, kebab-case enum values (<c>on-track</c>), no integer enums.</summary>
public static class ActionPlanJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }
}
