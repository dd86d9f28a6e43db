namespace Csp.Risk;

/// <summary>Configuration section <c>Risk</c>.</summary>
public sealed class RiskOptions
{
    public const string Section = "Risk";

    /// <summary>The action-plan service's gRPC address, used to check that a mitigation links to a real action.</summary>
    public Uri ActionPlanGrpc { get; set; } = new("http://127.0.0.1:5102");

    /// <summary>Deadline of one call to the action-plan service; past it the link is refused with 503.</summary>
    public TimeSpan ActionPlanDeadline { get; set; } = TimeSpan.FromSeconds(3);
}
