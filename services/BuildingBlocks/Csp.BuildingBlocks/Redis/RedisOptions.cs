using System.ComponentModel.DataAnnotations;

namespace Csp.BuildingBlocks.Redis;

/// <summary>Configuration section <c>Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration string, e.g. <c>localhost:6380</c>.</summary>
    [Required] public string Configuration { get; set; } = "localhost:6380";

    /// <summary>Logical database; tests give each test class its own.</summary>
    [Range(0, 255)] public int Database { get; set; }
}
