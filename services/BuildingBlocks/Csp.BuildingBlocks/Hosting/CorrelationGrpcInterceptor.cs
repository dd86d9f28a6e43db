using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>Carries the correlation id into gRPC calls a service serves (from the <c>x-correlation-id</c> metadata, or a new
/// one) and returns it in the response headers, as the HTTP middleware does.</summary>
public sealed class CorrelationGrpcInterceptor(ILogger<CorrelationGrpcInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var incoming = context.RequestHeaders.GetValue(CorrelationContext.HeaderName.ToLowerInvariant());
        using var correlation = CorrelationContext.Begin(incoming);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { [CorrelationContext.LogScopeKey] = CorrelationContext.Current });
        await context.WriteResponseHeadersAsync(new Metadata { { CorrelationContext.HeaderName.ToLowerInvariant(), CorrelationContext.Current! } });
        return await continuation(request, context);
    }
}

/// <summary>Adds the current correlation id to outgoing gRPC calls.</summary>
public sealed class CorrelationGrpcClientInterceptor : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (CorrelationContext.Current is { } id)
        {
            var headers = context.Options.Headers ?? new Metadata();
            headers.Add(CorrelationContext.HeaderName.ToLowerInvariant(), id);
            context = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }
        return continuation(request, context);
    }
}
