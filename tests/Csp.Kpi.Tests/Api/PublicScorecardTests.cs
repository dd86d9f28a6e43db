using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Api;

/// <summary>The public page: no sign-in, published KPIs only, no notes or submitters, ETag and Cache-Control.</summary>
public class PublicScorecardTests(KpiHost host) : IClassFixture<KpiHost>
{
    private const string Public = $"/public/partnerships/{KpiHost.Partnership}/scorecard";

    [Fact]
    public async Task An_unpublished_KPI_and_its_values_never_appear_and_nor_do_notes_or_submitters()
    {
        var published = await host.DefineAsync("public-asb", b => { b["published"] = true; b["title"] = "ASB incidents (public)"; });
        var secret = await host.DefineAsync("secret-kpi", b => { b["published"] = false; b["title"] = "Covert tasking hours"; });
        await host.RecordAsync(published, "2023-Q1", 987654m, new { note = "internal note: ask DS Jones", source = "Kent Police incident records" }, TestUser.Partner("kent-police"));
        await host.RecordAsync(secret, "2023-Q1", 123457m, new { note = "secret note" });

        using var anonymous = host.App.Client();
        var response = await anonymous.GetAsync(Public);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("public-asb", text);
        Assert.Contains("987654", text);
        foreach (var hidden in new[] { "secret-kpi", "Covert tasking", "123457", "123,457", "internal note", "secret note", "partner.kent-police", "Partner of kent-police", "mgr.medway", "submitted" })
            Assert.DoesNotContain(hidden, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Unpublishing_a_KPI_takes_it_off_the_page()
    {
        var code = await host.DefineAsync(change: b => b["published"] = true);
        await host.RecordAsync(code, "2023-Q1", 5m);
        using var anonymous = host.App.Client();
        Assert.Contains(code, await anonymous.GetStringAsync(Public));

        using var manager = host.App.Client(TestUser.Manager());
        var change = new HttpRequestMessage(HttpMethod.Put, $"{KpiHost.Kpis}/{code}") { Content = JsonContent.Create(KpiHost.KpiBody(code, b => b["published"] = false)) };
        change.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(change)).StatusCode);
        Assert.DoesNotContain(code, await anonymous.GetStringAsync(Public));
    }

    [Fact]
    public async Task It_carries_an_ETag_and_Cache_Control_and_answers_304_when_unchanged()
    {
        using var anonymous = host.App.Client();
        var first = await anonymous.GetAsync(Public);
        Assert.NotNull(first.Headers.ETag);
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(300), first.Headers.CacheControl.MaxAge);
        var again = new HttpRequestMessage(HttpMethod.Get, Public);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_partnership_is_404()
    {
        using var anonymous = host.App.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/public/partnerships/nowhere/scorecard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/public/partnerships/Not%20A%20Slug/scorecard")).StatusCode);
    }

    [Fact]
    public async Task Members_see_the_published_flag_on_their_own_scorecard()
    {
        var code = await host.DefineAsync(change: b => b["published"] = true);
        using var board = host.App.Client(TestUser.Board());
        var card = (await board.GetFromJsonAsync<JsonObject>($"{KpiHost.Kpis}/scorecard"))!["priorities"]!.AsArray()
            .SelectMany(p => p!["kpis"]!.AsArray()).Single(k => k!["code"]!.GetValue<string>() == code)!;
        Assert.True(card["published"]!.GetValue<bool>());
    }
}
