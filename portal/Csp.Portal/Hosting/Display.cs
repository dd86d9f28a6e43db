using System.Globalization;

namespace Csp.Portal.Hosting;

/// <summary>How values read on screen: UK dates, statuses in words, RAG as GOV.UK tags (colour never the only cue: the
/// tag says the word).</summary>
public static class Display
{
    private static readonly CultureInfo UkCulture = CultureInfo.GetCultureInfo("en-GB");

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", UkCulture);

    public static string Date(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Csp.BuildingBlocks.Time.UkTime.Zone).ToString("d MMMM yyyy 'at' h:mmtt", UkCulture).Replace("AM", "am").Replace("PM", "pm");

    public static readonly IReadOnlyList<(string Value, string Text)> Statuses =
    [
        ("not-started", "Not started"), ("on-track", "On track"), ("at-risk", "At risk"), ("off-track", "Off track"),
        ("completed", "Completed"), ("cancelled", "Cancelled"),
    ];

    public static string Status(string value) => Statuses.FirstOrDefault(s => s.Value == value).Text ?? value;

    public static string RagText(string rag) => rag switch
    {
        "red" => "Red", "amber" => "Amber", "green" => "Green", "blue" => "Complete", "grey" => "Grey", _ => rag,
    };

    public static string RagTagClass(string rag) => rag switch
    {
        "red" => "govuk-tag--red", "amber" => "govuk-tag--orange", "green" => "govuk-tag--green", "blue" => "govuk-tag--blue", _ => "govuk-tag--grey",
    };

    public static string BandTagClass(string band) => band switch
    {
        "red" or "high" or "very-high" => "govuk-tag--red", "amber" or "medium" => "govuk-tag--orange", "green" or "low" => "govuk-tag--green", _ => "govuk-tag--grey",
    };

    public static string Strand(string strand) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(strand);

    public static string Direction(string? direction) => direction switch
    {
        "improving" => "Improving", "worsening" => "Worsening", "stable" => "No change", null => "Not yet known", _ => direction,
    };
}
