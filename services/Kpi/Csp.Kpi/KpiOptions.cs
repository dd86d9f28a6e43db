namespace Csp.Kpi;

/// <summary>Configuration section <c>Kpi</c>.</summary>
public sealed class KpiOptions
{
    public const string Section = "Kpi";

    /// <summary>The action-plan service's gRPC address: the partnership copy is rebuilt from it when incomplete.</summary>
    public Uri ActionPlanGrpc { get; set; } = new("http://127.0.0.1:5102");
}
