using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Csp.BuildingBlocks.Http;

/// <summary>
/// Reads a JSON request body into a request record, turning every way it can be wrong into a 4xx problem that names the
/// field: a wrong type or unknown enum value (400, field from the JSON path), a body over the size limit (413), not JSON
/// or the wrong content type (400/415). Endpoints take <see cref="HttpRequest"/> and call this instead of letting the
/// framework bind, whose errors do not name the field.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Problems.UnsupportedMediaType());
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken);
            return value is null
                ? (null, Problems.Validation(new ValidationErrors().Add("$", "a JSON object is required")))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldName(ex.Path);
            var message = ex.Path is null or "$" ? "the body is not valid JSON" : "has the wrong type or an unknown value";
            return (null, Problems.Validation(new ValidationErrors().Add(field, message)));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.PayloadTooLarge());
        }
    }

    /// <summary><c>$.milestones[0].title</c> → <c>milestones[0].title</c>.</summary>
    public static string FieldName(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}
