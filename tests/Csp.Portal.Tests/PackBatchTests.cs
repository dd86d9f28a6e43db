using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Csp.Portal.Tests;

/// <summary>Every partnership's packs are read with the services' batch reads (four calls per 50 partnerships) and composed
/// by the same function as one partnership's pack: a pack made in bulk is the pack its own button makes.</summary>
[Collection(PortalPlatform.Collection)]
public sealed class PackBatchTests(PortalPlatform platform)
{
    private const string Quarter = "2022-Q3";

    [Fact]
    public async Task A_pack_made_for_every_partnership_holds_the_same_figures_as_the_one_its_own_button_makes()
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = platform.GatewayAddress };
        var signIn = await FormTokenAsync(http, "/sign-in");
        using (var signedIn = await http.PostAsync("/sign-in", Form(signIn, ("user", "alex.morgan"), ("returnUrl", "/"))))   // *:admin
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // Its own button: eight calls for Medway.
        var token = await FormTokenAsync(http, "/partnerships/medway/packs");
        using (var one = await http.PostAsync("/partnerships/medway/packs", Form(token, ("Quarter", Quarter))))
            Assert.Equal(HttpStatusCode.Redirect, one.StatusCode);
        var own = JsonNode.Parse((string)(await platform.Redis.StringGetAsync($"portal:{{medway}}:pack:{Quarter}"))!)!;

        // Forget it, then make every partnership's pack: Medway's comes from the batches.
        await platform.Redis.KeyDeleteAsync($"portal:{{medway}}:pack:{Quarter}");
        await platform.Redis.HashDeleteAsync($"portal:{{medway}}:packs", Quarter);
        var allToken = await FormTokenAsync(http, "/partnerships/packs");
        using (var all = await http.PostAsync("/partnerships/packs", Form(allToken, ("Quarter", Quarter))))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            Assert.Matches(@"\d+ packs? made for " + Quarter, await all.Content.ReadAsStringAsync());
        }
        var bulk = JsonNode.Parse((string)(await platform.Redis.StringGetAsync($"portal:{{medway}}:pack:{Quarter}"))!)!;

        Assert.True(JsonNode.DeepEquals(own["figures"], bulk["figures"]),
            $"made by its own button:\n{own["figures"]!.ToJsonString()}\nmade in bulk:\n{bulk["figures"]!.ToJsonString()}");
        Assert.NotEmpty(bulk["figures"]!["scorecard"]!.AsArray());
        Assert.NotEmpty(bulk["figures"]!["actionRag"]!.AsArray());
        Assert.NotEmpty(bulk["figures"]!["heatMap"]!["cells"]!.AsArray());
        Assert.True(bulk["figures"]!["funding"]!["allocations"]!.AsArray().Count > 0);
        Assert.Equal(Quarter, (string)bulk["figures"]!["kpiPeriod"]!);
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__csrf", token)));

    private static async Task<string> FormTokenAsync(HttpClient http, string path)
    {
        var html = await http.GetStringAsync(path);
        return Regex.Match(html, "name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__csrf\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException($"No antiforgery token on {path}");
    }
}
