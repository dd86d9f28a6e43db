using System.Globalization;
using System.Net;
using System.Text;
using Csp.BuildingBlocks.Time;
using Csp.Portal.Api;
using Microsoft.AspNetCore.Html;

namespace Csp.Portal.Pages.Partnerships.Board;

/// <summary>How KPI figures, RAG, trends, periods and money read on the board dashboard, the governance pack and the public
/// page. RAG and trends are always words (the colour and the arrow only repeat them).</summary>
public static class KpiDisplay
{
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    public static string Rag(string rag) => rag switch
    {
        "green" => "Green", "amber" => "Amber", "red" => "Red", _ => "No RAG",
    };

    public static string RagClass(string rag) => rag switch
    {
        "green" => "govuk-tag--green", "amber" => "govuk-tag--orange", "red" => "govuk-tag--red", _ => "govuk-tag--grey",
    };

    /// <summary>The RAG in a resident's words.</summary>
    public static string PublicRag(string rag) => rag switch
    {
        "green" => "On target", "amber" => "Close to target", "red" => "Not on target", _ => "No target set",
    };

    /// <summary>The reason without its leading "green: " (the tag beside it says the RAG), starting with a capital.</summary>
    public static string Reason(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        var text = colon is > 0 and < 8 && reason[..colon] is "green" or "amber" or "red" or "no RAG" ? reason[(colon + 2)..] : reason;
        return Capitalise(text);
    }

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    public static string Arrow(string direction) => direction switch { "up" => "↑", "down" => "↓", _ => "→" };

    public static string Verdict(string verdict) => verdict switch
    {
        "improving" => "Improving", "worsening" => "Worsening", "no-significant-change" => "No significant change", "changed" => "Changed",
        _ => Capitalise(verdict.Replace('-', ' ')),
    };

    /// <summary>"Up 50.0% on 2022-Q4": the direction and size of the change in words.</summary>
    public static string Change(KpiTrendView trend)
    {
        var how = trend.Direction switch { "up" => "Up", "down" => "Down", _ => "No change" };
        var percent = trend.ChangePercent is { } p && trend.Direction != "same" ? " " + Math.Abs(p).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "";
        return $"{how}{percent} on {trend.ComparedWith}";
    }

    public static string TrendClass(string verdict) => verdict switch
    {
        "improving" => "csp-trend--better", "worsening" => "csp-trend--worse", _ => "csp-trend--same",
    };

    /// <summary>A figure in its unit: 1,234; 58.0%; 23.4 per 1,000; £1,234.00; 12 days.</summary>
    public static string Value(decimal? value, string unit)
    {
        if (value is not { } v) return "-";
        return unit switch
        {
            "percentage" => v.ToString("#,##0.0", Uk) + "%",
            "rate-per1000" => v.ToString("#,##0.0", Uk) + " per 1,000",
            "pounds" => "£" + v.ToString("#,##0.00", Uk),
            "days" => v.ToString("#,##0.##", Uk) + (v == 1 ? " day" : " days"),
            _ => v.ToString("#,##0.##", Uk),
        };
    }

    /// <summary>Pence as pounds with thousands separators, exactly: 2644067 → £26,440.67.</summary>
    public static string Money(long pence) => (pence < 0 ? "-£" : "£") + (Math.Abs(pence) / 100m).ToString("#,##0.00", Uk);

    public static string Money(long? pence) => pence is { } p ? Money(p) : "-";

    /// <summary>A period in plain words: 2023-Q1 → "April to June 2023"; 2023-04 → "April 2023"; 2023-24 → "April 2023 to March 2024".</summary>
    public static string PeriodInWords(string? period, string frequency)
    {
        if (string.IsNullOrEmpty(period)) return "no period yet";
        if (frequency == "quarterly" && FinancialQuarter.TryParse(period, out var q))
            return $"{q.Start.ToString("MMMM", Uk)} to {q.End.ToString("MMMM yyyy", Uk)}";
        if (frequency == "annual" && FinancialYear.TryParse(period, out var y))
            return $"{y.Start.ToString("MMMM yyyy", Uk)} to {y.End.ToString("MMMM yyyy", Uk)}";
        if (DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            return month.ToString("MMMM yyyy", Uk);
        return period;
    }

    public static string Frequency(string frequency) => frequency switch
    {
        "monthly" => "every month", "quarterly" => "every quarter", "annual" => "every year", _ => frequency,
    };

    /// <summary>A slug in words: reducing-reoffending → "Reducing reoffending" (where no title can be read).</summary>
    public static string Humanise(string slug) => Capitalise(slug.Replace('-', ' '));

    public static string Direction(string? direction) => direction switch
    {
        "improving" => "Improving", "worsening" => "Worsening", "stable" => "No change", null => "New since then", _ => direction,
    };

    /// <summary>
    /// A sparkline of the periods given (newest last) as an SVG image with an accessible name that states the first and last
    /// figures; gaps (no measurement) break the line. The figures themselves go in a table beside it ("show data").
    /// </summary>
    public static IHtmlContent Sparkline(IReadOnlyList<SparkPointView> points, string unit, string title)
    {
        const double width = 160, height = 40, pad = 4;
        var measured = points.Where(p => p.Value is not null).ToList();
        var label = measured.Count == 0
            ? $"{title}: no figures in the last {points.Count} periods"
            : $"{title}, last {points.Count} periods: from {Value(measured[0].Value, unit)} in {measured[0].Period} to {Value(measured[^1].Value, unit)} in {measured[^1].Period}";
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"csp-sparkline\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(label)}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\" focusable=\"false\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"csp-sparkline__axis\" x1=\"{pad}\" y1=\"{height - pad}\" x2=\"{width - pad}\" y2=\"{height - pad}\"/>");
        if (measured.Count > 0)
        {
            var min = (double)measured.Min(p => p.Value!.Value);
            var max = (double)measured.Max(p => p.Value!.Value);
            var span = max - min == 0 ? 1 : max - min;
            var step = points.Count > 1 ? (width - 2 * pad) / (points.Count - 1) : 0;
            (double X, double Y) At(int i) => (pad + i * step, max - min == 0 ? height / 2 : height - pad - ((double)points[i].Value!.Value - min) / span * (height - 2 * pad));
            var run = new List<string>();
            void Flush()
            {
                if (run.Count > 1) svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"csp-sparkline__line\" points=\"{string.Join(' ', run)}\"/>");
                run.Clear();
            }
            for (var i = 0; i < points.Count; i++)
            {
                if (points[i].Value is null) { Flush(); continue; }
                var (x, y) = At(i);
                run.Add(string.Create(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#}"));
            }
            Flush();
            var last = points.Select((p, i) => (p, i)).Last(t => t.p.Value is not null).i;
            var (lx, ly) = At(last);
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"csp-sparkline__point\" cx=\"{lx:0.#}\" cy=\"{ly:0.#}\" r=\"3\"/>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}

/// <summary>The model of <c>_Figures.cshtml</c>: the figures, and for a pack the base path of its CSV files (one per table).</summary>
public sealed record FiguresPartial(Csp.Portal.Packs.BoardFigures Figures, string? CsvBase);
