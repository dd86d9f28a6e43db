using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

/// <summary>Small builders of definitions for the domain tests.</summary>
public static class Kpis
{
    public static KpiSpec Spec(Unit unit = Unit.Count, Polarity polarity = Polarity.LowerIsBetter, Frequency frequency = Frequency.Quarterly,
        Target? target = null, Tolerance? tolerance = null, bool activity = false, int lagDays = 60) =>
        new("A KPI", "How it is counted", "asb", "kent-police", "Kent Police", lagDays, unit, unit == Unit.RatePer1000 ? "ONS mid-year estimate" : null,
            polarity, frequency, null, activity ? null : target ?? Target.Fixed(20m), tolerance, activity, false);

    public static KpiDefinition Definition(KpiSpec spec) => KpiDefinition.Create("medway", "a-kpi", spec, "mgr.medway", DateTimeOffset.UnixEpoch);

    public static KpiDefinition Definition(Unit unit = Unit.Count, Polarity polarity = Polarity.LowerIsBetter, Target? target = null, Tolerance? tolerance = null,
        bool activity = false) => Definition(Spec(unit, polarity, target: target, tolerance: tolerance, activity: activity));
}
