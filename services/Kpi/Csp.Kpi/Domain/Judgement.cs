namespace Csp.Kpi.Domain;

public enum Rag { Green, Amber, Red, None }

/// <summary>A RAG with its reason in words, the target it was judged against and the definition version that set it.</summary>
public sealed record Judgement(Rag Rag, string Reason, decimal? Target, int DefinitionVersion);

/// <summary>
/// RAG against target (docs/kpis.md, "RAG"): green at or better than the target; amber on the worse side within the
/// tolerance (inclusive); red beyond it (no tolerance: any shortfall is red). The direction follows polarity. A contextual
/// KPI, an activity indicator and a KPI without a target get no RAG (<see cref="Rag.None"/>): never red. With a two-sided
/// tolerance, overshooting the target by more than the tolerance is amber.
/// </summary>
public static class RagRules
{
    public static Judgement Judge(KpiDefinition kpi, Period period, decimal value)
    {
        var spec = kpi.Spec;
        var shown = UnitFormat.Format(value, spec.Unit);
        if (spec.ActivityIndicator) return None(kpi, $"no RAG: {shown}; an activity indicator is tracked without a target");
        if (spec.Polarity == Polarity.Contextual)
            return None(kpi, $"no RAG: {shown}; a contextual KPI is read from its trend and narrative, not against a target", kpi.TargetFor(period));
        if (kpi.TargetFor(period) is not { } target) return None(kpi, $"no RAG: {shown}; no target is set");

        var against = $"{shown} against a target of {UnitFormat.Format(target, spec.Unit)}";
        var shortfall = spec.Polarity == Polarity.HigherIsBetter ? target - value : value - target;
        var width = spec.Tolerance?.Width(target);
        var described = spec.Tolerance?.Describe(spec.Unit);
        if (shortfall <= 0)
        {
            if (spec.Tolerance is { BothSides: true } && -shortfall > width)
                return Judged(kpi, Rag.Amber, $"amber: {against}, {(spec.Polarity == Polarity.HigherIsBetter ? "above" : "below")} it by more than the {described}", target);
            return Judged(kpi, Rag.Green, shortfall == 0 ? $"green: {against}, on target" : $"green: {against}, better than target", target);
        }
        if (width is { } w && shortfall <= w) return Judged(kpi, Rag.Amber, $"amber: {against}, within the {described}", target);
        return Judged(kpi, Rag.Red, width is null ? $"red: {against}, worse than target (no tolerance)" : $"red: {against}, beyond the {described}", target);
    }

    private static Judgement Judged(KpiDefinition kpi, Rag rag, string reason, decimal target) => new(rag, reason, target, kpi.Version);
    private static Judgement None(KpiDefinition kpi, string reason, decimal? target = null) => new(Rag.None, reason, target, kpi.Version);
}
