using Csp.BuildingBlocks.Auth;

namespace Csp.Kpi.Domain;

/// <summary>
/// Who may do what with KPIs. Members of a partnership (board included) read them (checked once per endpoint by the
/// partnership group); the manager defines and changes KPIs and reads the audit trail; partners of a KPI's owning agency
/// (and the manager) record and revise its measurements; derived KPIs are measured by the platform only. Admins may do
/// anything. The public reads the published scorecard without signing in.
/// </summary>
public static class AccessRules
{
    public static bool CanDefine(Caller caller, string partnershipId) => caller.Has(Roles.Manager, partnershipId);

    public static bool CanRecord(Caller caller, KpiDefinition kpi) =>
        CanDefine(caller, kpi.PartnershipId)
            || (caller.Has(Roles.Partner, kpi.PartnershipId) && caller.Agency is { } agency && agency == kpi.Spec.OwningAgencyId);
}
