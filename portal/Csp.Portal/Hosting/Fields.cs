using Csp.Portal.Api;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Csp.Portal.Hosting;

/// <summary>
/// Form errors in the GOV.UK pattern. A form field's ModelState key is its bound property name (<c>Commentary</c>); its
/// input's id is <see cref="Id"/> of that key (<c>commentary</c>), which the error summary links to. A service's problem
/// details are put against the fields with <see cref="AddProblem"/>, naming which API field is which form field.
/// </summary>
public static class Fields
{
    public static string Id(string key) => key.Length == 0 ? "main-content" : char.ToLowerInvariant(key[0]) + key[1..].Replace('.', '-');

    public static string? Error(this ModelStateDictionary state, string key) =>
        state.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    /// <summary>Puts each of the problem's field errors against the form field it belongs to (<paramref name="fields"/>:
    /// API field → form key, each message prefixed with the label the user sees); the rest against the form as a whole.</summary>
    public static void AddProblem(this ModelStateDictionary state, ApiProblem problem, IReadOnlyDictionary<string, (string Key, string Label)> fields)
    {
        if (problem.Status == StatusCodes.Status403Forbidden)
        {
            state.AddModelError("", $"You do not have permission to do this. {problem.Detail}".Trim());
            return;
        }
        if (problem.Errors.Count == 0)
        {
            state.AddModelError("", string.IsNullOrEmpty(problem.Detail) ? problem.Title : $"{problem.Title}: {problem.Detail}");
            return;
        }
        foreach (var (apiField, messages) in problem.Errors)
        {
            var known = fields.TryGetValue(apiField, out var field);
            foreach (var message in messages)
                state.AddModelError(known ? field.Key : "", $"{(known ? field.Label : apiField)} {message}");
        }
    }
}
