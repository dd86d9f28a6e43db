using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Csp.Funding.Domain.OpenData;

/// <summary>
/// Confirmed grants as open data: a 360Giving Data Standard 1.4.3 package (JSON) and the same grants flattened to
/// one CSV row each, with the column titles of 360Giving's spreadsheet template. The mapping, field by field, is in
/// docs/360giving.md.
/// </summary>
public static partial class ThreeSixtyGiving
{
    /// <summary>The schema version the package declares (<c>major.minor</c>, as the package schema requires).</summary>
    public const string SchemaVersion = "1.4";

    public const string Currency = "GBP";

    /// <summary>360Giving asks for titles under 140 characters.</summary>
    public const int MaxTitleLength = 140;

    /// <summary>
    /// A 360Giving package of <paramref name="grants"/>, published by their funder.
    /// </summary>
    /// <param name="publisherPrefix">The publisher's registered 360Giving prefix, with or without its leading
    /// <c>360G-</c> (<c>kentpcc</c> and <c>360G-kentpcc</c> both give grant ids <c>360G-kentpcc-{AllocationId}</c>).</param>
    /// <param name="issued">When the package was produced; written in UK civil time with its offset.</param>
    /// <remarks>
    /// 360Giving requires at least one grant in a package: with none this returns a package whose <c>grants</c> is
    /// empty, which is not valid 360Giving, so an endpoint should answer "nothing published for that year" instead
    /// (see <see cref="HasGrants"/>).
    /// </remarks>
    public static JsonObject Package(string publisherPrefix, IReadOnlyList<GrantForExport> grants, DateTimeOffset issued) =>
        Package(publisherPrefix, grants, issued, new PackageMetadata());

    public static JsonObject Package(string publisherPrefix, IReadOnlyList<GrantForExport> grants, DateTimeOffset issued, PackageMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(metadata);
        var prefix = GrantIdPrefix(publisherPrefix);
        var rows = Flatten(prefix, grants);
        var years = grants.Select(g => g.FinancialYear).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var yearsText = years.Count == 0 ? "no year" : string.Join(", ", years);
        var funder = grants.Count == 0 ? null : grants[0];

        var package = new JsonObject
        {
            ["version"] = SchemaVersion,
            ["identifier"] = years.Count == 0 ? prefix : $"{prefix}-{string.Join("_", years.Select(SafeIdPart))}",
            ["title"] = funder is null
                ? "Grants to community safety partnerships"
                : $"{funder.FunderName}: grants to community safety partnerships, {yearsText}",
            ["description"] = funder is null
                ? "No confirmed grants."
                : $"Confirmed grants from {funder.FunderName} to community safety partnerships for {yearsText}, "
                  + "published to the 360Giving Data Standard 1.4.3. Amounts are in pounds sterling.",
            ["issued"] = UkDateTime(issued),
        };
        if (funder is not null)
        {
            var publisher = new JsonObject { ["name"] = funder.FunderName };
            if (!string.IsNullOrWhiteSpace(funder.FunderOrgId)) publisher["identifier"] = funder.FunderOrgId;
            if (metadata.PublisherWebsite is not null) publisher["website"] = metadata.PublisherWebsite.AbsoluteUri;
            package["publisher"] = publisher;
        }
        if (metadata.License is not null) package["license"] = metadata.License.AbsoluteUri;
        package["grants"] = new JsonArray(rows.Select(GrantJson).ToArray<JsonNode?>());
        return package;
    }

    /// <summary>Whether a package of these grants can be valid 360Giving (the standard needs at least one grant).</summary>
    public static bool HasGrants(IReadOnlyList<GrantForExport> grants) => grants.Count > 0;

    /// <summary>
    /// The grants as CSV for spreadsheets, identified by their internal allocation ids (this overload has no
    /// publisher prefix); <see cref="Csv(string, IReadOnlyList{GrantForExport})"/> gives the package's <c>360G-</c> ids.
    /// </summary>
    public static string Csv(IReadOnlyList<GrantForExport> grants) => Csv(Flatten(prefix: null, grants));

    /// <summary>The grants as CSV, with the same identifiers as <see cref="Package(string, IReadOnlyList{GrantForExport}, DateTimeOffset)"/>.</summary>
    public static string Csv(string publisherPrefix, IReadOnlyList<GrantForExport> grants) =>
        Csv(Flatten(GrantIdPrefix(publisherPrefix), grants));

    /// <summary>The CSV's header, in order: 360Giving's spreadsheet column titles ("Object:Field" for nested fields).</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
    [
        "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Amount Disbursed", "Award Date",
        "Planned Dates:Start Date", "Planned Dates:End Date", "Planned Dates:Duration (months)",
        "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
        "Beneficiary Location:Name", "Beneficiary Location:Country Code", "Beneficiary Location:Geographic Code",
        "Beneficiary Location:Geographic Code Type", "Grant Programme:Code", "Grant Programme:Title",
    ];

