using Csp.BuildingBlocks.Auth;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Grpc;

/// <summary>
/// A client of another service's gRPC API, registered once the same way in every service: it presents this service's
/// own service token (<see cref="ServiceTokenSource"/>), carries the trace context, and retries transient failures
/// (<c>Unavailable</c>) with backoff inside the deadline the caller passes on each call.
/// </summary>
public static class GrpcClients
{
    /// <summary>Attempts per call, the first included. The call's deadline bounds them all.</summary>
    public const int MaxAttempts = 4;

    /// <summary>Registers <typeparamref name="TClient"/> at the address <paramref name="address"/> gives (read from the
    /// service's options). Returns the client builder for anything more a caller needs.</summary>
    public static IHttpClientBuilder AddCspGrpcClient<TClient>(this IServiceCollection services, Func<IServiceProvider, Uri> address) where TClient : class
    {
        services.TryAddSingleton<ServiceTokenSource>();
        services.TryAddTransient<ServiceTokenHandler>();
        services.AddHttpClient(ServiceTokenSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, ServiceTokenConfigured>());
        services.AddOptions<AuthOptions>().ValidateOnStart();

        return services.AddGrpcClient<TClient>((sp, o) => o.Address = address(sp))
            .ConfigureChannel(channel => channel.ServiceConfig = new ServiceConfig { MethodConfigs = { RetryTransientFailures() } })
            .AddHttpMessageHandler<ServiceTokenHandler>();
    }

    /// <summary>Retry <c>Unavailable</c> (connection refused or reset, a pod restarting, the token endpoint down) with
    /// exponential backoff: about 0.1 s, 0.2 s, 0.4 s. Nothing else is retried: a NotFound or InvalidArgument is an
    /// answer, and a DeadlineExceeded means the caller's time is up.</summary>
    public static MethodConfig RetryTransientFailures() => new()
    {
        Names = { MethodName.Default },
        RetryPolicy = new RetryPolicy
        {
            MaxAttempts = MaxAttempts,
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(1),
            BackoffMultiplier = 2,
            RetryableStatusCodes = { StatusCode.Unavailable },
        },
    };

    /// <summary>A service with a gRPC client must be able to get a service token: refuse to start otherwise.</summary>
    private sealed class ServiceTokenConfigured : IValidateOptions<AuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
            options.ServiceToken.UsesClientCredentials || options.DevIssuer.Enabled
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("This service calls another over gRPC and needs a service token: set Auth:ServiceToken:TokenEndpoint, ClientId and ClientSecret (or enable the development issuer on a local run).");
    }
}
