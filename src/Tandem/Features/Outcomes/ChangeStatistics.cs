using MathNet.Numerics.Distributions;

namespace Tandem.Features.Outcomes;

/// <summary>How many change scores a group has, their mean and their sample variance (n − 1).</summary>
public readonly record struct ChangeSummary(int N, double Mean, double Variance)
{
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Summarises at least one change score; the variance of a single score is NaN (undefined).</summary>
    public static ChangeSummary Of(IReadOnlyList<double> changes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(changes.Count);
        var n = changes.Count;
        // Shifting by the first value keeps the sums small (less cancellation) and makes the mean and
        // variance of identical scores exact: a group whose members all changed by 0.1 has mean 0.1
        // and variance 0, not 0.10000000000000002 and 1e-34.
        var shift = changes[0];
        double sum = 0;
        foreach (var x in changes)
        {
            sum += x - shift;
        }
        var mean = shift + sum / n;
        if (n < 2)
        {
            return new ChangeSummary(n, mean, double.NaN);
        }
        // Corrected two-pass algorithm (Chan, Golub and LeVeque): the second term removes the rounding
        // left in the first pass's mean.
        double squares = 0, residual = 0;
        foreach (var x in changes)
        {
            var d = x - mean;
            squares += d * d;
            residual += d;
        }
        var variance = Math.Max(0, (squares - residual * residual / n) / (n - 1));
        return new ChangeSummary(n, mean, variance);
    }
}

/// <summary>Welch's t test of two groups' change scores and the 95% confidence interval of the difference.</summary>
public sealed record WelchTest(double Difference, double T, double Df, double P, double Low, double High);

/// <summary>A one-sample t test of change scores against zero: the paired t test of post against pre.</summary>
public sealed record PairedTest(double T, int Df, double P);

/// <summary>
/// The t tests and effect size of outcome analysis, on Math.NET Numerics' Student t distribution
/// (ADR 14). Each returns null when the statistic is undefined for the data (fewer than two scores,
/// no variation, or numbers too large to square); the caller says why.
/// </summary>
public static class ChangeStatistics
{
    public const double ConfidenceLevel = 0.95;

    /// <summary>
    /// Change = post − pre. Subtracted in decimal when the values fit, so that changes that are equal
    /// on paper are equal here: in binary 0.4 − 0.3 and 0.2 − 0.1 differ in the last bit, and a group
    /// whose members all improved by 0.1 would show a spurious variation and an enormous t.
    /// </summary>
    public static double Change(double pre, double post) =>
        Math.Abs(pre) < 1e15 && Math.Abs(post) < 1e15
            ? (double)((decimal)post - (decimal)pre)
            : post - pre;

    /// <summary>
    /// Welch's unequal-variances t test of <paramref name="program"/> − <paramref name="comparison"/>
    /// with Welch–Satterthwaite degrees of freedom, a two-sided p and the 95% confidence interval
    /// from the t quantile at those degrees of freedom. Needs two scores in each group and some
    /// variation in at least one of them.
    /// </summary>
    public static WelchTest? Welch(ChangeSummary program, ChangeSummary comparison)
    {
        if (program.N < 2 || comparison.N < 2)
        {
            return null;
        }
        var a = program.Variance / program.N;
        var b = comparison.Variance / comparison.N;
        var se2 = a + b;
        if (se2 == 0)
        {
            return null;
        }
        var difference = program.Mean - comparison.Mean;
        var se = Math.Sqrt(se2);
        var t = difference / se;
        var df = se2 * se2 / (a * a / (program.N - 1) + b * b / (comparison.N - 1));
        if (!double.IsFinite(t) || !double.IsFinite(df))
        {
            return null;
        }
        var margin = Quantile(df) * se;
        return new WelchTest(difference, t, df, TwoSidedP(t, df), difference - margin, difference + margin);
    }

    /// <summary>The paired t test of post against pre: the mean change over its standard error, n − 1 degrees of freedom.</summary>
    public static PairedTest? Paired(ChangeSummary changes)
    {
        if (changes.N < 2 || changes.Variance == 0)
        {
            return null;
        }
        var t = changes.Mean / (changes.StandardDeviation / Math.Sqrt(changes.N));
        if (!double.IsFinite(t))
        {
            return null;
        }
        var df = changes.N - 1;
        return new PairedTest(t, df, TwoSidedP(t, df));
    }

    /// <summary>
    /// Hedges' g: the difference of the mean changes over the pooled standard deviation of the change
    /// scores, times the small-sample correction 1 − 3/(4(n₁ + n₂) − 9).
    /// </summary>
    public static double? HedgesG(ChangeSummary program, ChangeSummary comparison)
    {
        if (program.N < 2 || comparison.N < 2)
        {
            return null;
        }
        var pooledVariance = ((program.N - 1) * program.Variance + (comparison.N - 1) * comparison.Variance)
            / (program.N + comparison.N - 2);
        if (pooledVariance == 0)
        {
            return null;
        }
        var d = (program.Mean - comparison.Mean) / Math.Sqrt(pooledVariance);
        var g = d * (1 - 3.0 / (4 * (program.N + comparison.N) - 9));
        return double.IsFinite(g) ? g : null;
    }

    /// <summary>
    /// P(|T| ≥ |t|) for T with <paramref name="df"/> degrees of freedom, from the lower tail: 1 − CDF(|t|)
    /// would lose every digit of a small p to cancellation.
    /// </summary>
    public static double TwoSidedP(double t, double df) => Math.Min(1, 2 * StudentT.CDF(0, 1, df, -Math.Abs(t)));

    private static double Quantile(double df) => StudentT.InvCDF(0, 1, df, 1 - (1 - ConfidenceLevel) / 2);
}
