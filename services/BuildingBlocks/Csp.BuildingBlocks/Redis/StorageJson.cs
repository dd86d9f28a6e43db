using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// The JSON of stored documents (aggregates, history entries, audit snapshots). Fixed here, apart from the API's
/// <see cref="Http.ApiJson"/>, so that changing how the API writes a field or an enum value cannot change what is stored
/// or make stored documents unreadable. The format is the one documents have always been stored in: camelCase fields,
/// kebab-case enum names. Aggregates keep their setters private (state changes only through domain methods), so this
/// resolver also writes through non-public setters when reading a document back.
/// </summary>
public static class StorageJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ReadThroughPrivateSetters } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly();
        return options;
    }

    private static void ReadThroughPrivateSetters(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in type.Properties)
        {
            if (property.Set is not null || property.AttributeProvider is not PropertyInfo info) continue;
            var setter = info.GetSetMethod(nonPublic: true);
            if (setter is null) continue;
            property.Set = (target, value) => setter.Invoke(target, [value]);
        }
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"Stored {typeof(T).Name} is empty");
}
