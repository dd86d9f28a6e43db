using System.Text.Json;
using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Http;

namespace Csp.BuildingBlocks.Http;

/// <summary>
/// JSON of every service's public API (request bodies and responses): camelCase fields, kebab-case enum values
/// (<c>on-track</c>, <c>six-monthly</c>), integers refused where an enum is expected. It is the API's contract only:
/// stored documents use <see cref="Redis.StorageJson"/>, events <see cref="EventBus.EventJson"/>.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the API's settings to <paramref name="options"/> (also used for the framework's body binding and OpenAPI).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>The API's name of an enum value (<c>OnTrack</c> → <c>on-track</c>).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Parses an enum from its API name (query strings, gRPC fields); an unknown name is an error on <paramref name="field"/>.</summary>
    public static TEnum? Parse<TEnum>(string field, string? value, ValidationErrors errors) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        foreach (var candidate in Enum.GetValues<TEnum>())
            if (Name(candidate) == value) return candidate;
        errors.Add(field, $"must be one of: {string.Join(", ", Enum.GetValues<TEnum>().Select(Name))}");
        return null;
    }

    public static IResult Json<T>(T value) => Results.Json(value, Options);

    /// <summary>A versioned resource: the body and its ETag.</summary>
    public static IResult Json<T>(T value, long version, HttpResponse response, int status = StatusCodes.Status200OK)
    {
        ETags.Set(response, version);
        return Results.Json(value, Options, statusCode: status);
    }
}
