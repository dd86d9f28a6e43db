using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Domain;

/// <summary>What an admin sends to set up a partnership: a name and at least one agency, each with a unique slug id.</summary>
public sealed partial record PartnershipDraft(string? Name = null, IReadOnlyList<AgencyDraft>? Agencies = null, string? OnsCode = null, string? RecipientOrgId = null)
{
    public Partnership? Validate(string id, ValidationErrors errors)
    {
        var name = errors.RequiredText("name", Name, 200);
        var agencies = new List<Agency>();
        var drafts = Agencies ?? [];
        if (drafts.Count == 0) errors.Add("agencies", "at least one agency is required");
        for (var i = 0; i < drafts.Count; i++)
        {
            var a = drafts[i];
            if (!Slug.IsValid(a?.Id)) errors.Add($"agencies[{i}].id", "must be a lower-case slug such as 'kent-police'");
            else if (agencies.Any(x => x.Id == a!.Id)) errors.Add($"agencies[{i}].id", "appears twice");
            var agencyName = errors.RequiredText($"agencies[{i}].name", a?.Name, 200);
            if (Slug.IsValid(a?.Id) && agencyName is not null) agencies.Add(new Agency(a!.Id!, agencyName, a.ResponsibleAuthority ?? false));
        }
        if (OnsCode is not null && !OnsPattern().IsMatch(OnsCode)) errors.Add("onsCode", "must be an ONS Community Safety Partnership code: E22 and six digits, e.g. E22000001");
        if (RecipientOrgId is not null && !OrgIdPattern().IsMatch(RecipientOrgId)) errors.Add("recipientOrgId", "must be an org-id.guide identifier such as GB-LAE-MDW");
        return errors.IsEmpty ? new Partnership(id, name!, agencies) { OnsCode = OnsCode, RecipientOrgId = RecipientOrgId } : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\AE22\d{6}\z")] private static partial System.Text.RegularExpressions.Regex OnsPattern();
    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Z]{2}-[A-Z]{2,6}-[A-Za-z0-9.\-]{1,60}\z")] private static partial System.Text.RegularExpressions.Regex OrgIdPattern();

}

public sealed record AgencyDraft(string? Id = null, string? Name = null, bool? ResponsibleAuthority = null);
