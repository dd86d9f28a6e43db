using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Auth;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.DevTokens;

/// <summary>
/// <c>GET /dev/users</c> and <c>POST|GET /dev/token</c>: tokens for seeded users on a local run. Mapped only when
/// <c>Auth:DevIssuer:Enabled</c> is true; otherwise the paths do not exist.
/// </summary>
public static class DevTokenEndpoints
{
    public static WebApplication MapDevTokenEndpoints(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (!auth.DevIssuer.Enabled) return app;

        if (string.IsNullOrWhiteSpace(auth.DevIssuer.UsersFile))
            throw new InvalidOperationException("Auth:DevIssuer:UsersFile must name the demo users file when the development issuer is enabled.");
        // Relative to the content root. The gateway's build and publish output carry no users file: a local run points
        // at demo/users.json in the repository (scripts/run-local.sh).
        var path = Path.GetFullPath(auth.DevIssuer.UsersFile, app.Environment.ContentRootPath);
        var users = DemoUsers.Load(path).ToDictionary(u => u.Id, StringComparer.Ordinal);

        app.Logger.LogWarning(
            "Development token issuer is ENABLED (issuer {Issuer}, {UserCount} demo users from {UsersFile}): anyone who can reach /dev/token can act as any demo user. Never enable it outside a local run.",
            auth.DevIssuer.Issuer, users.Count, path);

        var dev = app.MapGroup("/dev").AllowAnonymous().ExcludeFromDescription();
        dev.MapGet("/users", () => users.Values.Select(u => new DemoUserView(u.Id, u.Name, u.Roles, u.Agency, u.Partnerships, u.Description)));
        dev.MapPost("/token", (DevTokenRequest? request, DevTokenIssuer issuer) => Issue(request?.User, users, issuer));
        dev.MapGet("/token", (string? user, DevTokenIssuer issuer) => Issue(user, users, issuer));
        return app;
    }

    private static IResult Issue(string? userId, IReadOnlyDictionary<string, DemoUser> users, DevTokenIssuer issuer)
    {
        if (string.IsNullOrWhiteSpace(userId))
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["user"] = ["Name a demo user id (see GET /dev/users)."] });
        if (!users.TryGetValue(userId, out var user))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown demo user", detail: $"There is no demo user '{userId}'. See GET /dev/users.");
        return Results.Ok(new DevTokenResponse(issuer.IssueFor(user), "Bearer", (int)issuer.Lifetime.TotalSeconds));
    }

    public sealed record DevTokenRequest(string? User);

    /// <param name="Roles">Partnership roles as the token carries them (<c>medway:manager</c>, <c>*:finance</c>).</param>
    /// <param name="Partnerships">The partnerships those roles are held in (<c>*</c>: every partnership).</param>
    public sealed record DemoUserView(string Id, string Name, IReadOnlyList<string> Roles, string? Agency, IReadOnlyList<string> Partnerships, string Description);

    public sealed record DevTokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
