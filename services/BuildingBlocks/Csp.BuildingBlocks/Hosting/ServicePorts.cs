using System.ComponentModel.DataAnnotations;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// Configuration section <c>Ports</c>. REST and gRPC get separate ports: Kestrel without TLS cannot negotiate HTTP/2 on a
/// shared HTTP/1.1 port, and keeping gRPC on its own port keeps it off the gateway's routes (it is for services only).
/// </summary>
public sealed class ServicePorts
{
    public const string Section = "Ports";

    /// <summary>Address to bind: 127.0.0.1 locally and in tests, 0.0.0.0 in a pod.</summary>
    [Required] public string Address { get; set; } = "127.0.0.1";

    [Range(1, 65535)] public int Http { get; set; } = 8080;

    /// <summary>0 = the service serves no gRPC.</summary>
    [Range(0, 65535)] public int Grpc { get; set; }

    /// <summary>Largest request body accepted (413 beyond it).</summary>
    [Range(1024, 10_000_000)] public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
