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
