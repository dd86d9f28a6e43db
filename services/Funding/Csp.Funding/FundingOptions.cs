namespace Csp.Funding;

/// <summary>Configuration section <c>Funding</c>.</summary>
public sealed class FundingOptions
{
    public const string Section = "Funding";

    /// <summary>The action-plan service's gRPC address, used to check that a project links to real actions of its partnership.</summary>
    public Uri ActionPlanGrpc { get; set; } = new("http://127.0.0.1:5102");

    /// <summary>Deadline of one call to the action-plan service; past it the link is refused with 503.</summary>
    public TimeSpan ActionPlanDeadline { get; set; } = TimeSpan.FromSeconds(3);
}
