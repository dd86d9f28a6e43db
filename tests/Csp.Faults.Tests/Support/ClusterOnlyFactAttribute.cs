namespace Csp.Faults.Tests.Support;

/// <summary>A case that only means something on a Redis Cluster: reported as skipped on one redis-server.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterOnlyFactAttribute : FactAttribute
{
    public ClusterOnlyFactAttribute()
    {
        if (!FaultPlatform.OnCluster) Skip = "only on a Redis Cluster (make test-faults-cluster): one server accepts any multi-key command";
    }
}

/// <summary>
/// A case that runs on one redis-server and is reported as skipped, with its reason, on a Redis Cluster
/// (<c>make test-faults-cluster</c>) until a finding is fixed; setting the environment variable
/// <c>runAnywayVariable</c> to 1 runs it there.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterSkipFactAttribute : FactAttribute
{
    public ClusterSkipFactAttribute(string reason, string runAnywayVariable)
    {
        if (FaultPlatform.OnCluster && Environment.GetEnvironmentVariable(runAnywayVariable) != "1") Skip = reason;
    }
}
