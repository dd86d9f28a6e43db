using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

public static class RedisExtensions
{
    /// <summary>One multiplexer per process; the service's key naming; the audit log; the aggregate writer and its idempotency keys.</summary>
    public static IHostApplicationBuilder AddCspRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().Bind(builder.Configuration.GetSection(RedisOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var redis = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            var options = ConfigurationOptions.Parse(redis.Configuration);
            options.AbortOnConnectFail = false; // start even if Redis is late; /healthz/ready reports it
            // Several endpoints (a cluster's masters) are fine: the client finds the cluster's slot map itself.
            return KeyPrefixedMultiplexer.Wrap(ConnectionMultiplexer.Connect(options), redis.KeyPrefix);
        });
        builder.Services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<ServiceIdentity>().Name));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditEntries>();
        builder.Services.AddSingleton<TopologyRefresh>();
        builder.Services.AddSingleton<AggregateWriter>();
        builder.Services.AddOptions<Http.IdempotencyOptions>().Bind(builder.Configuration.GetSection(Http.IdempotencyOptions.Section))
            .Validate(o => o.Expiry > TimeSpan.Zero, "Idempotency:Expiry must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<IdempotencyRecords>();
        return builder;
    }

    /// <summary>The service's database: the configured logical database, under the configured key prefix (both applied by
    /// the registered multiplexer, so a <c>GetDatabase</c> call anywhere gets the same view).</summary>
    public static IDatabase GetServiceDatabase(this IServiceProvider services) =>
        services.GetRequiredService<IConnectionMultiplexer>().GetDatabase(services.GetRequiredService<IOptions<RedisOptions>>().Value.Database);
}
