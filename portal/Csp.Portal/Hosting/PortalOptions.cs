using System.ComponentModel.DataAnnotations;

namespace Csp.Portal.Hosting;

/// <summary>Configuration section <c>Portal</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>The gateway the portal calls the services through (its <c>/api</c>), with the signed-in user's token,
    /// so every rule the services enforce applies. Locally <c>http://127.0.0.1:8080</c>; in the cluster the gateway's
    /// service address.</summary>
    [Required] public Uri ApiBase { get; set; } = new("http://127.0.0.1:8080");

    /// <summary>Time-out of one call to the gateway.</summary>
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>An action due within this many days counts as "due soon" on My actions.</summary>
    [Range(1, 365)] public int DueSoonDays { get; set; } = 30;
}
