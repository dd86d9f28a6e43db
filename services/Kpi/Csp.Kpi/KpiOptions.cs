namespace Csp.Kpi;

/// <summary>Configuration section <c>Kpi</c>.</summary>
public sealed class KpiOptions
{
    public const string Section = "Kpi";

    /// <summary>The action-plan service's gRPC address: the partnership copy is rebuilt from it when incomplete.</summary>
    public Uri ActionPlanGrpc { get; set; } = new("http://127.0.0.1:5102");

    /// <summary>For the benchmark only (the "before" of tests/Csp.Benchmarks/KpiCost.cs): build every scorecard from its
    /// rows, as before each KPI's entry was kept ready to serve. Never set in a deployment.</summary>
    public bool ScorecardFromRows { get; set; }
}