    /// <summary>Pounds from pence, exactly: decimal arithmetic, never floating point (1p is 0.01, not 0.0099999).</summary>
    public static decimal Pounds(long pence) => pence / 100m; // decimal division keeps the least scale: 39661, 26440.67, 0.01

    /// <summary>
    /// The grant-id prefix from the publisher's registered prefix: <c>360G-</c> once, then the prefix. Registered
    /// prefixes already start with <c>360G-</c>; callers may pass either form.
    /// </summary>
    public static string GrantIdPrefix(string publisherPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publisherPrefix);
        var own = publisherPrefix.Trim();
        if (own.StartsWith("360G-", StringComparison.OrdinalIgnoreCase)) own = own[5..];
        if (!PrefixPattern().IsMatch(own))
            throw new ArgumentException($"'{publisherPrefix}' is not a 360Giving prefix: letters, digits, '-' and '_' only", nameof(publisherPrefix));
        return "360G-" + own;
    }

    private sealed record Transaction(string Id, DateOnly Date, decimal Value);

    private sealed record Location(string Name, string GeoCode, string GeoCodeType);

    /// <summary>One grant in 360Giving's terms, shared by the JSON and the CSV so the two cannot disagree.</summary>
    private sealed record Row(
        string Id, string Title, string Description, decimal AmountAwarded, decimal AmountDisbursed, DateOnly AwardDate,
        DateOnly Start, DateOnly End, int? DurationMonths, string RecipientId, string RecipientName,
        string FunderId, string FunderName, Location? Location, string ProgrammeCode, string ProgrammeTitle,
        IReadOnlyList<Transaction> Transactions);

    private static List<Row> Flatten(string? prefix, IReadOnlyList<GrantForExport> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var duplicate = grants.GroupBy(g => g.AllocationId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Allocation '{duplicate.Key}' appears more than once: grant ids must be unique", nameof(grants));
        var rows = grants.Select(g => ToRow(prefix, g)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var clash = rows.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException($"Two allocations map to the grant id '{clash.Key}' once unsafe characters are replaced", nameof(grants));
        return rows;
    }

    private static Row ToRow(string? prefix, GrantForExport g)
    {
        // Without a prefix (the spreadsheet-only CSV) the internal reference stands alone.
        string Local(string internalId) => prefix is null ? internalId : $"{prefix}-{SafeIdPart(internalId)}";
        var id = Local(g.AllocationId);
        var releases = g.Releases ?? [];
        var transactions = releases
            .OrderBy(r => r.ReleasedOn).ThenBy(r => r.TrancheId, StringComparer.Ordinal)
            .Select(r => new Transaction($"{id}-{SafeIdPart(r.TrancheId)}", r.ReleasedOn, Pounds(r.AmountPence)))
            .ToList();
        // Summed in decimal pence: no overflow however many tranches, then converted once.
        var disbursedPence = releases.Aggregate(0m, (sum, r) => sum + r.AmountPence);

        return new Row(
            id,
            Title(g),
            Description(g),
            Pounds(g.AmountAwardedPence),
            disbursedPence / 100m,
            g.AwardDate,
            g.PlannedStart,
            g.PlannedEnd,
            WholeMonths(g.PlannedStart, g.PlannedEnd),
            Present(g.RecipientOrgId) ?? (prefix is null ? "" : Local($"CSP-{g.PartnershipId}")),
            g.PartnershipName,
            Present(g.FunderOrgId) ?? (prefix is null ? "" : Local($"FUNDER-{g.FunderId}")),
            g.FunderName,
            AreaOf(g),
            g.ProgrammeId,
            g.ProgrammeTitle,
            transactions);
    }

    private static JsonObject GrantJson(Row r)
    {
        var grant = new JsonObject
        {
            ["id"] = r.Id,
            ["title"] = r.Title,
            ["description"] = r.Description,
            ["currency"] = Currency,
            ["amountAwarded"] = r.AmountAwarded,
            ["amountDisbursed"] = r.AmountDisbursed,
            ["awardDate"] = IsoDate(r.AwardDate),
            ["plannedDates"] = new JsonArray(PlannedDates(r)),
            ["recipientOrganization"] = new JsonArray(new JsonObject { ["id"] = r.RecipientId, ["name"] = r.RecipientName }),
            ["fundingOrganization"] = new JsonArray(new JsonObject { ["id"] = r.FunderId, ["name"] = r.FunderName }),
        };
        if (r.Location is { } area)
            grant["beneficiaryLocation"] = new JsonArray(new JsonObject
            {
                ["name"] = area.Name,
                ["countryCode"] = "GB",
                ["geoCode"] = area.GeoCode,
                ["geoCodeType"] = area.GeoCodeType,
            });
        grant["grantProgramme"] = new JsonArray(new JsonObject { ["code"] = r.ProgrammeCode, ["title"] = r.ProgrammeTitle });
        if (r.Transactions.Count > 0)
            grant["disbursementTransaction"] = new JsonArray(r.Transactions.Select(t => (JsonNode?)new JsonObject
            {
                ["id"] = t.Id,
                ["transactionDate"] = IsoDate(t.Date),
                ["currency"] = Currency,
                ["value"] = t.Value,
                ["provider"] = r.FunderId,
                ["recipient"] = r.RecipientId,
            }).ToArray());
        return grant;
    }

    private static JsonObject PlannedDates(Row r)
    {
        var planned = new JsonObject { ["startDate"] = IsoDate(r.Start), ["endDate"] = IsoDate(r.End) };
        if (r.DurationMonths is { } months) planned["duration"] = months;
        return planned;
    }

    private static string Title(GrantForExport g)
    {
        var title = $"{g.ProgrammeTitle} {g.FinancialYear}: {g.PartnershipName}";
        if (title.Length <= MaxTitleLength) return title;
        var cut = MaxTitleLength - 1;
        if (char.IsHighSurrogate(title[cut - 1])) cut--; // never split a surrogate pair
        return title[..cut] + "…";
    }

    private static string Description(GrantForExport g)
    {
        var text = new StringBuilder($"{g.ProgrammeTitle} {g.FinancialYear}: grant from {g.FunderName} to {g.PartnershipName}.");
        if (Present(g.Purpose) is { } purpose) text.Append(" Purpose: ").Append(purpose.TrimEnd('.')).Append('.');
        text.Append(" Confirmed on ").Append(g.AwardDate.ToString("d MMMM yyyy", CultureInfo.InvariantCulture));
        if (Present(g.ConfirmationReference) is { } reference) text.Append(" (reference ").Append(reference).Append(')');
        return text.Append('.').ToString();
    }

    /// <summary>
    /// The partnership's area, when its ONS code names a community safety partnership: E22 in England (360Giving
    /// code type <c>CSP</c>), W14 in Wales (<c>CDRP</c>), as in 360Giving's geoCodeType codelist. Any other code is
    /// left out rather than published with a guessed type.
    /// </summary>
    private static Location? AreaOf(GrantForExport g)
    {
        var code = g.OnsCode?.Trim();
        if (code is null || !OnsCspPattern().IsMatch(code)) return null;
        return new Location(g.PartnershipName, code, code.StartsWith("E22", StringComparison.Ordinal) ? "CSP" : "CDRP");
    }

    /// <summary>
    /// The planned duration in whole months, when start to end is exactly that (1 April to 31 March is 12); null
    /// otherwise, as start and end dates already say it and a rounded figure would mislead.
    /// </summary>
    private static int? WholeMonths(DateOnly start, DateOnly end)
    {
        if (end < start) return null;
        var after = end.AddDays(1);
        var months = (after.Year - start.Year) * 12 + after.Month - start.Month;
        return months > 0 && start.AddMonths(months) == after ? months : null;
    }

    private static string? Present(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>
    /// An internal id made safe to follow a 360Giving prefix: 360Giving recommends replacing spaces and special
    /// characters (slashes above all) with underscores.
    /// </summary>
    private static string SafeIdPart(string internalId) => UnsafeIdCharacters().Replace(internalId.Trim(), "_");

    private static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static readonly TimeZoneInfo UkZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>RFC 3339 date-time in UK civil time (GMT or BST), whole seconds.</summary>
    private static string UkDateTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, UkZone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Csv(List<Row> rows)
    {
        var csv = new StringBuilder();
        AppendRecord(csv, CsvColumns.Select(c => Cell(c)));
        foreach (var r in rows)
            AppendRecord(csv,
            [
                Cell(r.Id), Cell(r.Title), Cell(r.Description), Cell(Currency),
                Amount(r.AmountAwarded), Amount(r.AmountDisbursed), IsoDate(r.AwardDate),
                IsoDate(r.Start), IsoDate(r.End), r.DurationMonths?.ToString(CultureInfo.InvariantCulture) ?? "",
                Cell(r.RecipientId), Cell(r.RecipientName), Cell(r.FunderId), Cell(r.FunderName),
                Cell(r.Location?.Name), r.Location is null ? "" : "GB", Cell(r.Location?.GeoCode), Cell(r.Location?.GeoCodeType),
                Cell(r.ProgrammeCode), Cell(r.ProgrammeTitle),
            ]);
        return csv.ToString();
    }

    private static string Amount(decimal pounds) => pounds.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// A text cell, guarded against formula injection: a spreadsheet treats a cell starting with = + - @ (or a tab or
    /// carriage return) as a formula, so such text gets a leading apostrophe (OWASP's advice). Only text passes
    /// here: amounts and dates are written by us and never start with those characters except a minus sign.
    /// </summary>
    private static string Cell(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        return text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
    }

    /// <summary>One RFC 4180 record: fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF ends it.</summary>
    private static void AppendRecord(StringBuilder csv, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first) csv.Append(',');
            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0) csv.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
            else csv.Append(field);
        }
        csv.Append("\r\n");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")] private static partial Regex PrefixPattern();
    [GeneratedRegex("[^A-Za-z0-9_-]")] private static partial Regex UnsafeIdCharacters();
    [GeneratedRegex("^(E22|W14)[0-9]{6}$")] private static partial Regex OnsCspPattern();
}
