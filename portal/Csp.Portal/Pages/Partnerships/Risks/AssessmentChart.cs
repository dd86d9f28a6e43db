using System.Globalization;
using Csp.Portal.Api;

namespace Csp.Portal.Pages.Partnerships.Risks;

/// <summary>
/// The geometry of a risk's assessment-history chart, drawn by the page as SVG: one point per assessment (its current
/// rating's score: higher is worse), joined by a line, on a score axis from 0 to the matrix's highest score, with the
/// tolerance line where the matrix has one. The page prints the same figures in a table.
/// </summary>
public sealed class AssessmentChart
{
    public const int Width = 640;
    public const int Height = 280;
    public const int Left = 56;
    public const int Right = 48;
    public const int Top = 16;
    public const int Bottom = 48;

    public sealed record Point(double X, double Y, Assessment Assessment);

    public sealed record Tick(double Y, int Score);

    public IReadOnlyList<Point> Points { get; }
    public IReadOnlyList<Tick> Ticks { get; }
    public double? ToleranceY { get; }
    public int MaxScore { get; }

    public AssessmentChart(IReadOnlyList<Assessment> assessments, RiskMatrixWithTolerance matrix)
    {
        MaxScore = Math.Max(matrix.MaxScore, assessments.Count == 0 ? 1 : assessments.Max(a => a.Current.Score));
        var plotWidth = Width - Left - Right;
        var step = assessments.Count <= 1 ? 0 : (double)plotWidth / (assessments.Count - 1);
        Points = assessments.Select((a, i) => new Point(assessments.Count == 1 ? Left + plotWidth / 2.0 : Left + i * step, Y(a.Current.Score), a)).ToList();
        var tickStep = MaxScore <= 10 ? 2 : MaxScore <= 30 ? 5 : 10;
        Ticks = Enumerable.Range(0, MaxScore / tickStep + 1).Select(i => new Tick(Y(i * tickStep), i * tickStep)).ToList();
        var tolerated = matrix.Tolerance switch
        {
            { MaxScore: { } score } => score,
            { MaxBand: { } band } => matrix.Cells.Where(c => Severity(matrix, c.Band) <= Severity(matrix, band)).Select(c => (int?)c.Score).Max(),
            _ => null,
        };
        ToleranceY = tolerated is { } t && t < MaxScore ? Y(t) : null;
    }

    public double Y(int score) => Top + (Height - Top - Bottom) * (1 - (double)score / MaxScore);

    public double BaseY => Height - Bottom;

    public string Line => string.Join(" ", Points.Select(p => F(p.X) + "," + F(p.Y)));

    /// <summary>Label every point when they fit; otherwise about ten, and always the last.</summary>
    public bool Labelled(int index) => Points.Count <= 12 || index == Points.Count - 1 || index % (int)Math.Ceiling(Points.Count / 10.0) == 0;

    public static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static int Severity(RiskMatrixWithTolerance matrix, string band)
    {
        for (var i = 0; i < matrix.Bands.Count; i++) if (matrix.Bands[i].Id == band) return i;
        return -1;
    }
}
