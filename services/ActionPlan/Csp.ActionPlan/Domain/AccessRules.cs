using Csp.BuildingBlocks.Auth;

namespace Csp.ActionPlan.Domain;

/// <summary>
/// Who may do what in the action plan. Everyone who belongs to a partnership reads its plan (the partnership group of
/// the API checks that, <see cref="Caller.BelongsTo"/>); the manager runs it; a partner updates only the actions their own
/// agency leads. Admins may do anything.
/// </summary>
public static class AccessRules
{
    public static bool CanManage(Caller caller, string partnershipId) => caller.Has(Roles.Manager, partnershipId);

    /// <summary>A partner of the lead agency (in a partnership they belong to), or the partnership's manager.</summary>
    public static bool CanUpdate(Caller caller, PlanAction action) =>
        CanManage(caller, action.PartnershipId)
        || (caller.Has(Roles.Partner, action.PartnershipId) && caller.Agency is { } agency && agency == action.LeadAgencyId);

    /// <summary>Cancelling an action changes the plan, so it is the manager's call, not the lead partner's.</summary>
    public static bool CanSetStatus(Caller caller, PlanAction action, ActionStatus status) =>
        status != ActionStatus.Cancelled || CanManage(caller, action.PartnershipId);

    public static bool CanAdminister(Caller caller) => caller.IsAdmin;
}
