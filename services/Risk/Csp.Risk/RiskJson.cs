using System.Text.Json;
using System.Text.Json.Serialization;

namespace Csp.Risk;

/// <summary>JSON for the API and for storage: camelCase fields, kebab-case enum values (<c>six-monthly</c>), no integer enums.</summary>
public static class RiskJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>The API's kebab-case name of an enum value (<c>SixMonthly</c> → <c>six-monthly</c>).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
