using Csp.BuildingBlocks.Auth;

namespace Csp.Risk.Domain;

/// <summary>
/// Who may do what in the risk register. Members of a partnership (board included) read it (checked once for every
/// endpoint by the partnership group); the manager creates, revises and closes risks, sets the matrix and reads the audit
/// trail; partners of the owning agency reassess their agency's risks and link mitigations. Admins may do anything.
/// </summary>
public static class AccessRules
{
    public static bool CanManage(Caller caller, string partnershipId) => caller.Has(Roles.Manager, partnershipId);

    /// <summary>A partner of the owning agency (in a partnership they belong to), or the partnership's manager.</summary>
    public static bool CanReassess(Caller caller, RiskEntry risk) =>
        CanManage(caller, risk.PartnershipId)
            || (caller.Has(Roles.Partner, risk.PartnershipId) && caller.Agency is { } agency && agency == risk.Details.OwningAgencyId);
}
