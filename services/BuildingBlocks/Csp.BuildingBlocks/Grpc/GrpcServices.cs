using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Grpc;

/// <summary>
/// The server side of gRPC between services, the same in every service: served on the gRPC port only (by the port the
/// connection arrived on), callable only with a service token of an allowed service, and a request's
/// <c>partnership_id</c> checked against the partnerships this service knows (<see cref="ServiceCallerInterceptor"/>).
/// </summary>
public static class GrpcServices
{
    /// <summary>gRPC with the service-caller check on every call, and the gRPC-port rule. Called by AddServiceDefaults.</summary>
    public static IServiceCollection AddCspGrpcServer(this IServiceCollection services)
    {
        services.AddGrpc(o => o.Interceptors.Add<ServiceCallerInterceptor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, GrpcPortMatcherPolicy>());
        return services;
    }

    /// <summary>Maps <typeparamref name="TService"/> on the gRPC port, with its requests' <c>partnership_id</c> looked up
    /// through the service's <see cref="IPartnershipLookup{TPartnership}"/>.</summary>
    public static GrpcServiceEndpointConventionBuilder MapCspGrpcService<TService, TPartnership>(this IEndpointRouteBuilder app)
        where TService : class where TPartnership : class
    {
        var endpoint = app.MapGrpcService<TService>();
        endpoint.RequireGrpcPort();
        endpoint.WithMetadata(new GrpcPartnershipCheck(async (services, id) => await services.GetRequiredService<IPartnershipLookup<TPartnership>>().FindAsync(id) is not null));
        return endpoint;
    }
}

/// <summary>Endpoint metadata: does this service know the partnership?</summary>
public sealed record GrpcPartnershipCheck(Func<IServiceProvider, string, Task<bool>> ExistsAsync);

/// <summary>Endpoint metadata: served only to connections that arrived on the gRPC port.</summary>
public sealed record GrpcPortOnly;

/// <summary>
/// Drops endpoints marked <see cref="GrpcPortOnly"/> from the candidates of a request whose connection did not arrive on
/// the gRPC port. It reads the connection's local port, never the <c>Host</c> header, which the client writes.
/// </summary>
internal sealed class GrpcPortMatcherPolicy(IOptions<ServicePorts> ports) : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(e => e.Metadata.GetMetadata<GrpcPortOnly>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var onGrpcPort = ports.Value.Grpc > 0 && httpContext.Connection.LocalPort == ports.Value.Grpc;
        for (var i = 0; i < candidates.Count; i++)
            if (!onGrpcPort && candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<GrpcPortOnly>() is not null)
                candidates.SetValidity(i, false);
        return Task.CompletedTask;
    }
}
