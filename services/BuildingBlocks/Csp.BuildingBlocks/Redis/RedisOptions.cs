using System.ComponentModel.DataAnnotations;

namespace Csp.BuildingBlocks.Redis;

/// <summary>Configuration section <c>Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration string, e.g. <c>localhost:6380</c>.</summary>
    [Required] public string Configuration { get; set; } = "localhost:6380";

    /// <summary>Logical database; tests give each test class its own. Always 0 on Redis Cluster, which has no others.</summary>
    [Range(0, 255)] public int Database { get; set; }

    /// <summary>
    /// Put before every key this process reads or writes (e.g. <c>t17:</c>), so that several test classes can share a
    /// Redis Cluster's one database. Empty in production. It must not contain <c>{</c> or <c>}</c>: the partnership's hash
    /// tag in the rest of the key must stay the first one, so a partnership's keys keep sharing a slot.
    /// </summary>
    [RegularExpression(@"^[^{}]*$", ErrorMessage = "Redis:KeyPrefix must not contain '{' or '}' (it would change the keys' hash slot).")]
    public string KeyPrefix { get; set; } = "";

    /// <summary>How a write is sent: one Lua script (the way), or the earlier MULTI/EXEC transaction (kept only so that
    /// <c>make bench</c> can print both in one run; see <see cref="RedisWrite"/>).</summary>
    public RedisWriteMode WriteMode { get; set; } = RedisWriteMode.Script;
}
