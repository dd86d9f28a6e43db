using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Csp.BuildingBlocks.Http;

/// <summary>
/// How a service finds a partnership it knows, as its own type (the action plan owns partnerships; other services keep
/// a copy from <c>partnership.changed</c>). The one thing a service supplies for <see cref="PartnershipAccess"/>.
/// </summary>
public interface IPartnershipLookup<TPartnership> where TPartnership : class
{
    Task<TPartnership?> FindAsync(string partnershipId);
}

/// <summary>
/// The caller acting in a partnership they belong to, and that partnership as this service knows it: what every
/// partnership-scoped command starts from. Endpoints in a <see cref="PartnershipAccess.MapPartnershipGroup{T}"/> group
/// bind it as a parameter (the group's filter has already checked it); scans, event handlers and demo loaders make one
/// with <see cref="Caller.System"/>.
/// </summary>
public sealed class Member<TPartnership> where TPartnership : class
{
    private static readonly object ItemKey = new();
    private readonly HttpContext? _request;
    private Resolved? _resolved;

    public Member(Caller caller, string partnershipId, TPartnership partnership) => _resolved = new Resolved(caller, partnershipId, partnership);

    private Member(HttpContext request) => _request = request;

    public Caller Caller => Value.Caller;
    public string PartnershipId => Value.PartnershipId;
    public TPartnership Partnership => Value.Partnership;

    /// <summary>Minimal-API binding. Parameters bind before endpoint filters run, so the value is read when first used,
    /// by which time the group's filter has resolved it.</summary>
    public static ValueTask<Member<TPartnership>?> BindAsync(HttpContext context) => ValueTask.FromResult<Member<TPartnership>?>(new Member<TPartnership>(context));

    internal static void Resolve(HttpContext context, Caller caller, string partnershipId, TPartnership partnership) =>
        context.Items[ItemKey] = new Resolved(caller, partnershipId, partnership);

    internal static bool IsResolved(HttpContext context) => context.Items.ContainsKey(ItemKey);

    private Resolved Value => _resolved ??= _request?.Items[ItemKey] as Resolved
        ?? throw new InvalidOperationException($"{nameof(Member<TPartnership>)} is bound only in endpoints mapped under MapPartnershipGroup.");

    private sealed record Resolved(Caller Caller, string PartnershipId, TPartnership Partnership);
}

/// <summary>
/// "The partnership exists and the caller belongs to it", written once: a route-group filter over
/// <c>/api/partnerships/{partnershipId}/...</c> that reads the partnership once per request through the service's
/// <see cref="IPartnershipLookup{TPartnership}"/>. An unknown or malformed id is 404, a caller from elsewhere 403, and
/// the handler never runs. Every endpoint in the group also declares those problems (and 401, 503) and the
/// <c>partnershipId</c> path parameter in OpenAPI (the endpoints bind a <see cref="Member{T}"/>, not the id itself).
/// The check also comes first when the body does not bind (see <see cref="BadBodyProblems"/>): a caller learns nothing
/// about a partnership they do not belong to from the shape of their body.
/// </summary>
public static class PartnershipAccess
{
    public const string RouteParameter = "partnershipId";

    /// <param name="resource">The path under the partnership, e.g. <c>actions</c>; empty for the partnership itself.</param>
    public static RouteGroupBuilder MapPartnershipGroup<TPartnership>(this IEndpointRouteBuilder app, string resource, string tag)
        where TPartnership : class
    {
        var prefix = "/api/partnerships/{" + RouteParameter + "}" + (string.IsNullOrEmpty(resource) ? "" : "/" + resource);
        var group = app.MapGroup(prefix).RequireAuthorization().WithTags(tag).WithMetadata(new Check(DenyAsync<TPartnership>));
        group.AddEndpointFilter(async (context, next) =>
            await DenyAsync<TPartnership>(context.HttpContext, context.HttpContext.Request.RouteValues[RouteParameter] as string) ?? await next(context));
        group.ProducesStandardProblems();
        group.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => p.Name == RouteParameter && p.In == ParameterLocation.Path))
                operation.Parameters.Insert(0, new OpenApiParameter
                {
                    Name = RouteParameter,
                    In = ParameterLocation.Path,
                    Required = true,
                    Description = "The partnership's id, a lower-case slug such as medway.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            return Task.CompletedTask;
        });
        return group;
    }

    /// <summary>The refusal for this request (404 unknown partnership, 403 not a member), or null after resolving the
    /// <see cref="Member{TPartnership}"/>. Runs once per request: a second call finds it resolved.</summary>
    private static async Task<IResult?> DenyAsync<TPartnership>(HttpContext http, string? partnershipId) where TPartnership : class
    {
        if (Member<TPartnership>.IsResolved(http)) return null;
        var (member, refusal) = await ResolveAsync(http.RequestServices.GetRequiredService<IPartnershipLookup<TPartnership>>(), Caller.From(http.User), partnershipId);
        if (member is null) return refusal;
        Member<TPartnership>.Resolve(http, member.Caller, member.PartnershipId, member.Partnership);
        return null;
    }

    /// <summary>"The partnership exists and the caller belongs to it" for one id: the member, or the refusal the group
    /// answers (404 unknown or malformed, 403 a caller from elsewhere). The group's filter and
    /// <see cref="PartnershipBatch"/> (each item of a batch read) both decide with it.</summary>
    public static async Task<(Member<TPartnership>? Member, IResult? Refusal)> ResolveAsync<TPartnership>(IPartnershipLookup<TPartnership> lookup, Caller caller,
        string? partnershipId) where TPartnership : class
    {
        var id = partnershipId ?? "";
        var partnership = Slug.IsValid(id) ? await lookup.FindAsync(id) : null;
        if (partnership is null) return (null, Problems.NotFound($"Partnership '{(id.Length > 64 ? id[..64] : id)}'"));
        if (!caller.BelongsTo(id)) return (null, Problems.Forbidden("You do not belong to this partnership."));
        return (new Member<TPartnership>(caller, id, partnership), null);
    }

    /// <summary>Endpoint metadata: the group's check, for <see cref="BadBodyProblems"/> to run before it reports a body error.</summary>
    internal sealed record Check(Func<HttpContext, string?, Task<IResult?>> DenyAsync);
}
