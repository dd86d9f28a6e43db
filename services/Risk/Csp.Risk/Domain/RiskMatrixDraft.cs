using System.Text.RegularExpressions;
using Csp.BuildingBlocks.Validation;

namespace Csp.Risk.Domain;

/// <summary>What the manager sends to load a matrix; every field optional here so a missing one is reported by name.</summary>
public sealed partial record RiskMatrixDraft(
    string? Name = null, string? RatingFormat = null, AxisDraft? Likelihood = null, AxisDraft? Impact = null, IReadOnlyList<BandDraft>? Bands = null,
    IReadOnlyList<CellDraft>? Cells = null, ToleranceDraft? Tolerance = null)
{
    public const int MaxLevels = 10;
    public const int MaxBands = 8;


    /// <summary>
    /// The rules for a matrix: both axes have 1-10 levels with distinct short codes; the format names both axes once; every
    /// likelihood × impact cell appears exactly once with a known band and a score; ratings written in the format are
    /// unambiguous; the tolerance line names a known band and/or a score.
    /// </summary>
    public RiskMatrix? Validate(ValidationErrors errors)
    {
        var name = errors.RequiredText("name", Name, 120);
        var format = RatingFormat?.Trim();
        if (string.IsNullOrEmpty(format)) errors.Add("ratingFormat", "is required, e.g. '{likelihood}{impact}'");
        else if (format.Length > 40 || Count(format, RiskMatrix.LikelihoodPlaceholder) != 1 || Count(format, RiskMatrix.ImpactPlaceholder) != 1
                 || format.Replace(RiskMatrix.LikelihoodPlaceholder, "", StringComparison.Ordinal).Replace(RiskMatrix.ImpactPlaceholder, "", StringComparison.Ordinal).IndexOfAny(['{', '}', ' ']) >= 0)
            errors.Add("ratingFormat", "must contain {likelihood} and {impact} once each, with no other braces or spaces, e.g. '{likelihood}{impact}' or '{likelihood}x{impact}'");

        var likelihood = Axis("likelihood", Likelihood, errors);
        var impact = Axis("impact", Impact, errors);

        var bands = new List<Band>();
        var bandDrafts = Bands ?? [];
        if (bandDrafts.Count is 0 or > MaxBands) errors.Add("bands", $"between 1 and {MaxBands} bands, least severe first");
        for (var i = 0; i < Math.Min(bandDrafts.Count, MaxBands); i++)
        {
            var b = bandDrafts[i];
            if (!Slug.IsValid(b?.Id)) errors.Add($"bands[{i}].id", "must be a lower-case slug such as 'red'");
            else if (bands.Any(x => x.Id == b!.Id)) errors.Add($"bands[{i}].id", "appears twice");
            var label = errors.RequiredText($"bands[{i}].label", b?.Label, 80);
            if (Slug.IsValid(b?.Id) && label is not null) bands.Add(new Band(b!.Id!, label));
        }

        var cells = new List<MatrixCell>();
        var cellDrafts = Cells ?? [];
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < cellDrafts.Count && i < MaxLevels * MaxLevels + 1; i++)
        {
            var c = cellDrafts[i];
            var ok = true;
            if (likelihood is not null && !likelihood.Levels.Any(l => l.Code == c?.Likelihood)) { errors.Add($"cells[{i}].likelihood", "is not a likelihood code of the matrix"); ok = false; }
            if (impact is not null && !impact.Levels.Any(l => l.Code == c?.Impact)) { errors.Add($"cells[{i}].impact", "is not an impact code of the matrix"); ok = false; }
            if (!bands.Any(b => b.Id == c?.Band)) { errors.Add($"cells[{i}].band", "is not one of the matrix's bands"); ok = false; }
            if (c?.Score is null or < 0 or > 10_000) { errors.Add($"cells[{i}].score", "is required: a whole number from 0 to 10000 (higher = worse)"); ok = false; }
            if (ok && !seen.Add((c!.Likelihood!, c.Impact!))) { errors.Add($"cells[{i}]", "the same cell appears twice"); ok = false; }
            if (ok) cells.Add(new MatrixCell(c!.Likelihood!, c.Impact!, c.Band!, c.Score!.Value));
        }
        if (likelihood is not null && impact is not null && errors.IsEmpty && cells.Count != likelihood.Levels.Count * impact.Levels.Count)
            errors.Add("cells", $"every likelihood × impact cell needs a band and score: expected {likelihood.Levels.Count * impact.Levels.Count}, got {cells.Count}");

        var tolerance = Tolerance;
        if (tolerance is null || (tolerance.MaxBand is null && tolerance.MaxScore is null)) errors.Add("tolerance", "is required: maxBand and/or maxScore");
        else if (tolerance.MaxBand is not null && !bands.Any(b => b.Id == tolerance.MaxBand)) errors.Add("tolerance.maxBand", "is not one of the matrix's bands");

        if (!errors.IsEmpty) return null;
        var matrix = new RiskMatrix(name!, format!, likelihood!, impact!, bands, cells, new Tolerance(tolerance!.MaxBand, tolerance.MaxScore));
        var written = cells.Select(c => matrix.Notation(c.Likelihood, c.Impact)).ToList();
        if (written.Distinct(StringComparer.Ordinal).Count() != written.Count)
        {
            errors.Add("ratingFormat", "two cells would be written the same way: choose codes or a separator that keep ratings apart");
            return null;
        }
        return matrix;
    }

    private static MatrixAxis? Axis(string field, AxisDraft? draft, ValidationErrors errors)
    {
        if (draft is null) { errors.Add(field, "is required: a title and levels"); return null; }
        var title = errors.RequiredText($"{field}.title", draft.Title, 60);
        var levels = new List<MatrixLevel>();
        var drafts = draft.Levels ?? [];
        if (drafts.Count is 0 or > MaxLevels) errors.Add($"{field}.levels", $"between 1 and {MaxLevels} levels");
        for (var i = 0; i < Math.Min(drafts.Count, MaxLevels); i++)
        {
            var l = drafts[i];
            if (l?.Code is null || !CodePattern().IsMatch(l.Code)) errors.Add($"{field}.levels[{i}].code", "must be 1-4 letters or digits, e.g. 'A' or '1'");
            else if (levels.Any(x => x.Code == l.Code)) errors.Add($"{field}.levels[{i}].code", "appears twice");
            var label = errors.RequiredText($"{field}.levels[{i}].label", l?.Label, 60);
            if (l?.Code is not null && CodePattern().IsMatch(l.Code) && label is not null) levels.Add(new MatrixLevel(l.Code, label));
        }
        return title is null || levels.Count != drafts.Count ? null : new MatrixAxis(title, levels);
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,4}$")] private static partial Regex CodePattern();
}

public sealed record AxisDraft(string? Title = null, IReadOnlyList<LevelDraft>? Levels = null);
public sealed record LevelDraft(string? Code = null, string? Label = null);
public sealed record BandDraft(string? Id = null, string? Label = null);
public sealed record CellDraft(string? Likelihood = null, string? Impact = null, string? Band = null, int? Score = null);
public sealed record ToleranceDraft(string? MaxBand = null, int? MaxScore = null);
