namespace Csp.BuildingBlocks.Hosting;

/// <summary>Who this process is: the Redis key prefix, the CloudEvents source and the consumer-group name.</summary>
public sealed record ServiceIdentity(string Name)
{
    public string EventSource => $"/csp/{Name}";
}
