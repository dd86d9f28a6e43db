using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Csp.BuildingBlocks.Http;

/// <summary>
/// JSON for every service's API and storage: camelCase fields, kebab-case enum values (<c>on-track</c>,
/// <c>six-monthly</c>), integers refused where an enum is expected; and the small helpers endpoints use with it.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
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

    /// <summary>Reads the request body (see <see cref="JsonBody"/>) with these options.</summary>
    public static Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken) where T : class =>
        JsonBody.ReadAsync<T>(request, Options, cancellationToken);

    public static IResult Json<T>(T value) => Results.Json(value, Options);

    /// <summary>A versioned resource: the body and its ETag.</summary>
    public static IResult Json<T>(T value, long version, HttpResponse response, int status = StatusCodes.Status200OK)
    {
        ETags.Set(response, version);
        return Results.Json(value, Options, statusCode: status);
    }
}
