using Csp.BuildingBlocks.Auth;
using Microsoft.Extensions.Configuration;

namespace Csp.Gateway.Tests.Auth;

/// <summary>
/// A minimal real host using only <see cref="AuthenticationExtensions.AddCspAuthentication"/>, as a service would:
/// <c>/whoami</c> returns the <see cref="Caller"/> built from the token (its partnership roles as <c>medway:manager</c>),
/// <c>/admin-only</c> needs <c>*:admin</c>.
/// </summary>
public sealed class AuthProbeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AuthProbeHost(WebApplication app, HttpClient client) => (_app, Client) = (app, client);

    public HttpClient Client { get; }

    /// <param name="environment">The host environment; tests run as <c>Testing</c>, as every test host does.</param>
    /// <param name="logs">Where the host's log lines go, when a test reads them.</param>
    public static WebApplication Build(IDictionary<string, string?> settings, out string address, string environment = "Testing", CapturedLogs? logs = null)
    {
        var port = FreePort.Next();
        address = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.WebHost.UseUrls(address);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCspAuthentication();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext context) =>
        {
            var caller = Caller.From(context.User);
            return new CallerView(caller.Subject, caller.Name, caller.Grants.Select(g => g.ToString()).Order().ToList(), caller.Agency,
                caller.Partnerships.Order().ToList(), context.User.Identity?.Name);
        }).RequireAuthorization();
        app.MapGet("/admin-only", () => "ok").RequireAuthorization(p => p.RequireAssertion(c => Caller.From(c.User).IsAdmin));
        return app;
    }

    public static async Task<AuthProbeHost> StartAsync(IDictionary<string, string?> settings)
    {
        var app = Build(settings, out var address);
        await app.StartAsync();
        return new AuthProbeHost(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record CallerView(string Subject, string Name, List<string> Roles, string? Agency, List<string> Partnerships, string? IdentityName);
}
