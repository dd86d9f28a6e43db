using System.Text.Json;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>The OpenAPI document the running service serves says, for every operation, what it takes and what it answers.</summary>
public class OpenApiTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private Task<JsonElement> DocumentAsync() => OpenApiChecks.DocumentAsync(host.App);

    [Fact]
    public async Task Every_operation_has_its_request_and_success_schemas_and_problem_responses()
    {
        var doc = await DocumentAsync();
        Assert.Empty(OpenApiChecks.Shortcomings(doc));
    }

    [Fact]
    public async Task Creating_an_action_takes_an_action_draft()
    {
        var doc = await DocumentAsync();
        var schema = doc.GetProperty("paths").GetProperty("/api/partnerships/{partnershipId}/actions").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var properties = OpenApiChecks.Resolve(doc, schema).GetProperty("properties");
        Assert.True(properties.TryGetProperty("title", out _));
        Assert.True(properties.TryGetProperty("strand", out _));
        Assert.True(properties.TryGetProperty("milestones", out _));
    }

    [Theory]
    [InlineData("/api/partnerships/{partnershipId}/actions/{actionId}", "put")]
    [InlineData("/api/partnerships/{partnershipId}", "put")]
    [InlineData("/api/partnerships/{partnershipId}/plans/{planId}", "put")]
    public async Task Writes_that_take_If_Match_declare_it_and_412_and_428(string path, string method)
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "If-Match");
        Assert.True(operation.GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(operation.GetProperty("responses").TryGetProperty("428", out _));
    }

    [Fact]
    public async Task Every_path_parameter_is_declared()
    {
        var doc = await DocumentAsync();
        var missing = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        foreach (var operation in path.Value.EnumerateObject())
        {
            var declared = operation.Value.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()).ToHashSet()
                : [];
            missing.AddRange(path.Name.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}'))
                .Where(name => !declared.Contains(name)).Select(name => $"{operation.Name.ToUpperInvariant()} {path.Name}: {name}"));
        }
        Assert.Empty(missing);
    }
}
