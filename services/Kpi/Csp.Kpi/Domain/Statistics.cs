namespace Csp.Kpi.Domain;

/// <summary>A 95% interval for the ratio of a period's rate to the one it is compared with.</summary>
public sealed record RatioInterval(double Lower, double Upper)
{
    public bool ExcludesOne => Lower > 1 || Upper < 1;
}

/// <summary>
/// The statistics behind "is this change more than chance?", in one place (docs/kpis.md, "Significance").
/// <para><b>Counts and rates</b> (a Poisson model): two periods' counts <c>x1</c> (earlier) and <c>x2</c> (later), with
/// exposures <c>e1</c>, <c>e2</c> (populations for a rate; equal for plain counts). If the underlying rates were equal,
/// <c>x2</c> given <c>n = x1 + x2</c> would be binomial with <c>p0 = e2 / (e1 + e2)</c>. The exact (Clopper-Pearson) 95%
/// interval for that binomial proportion, turned into a rate ratio <c>(p / (1 - p)) × (e1 / e2)</c>, is the interval for
/// the ratio of the rates; the change is significant when it excludes 1. This is the conditional test ONS-style
/// comparisons of two Poisson counts use; it is exact for small counts (4 → 6) where a normal approximation is not.</para>
/// <para><b>Percentages with numerator and denominator</b>: two binomial proportions, a two-sided z-test with the pooled
/// proportion (significant at |z| ≥ 1.96); the interval is for the ratio of the proportions (log method).</para>
/// </summary>
public static class Statistics
{
    public const double Z95 = 1.959963984540054;

    /// <summary>The 95% interval for the rate ratio (later / earlier) of two Poisson counts; null when both are 0.</summary>
    public static RatioInterval? PoissonRateRatio(long earlier, long later, double earlierExposure = 1, double laterExposure = 1)
    {
        if (earlier < 0 || later < 0 || earlierExposure <= 0 || laterExposure <= 0) throw new ArgumentOutOfRangeException(nameof(earlier), "counts are not negative and exposures are positive");
        var n = earlier + later;
        if (n == 0) return null;
        var lowerP = later == 0 ? 0 : BetaQuantile(0.025, later, earlier + 1);
        var upperP = earlier == 0 ? 1 : BetaQuantile(0.975, later + 1, earlier);
        var scale = earlierExposure / laterExposure;
        return new RatioInterval(Odds(lowerP) * scale, upperP >= 1 ? double.PositiveInfinity : Odds(upperP) * scale);
    }

    /// <summary>Two proportions (successes of trials): whether they differ at 95% (pooled z-test), and an interval for their ratio.</summary>
    public static (bool Significant, RatioInterval? Interval) Proportions(double earlierSuccesses, double earlierTrials, double laterSuccesses, double laterTrials)
    {
        if (earlierTrials <= 0 || laterTrials <= 0) return (false, null);
        var (p1, p2) = (earlierSuccesses / earlierTrials, laterSuccesses / laterTrials);
        var pooled = (earlierSuccesses + laterSuccesses) / (earlierTrials + laterTrials);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1 / earlierTrials + 1 / laterTrials));
        var significant = se > 0 && Math.Abs(p2 - p1) / se >= Z95;
        RatioInterval? interval = null;
        if (earlierSuccesses > 0 && laterSuccesses > 0)
        {
            var logSe = Math.Sqrt(1 / laterSuccesses - 1 / laterTrials + 1 / earlierSuccesses - 1 / earlierTrials);
            var ratio = p2 / p1;
            interval = new RatioInterval(ratio * Math.Exp(-Z95 * logSe), ratio * Math.Exp(Z95 * logSe));
        }
        return (significant, interval);
    }

    private static double Odds(double p) => p / (1 - p);

    /// <summary>The x with I_x(a, b) = q (the regularised incomplete beta function), by bisection: monotone, and exact enough (1e-12).</summary>
    public static double BetaQuantile(double q, double a, double b)
    {
        double lo = 0, hi = 1;
        for (var i = 0; i < 200 && hi - lo > 1e-13; i++)
        {
            var mid = (lo + hi) / 2;
            if (RegularizedBeta(mid, a, b) < q) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>I_x(a, b), by the continued fraction (Numerical Recipes, betacf) with the symmetry for fast convergence.</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2) ? front * BetaFraction(x, a, b) / a : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    /// <summary>P(X ≥ k) for X ~ Binomial(n, p).</summary>
    public static double BinomialUpperTail(long k, long n, double p) => k <= 0 ? 1 : k > n ? 0 : RegularizedBeta(p, k, n - k + 1);

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 10000; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d; h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15) break;
        }
        return h;
    }

    /// <summary>ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits.</summary>
    public static double LogGamma(double x)
    {
        ReadOnlySpan<double> c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = c[0];
        for (var i = 1; i < 9; i++) sum += c[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
