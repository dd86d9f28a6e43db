using System.Globalization;
using System.Net;
using System.Text.Json;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;

namespace Csp.Portal.Pages.Partnerships.Plan;

/// <summary>
/// The base of the manager's plan set-up pages (the plan with its priorities and areas of focus, and its actions): the
/// manager is offered them; anyone else who opens one gets the 403 page. A crafted POST is not stopped here: it goes to
/// the action plan, which refuses it, and the refusal is shown in the error summary.
/// </summary>
public abstract class PlanSetUpPage : PartnershipPage
{
    public bool IsManager => Caller.Has(Roles.Manager, PartnershipId);

    /// <summary>The GET of a set-up form: the manager only (the same words as the 403 page the services' refusals show).</summary>
    protected void RequireManager()
    {
        if (!IsManager)
            throw new ApiFailure(HttpStatusCode.Forbidden, new ApiProblem(403, "Setting up the plan is for the partnership's manager", null, ApiProblem.NoErrors, null));
    }

    /// <summary>The service's messages name other fields as the API spells them (<c>must be on or after startDate</c>); the
    /// user reads the words of the form (<c>must be on or after the start date</c>).</summary>
    protected static ApiProblem Readable(ApiProblem problem)
    {
        static string Words(string message) => message
            .Replace("startDate", "the start date", StringComparison.Ordinal).Replace("dueDate", "the due date", StringComparison.Ordinal)
            .Replace("startYear", "the start year", StringComparison.Ordinal).Replace("the action's the", "the action's", StringComparison.Ordinal);
        return problem with { Errors = problem.Errors.ToDictionary(e => e.Key, e => e.Value.Select(Words).ToArray()) };
    }

    /// <summary>A record as it was read with the form, kept in a hidden field so a 412 can say what changed since.</summary>
    protected static string Snapshot<T>(T value) => JsonSerializer.Serialize(value, GatewayApi.Json);

    protected static T? FromSnapshot<T>(string? json) where T : class
    {
        if (string.IsNullOrEmpty(json)) return null;
        try { return JsonSerializer.Deserialize<T>(json, GatewayApi.Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>A GOV.UK date input's three fields as a date: null when all are empty; an impossible date is an error against <paramref name="key"/>.</summary>
    protected DateOnly? ReadDate(DateParts parts, string key, string label)
    {
        if (parts.IsEmpty) return null;
        if (parts.TryRead(out var date)) return date;
        ModelState.AddModelError(key, $"{label} must be a real date, like 27 3 2027");
        return null;
    }
}

/// <summary>The day, month and year boxes of one GOV.UK date input, as typed.</summary>
public sealed class DateParts
{
    public string? Day { get; set; }
    public string? Month { get; set; }
    public string? Year { get; set; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Day) && string.IsNullOrWhiteSpace(Month) && string.IsNullOrWhiteSpace(Year);

    public bool TryRead(out DateOnly date)
    {
        date = default;
        if (int.TryParse(Day?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var d) && int.TryParse(Month?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(Year?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1000 and <= 9999 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
        {
            date = new DateOnly(y, m, d);
            return true;
        }
        return false;
    }

    public static DateParts Of(DateOnly? date) => date is { } d
        ? new DateParts { Day = d.Day.ToString(CultureInfo.InvariantCulture), Month = d.Month.ToString(CultureInfo.InvariantCulture), Year = d.Year.ToString(CultureInfo.InvariantCulture) }
        : new DateParts();
}

/// <summary>What a GOV.UK date input partial needs: the ModelState key (its id is <c>Fields.Id(key)</c>), the bound name
/// prefix of its three boxes, the legend, a hint, the boxes' values and the error against the key.</summary>
public sealed record DateInput(string Key, string Name, string Legend, string Hint, DateParts Value, string? Error, bool SmallLegend = true);

/// <summary>A "Remove" box of the plan set-up form: the ModelState key (also the bound name; its id is <c>Fields.Id(key)</c>),
/// the label, whether it is ticked, and the error against it (the action plan's refusal to take the row out).</summary>
public sealed record RemoveBox(string Key, string Label, bool Checked, string? Error);
