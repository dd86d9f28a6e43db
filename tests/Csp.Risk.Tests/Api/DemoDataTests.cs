using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.DemoData;
using Csp.Risk.DemoData;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Csp.Risk.Tests.Api;

/// <summary>The demo risks of the seed reports load from demo/risks.json, with history; loading twice changes nothing.</summary>
public class DemoDataTests(RiskHost host) : IClassFixture<RiskHost>
{
    private static string Repo(string path)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Csp.slnx"))) return Path.Combine(dir.FullName, path);
        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public async Task The_seed_risks_load_once_with_their_ratings_and_direction_of_travel()
    {
        using var scope = host.App.Services.CreateScope();
        var options = Options.Create(new DemoDataOptions { Path = Repo("demo/risks.json"), UsersPath = Repo("demo/users.json") });
        var loader = ActivatorUtilities.CreateInstance<DemoDataLoader>(scope.ServiceProvider, options);
        Assert.Equal(6, await loader.LoadAsync(CancellationToken.None));
        Assert.Equal(0, await loader.LoadAsync(CancellationToken.None));

        using var board = host.App.Client(TestUser.Board());
        var risks = (await board.GetFromJsonAsync<JsonArray>(RiskHost.Risks))!.ToDictionary(r => (string)r!["title"]!);
        Assert.Equal("E2", (string?)risks["Decreased agency buy-in"]!["current"]!["rating"]);
        Assert.Equal("improving", (string?)risks["Decreased agency buy-in"]!["directionOfTravel"]);
        Assert.Equal("E2", (string?)risks["A wide range of CSP objectives"]!["current"]!["rating"]);
        Assert.Equal("D3", (string?)risks["Legislation"]!["current"]!["rating"]);
        Assert.Equal("worsening", (string?)risks["Legislation"]!["directionOfTravel"]);
        Assert.True((bool)risks["Legislation"]!["reviewOverdue"]!);
        Assert.Equal("D3", (string?)risks["Police and Crime Commissioner plans"]!["current"]!["rating"]);
        Assert.Equal("medway-task-force", (string?)risks["Competing demands on agency staff within the Task Force"]!["register"]);
        Assert.Equal("D3", (string?)risks["Too many objectives across a wide geographical area"]!["current"]!["rating"]);
        Assert.All(risks.Values, r => Assert.Equal("medway-council", (string?)r!["owningAgencyId"]));
    }
}
