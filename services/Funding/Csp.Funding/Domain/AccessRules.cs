using Csp.BuildingBlocks.Auth;

namespace Csp.Funding.Domain;

/// <summary>
/// Who may do what with funding (docs/security.md, "Funding").
/// <list type="bullet">
/// <item>The funder's finance officer: a <c>finance</c> role in the partnership (normally <c>*:finance</c>) <i>and</i> a
/// <c>csp_funder</c> claim naming the allocation's funder. Runs programmes, proposes and confirms allocations, approves
/// projects, releases tranches, accepts returns, approves variations, closes the year. A finance officer of another funder
/// reads, but acts on nothing.</item>
/// <item>The partnership's manager (<c>{p}:manager</c>): submits projects, records spend, submits returns, requests variations.</item>
/// <item>The partnership's finance contact (<c>{p}:finance</c>, held in that partnership itself, not everywhere): records
/// spend and signs off returns.</item>
/// <item>The board (<c>{p}:board</c>), the manager and finance read everything of the partnership; partners read only the
/// projects their agency leads. The public reads only the 360Giving export.</item>
/// </list>
/// Admins may do anything.
/// </summary>
public static class AccessRules
{
    public static bool IsFunderFinance(Caller caller, string funderId, string partnershipId) =>
        caller.IsAdmin || (caller.ActsFor(funderId) && caller.Has(Roles.Finance, partnershipId));

    /// <summary>Acts for the funder (programme set-up, the cross-partnership view): a funder claim and a finance role.</summary>
    public static bool ActsForFunder(Caller caller, string funderId) =>
        caller.IsAdmin || (caller.ActsFor(funderId) && caller.Grants.Any(g => g.Role == Roles.Finance));

    public static bool IsManager(Caller caller, string partnershipId) => caller.Has(Roles.Manager, partnershipId);

    /// <summary>The partnership's own finance contact: <c>{p}:finance</c> held in the partnership itself (<c>*:finance</c>, the
    /// funder's finance officers, is not the recipient's finance contact).</summary>
    public static bool IsFinanceContact(Caller caller, string partnershipId) =>
        caller.IsAdmin || caller.Grants.Contains(new PartnershipRole(partnershipId, Roles.Finance));

    public static bool CanRecordSpend(Caller caller, string partnershipId) => IsManager(caller, partnershipId) || IsFinanceContact(caller, partnershipId);

    /// <summary>Reads the allocation and all its projects: manager, finance (the partnership's or a funder's), board.</summary>
    public static bool CanReadAll(Caller caller, string partnershipId) =>
        caller.Has(Roles.Manager, partnershipId) || caller.Has(Roles.Finance, partnershipId) || caller.Has(Roles.Board, partnershipId);

    /// <summary>A project: those who read everything, and partners of its lead agency.</summary>
    public static bool CanReadProject(Caller caller, string partnershipId, Project project) =>
        CanReadAll(caller, partnershipId) || (caller.Has(Roles.Partner, partnershipId) && caller.Agency is { } agency && agency == project.LeadAgencyId);

    /// <summary>Reads a funder's programmes and cross-partnership view: any finance officer (<c>*:finance</c>) or one acting for it.</summary>
    public static bool CanReadFunder(Caller caller, string funderId) =>
        ActsForFunder(caller, funderId) || caller.Grants.Contains(new PartnershipRole(PartnershipRole.Everywhere, Roles.Finance));
}
