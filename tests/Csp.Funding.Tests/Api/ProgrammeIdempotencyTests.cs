using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Api;

/// <summary>Setting up a programme is a create: a retry with the same Idempotency-Key gets the first reply, not a 409,
/// and the key is kept in the funder's partition, beside the programme, written in the programme's own transaction.</summary>
public class ProgrammeIdempotencyTests(FundingHost host) : IClassFixture<FundingHost>
{
    private static HttpRequestMessage Create(string id, string key, string title = "Prevent delivery") =>
        new(HttpMethod.Post, $"/api/funders/{FundingHost.Funder}/programmes")
        {
            Content = JsonContent.Create(new { id, title, year = "2025-26", pot = "125000.00" }),
            Headers = { { "Idempotency-Key", key } },
        };

    [Fact]
    public async Task A_retried_programme_create_gets_the_first_reply_and_another_request_under_the_key_is_422()
    {
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        var id = "prog-" + Guid.NewGuid().ToString("N")[..8];

        var first = await finance.SendAsync(Create(id, "setup-" + id));
        var retry = await finance.SendAsync(Create(id, "setup-" + id));
        var reused = await finance.SendAsync(Create(id, "setup-" + id, title: "Something else"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal($"/api/funders/{FundingHost.Funder}/programmes/{id}", retry.Headers.Location?.OriginalString);
        Assert.Equal((await first.Content.ReadFromJsonAsync<JsonObject>())!.ToJsonString(), (await retry.Content.ReadFromJsonAsync<JsonObject>())!.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        // Without the key a second create is still the conflict it was.
        Assert.Equal(HttpStatusCode.Conflict, (await finance.PostAsJsonAsync($"/api/funders/{FundingHost.Funder}/programmes",
            new { id, title = "Prevent delivery", year = "2025-26", pot = "125000.00" })).StatusCode);
    }
}
