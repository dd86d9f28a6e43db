using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Validation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Grpc;

/// <summary>
/// Every gRPC call this service serves: the caller is a service, with a valid service token, allowed to call this service
/// (<c>Auth:AllowedServiceCallers</c>); and a request's <c>partnership_id</c> names a partnership this service knows.
/// <list type="bullet">
/// <item>no token, or one that does not validate (signature, issuer, audience, lifetime) → <c>Unauthenticated</c>;</item>
/// <item>a valid token that is not a service token (a person's token, which carries partnership roles and no service
/// claim), or a service not on the list → <c>PermissionDenied</c>: the caller is known, and not allowed;</item>
/// <item>a malformed <c>partnership_id</c> → <c>InvalidArgument</c>; one this service does not know → <c>NotFound</c>.</item>
/// </list>
/// </summary>
public sealed class ServiceCallerInterceptor(IOptions<AuthOptions> options, ILogger<ServiceCallerInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(context, request);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync(context, request);
        await continuation(request, responseStream, context);
    }

    // Streams from the client carry many requests: the caller is checked here; a handler of such a method checks each
    // message's partnership itself (none exists today).
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync<object?>(context, null);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await CheckAsync<object?>(context, null);
        await continuation(requestStream, responseStream, context);
    }

    private async Task CheckAsync<TRequest>(ServerCallContext context, TRequest request)
    {
        var http = context.GetHttpContext();
        var auth = options.Value;
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            logger.LogWarning("gRPC {Method} refused: no valid service token", context.Method);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A service token is required: Authorization: Bearer <token from the client-credentials grant>."));
        }
        var service = user.FindFirst(auth.Claims.Service)?.Value;
        if (string.IsNullOrEmpty(service) || Caller.From(user).Grants.Count > 0)
        {
            logger.LogWarning("gRPC {Method} refused: a token that is not a service token", context.Method);
            throw new RpcException(new Status(StatusCode.PermissionDenied, "This API is for services: a person's token is not accepted."));
        }
        if (!auth.AllowedServiceCallers.Contains(service, StringComparer.Ordinal))
        {
            logger.LogWarning("gRPC {Method} refused: service {Service} is not allowed to call this service", context.Method, service);
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Service '{service}' may not call this API."));
        }

        if (request is not IMessage message || message.Descriptor.FindFieldByName("partnership_id") is not { FieldType: FieldType.String } field) return;
        var partnershipId = (string)field.Accessor.GetValue(message);
        if (!Slug.IsValid(partnershipId))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "partnership_id must be a partnership id, a lower-case slug such as medway."));
        var check = http.GetEndpoint()?.Metadata.GetMetadata<GrpcPartnershipCheck>()
            ?? throw new InvalidOperationException($"{context.Method} takes a partnership_id but was not mapped with MapCspGrpcService, which checks it.");
        if (!await check.ExistsAsync(http.RequestServices, partnershipId))
            throw new RpcException(new Status(StatusCode.NotFound, $"Partnership '{partnershipId}' is not known here."));
    }
}
