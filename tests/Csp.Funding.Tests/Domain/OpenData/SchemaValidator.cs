using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>
/// Validates 360Giving packages against the copied 1.4.3 schemas with Python's jsonschema (Draft 2020-12, formats
/// asserted), through Schemas/360giving/validate_360giving.py. JsonSchema.Net, the .NET choice, cannot be restored
/// from this project's package mirror (its dependency JsonPointer.Net is missing); NJsonSchema does not read $defs.
/// </summary>
internal static class SchemaValidator
{
    public static string SchemaDirectory => Path.Combine(AppContext.BaseDirectory, "Schemas", "360giving");

    /// <summary>The schema errors for each document ("path: message"); an empty list means valid.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>> ErrorsAsync(params JsonNode[] documents)
    {
        var dir = Directory.CreateTempSubdirectory("csp-360giving-");
        try
        {
            var files = new List<string>();
            for (var i = 0; i < documents.Length; i++)
            {
                var file = Path.Combine(dir.FullName, $"package-{i}.json");
                await File.WriteAllTextAsync(file, documents[i].ToJsonString());
                files.Add(file);
            }
            var start = new ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(SchemaDirectory, "validate_360giving.py"));
            start.ArgumentList.Add(SchemaDirectory);
            foreach (var f in files) start.ArgumentList.Add(f);

            using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = python.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = python.StandardError.ReadToEndAsync(timeout.Token);
            await python.WaitForExitAsync(timeout.Token);
            if (python.ExitCode != 0)
                throw new InvalidOperationException($"validate_360giving.py exited {python.ExitCode}: {await stderr}");
            var results = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(await stdout)
                          ?? throw new InvalidOperationException("validate_360giving.py printed nothing");
            return files.Select(f => (IReadOnlyList<string>)results[f]).ToList();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static async Task<IReadOnlyList<string>> ErrorsAsync(JsonNode document) => (await ErrorsAsync([document]))[0];
}
