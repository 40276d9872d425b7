using Tandem.Features.Outcomes;

namespace Tandem.Tests.Outcomes;

/// <summary>The analysis use case on its own: the plain-language reading, labels, and arithmetic edge cases.</summary>
public sealed class AnalyseOutcomesTests
{
    private static OutcomeObservation Program(string person, double pre, double post) => new(person, OutcomeGroup.Program, "maths", pre, post);

    private static OutcomeObservation Comparison(string person, double pre, double post) => new(person, OutcomeGroup.Comparison, "maths", pre, post);

    [Fact]
    public async Task TheReadingSaysWhatTheResultShowsAndWhatItDoesNot()
    {
        // Student's sleep data again: program changes are drug 2's, comparison changes drug 1's.
        double[] drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        double[] drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        var observations = drug2.Select((v, i) => Program($"p{i}", 0, v)).Concat(drug1.Select((v, i) => Comparison($"c{i}", 0, v)));

        var maths = (await new AnalyseOutcomes().RunAsync(observations)).Measures.Single();

        Assert.Equal(
            [
                "Program group: 10 people, mean change +2.33 (standard deviation 2.00). Comparison group: 10 people, mean change +0.750 (standard deviation 1.79).",
                "The program group's mean change was 1.58 higher than the comparison group's (whether higher is better depends on the measure: more attendance, fewer incidents).",
                "The 95% confidence interval of the difference runs from -0.205 to 3.37. It includes zero, so these data are consistent with no difference at all as well as with any difference in that range.",
                "p = 0.0794: if the two groups' changes did not differ on average, a gap at least this large would arise by chance in about 8 of 100 samples like this one. "
                    + "A p value is not the size of the effect: in a large sample a tiny difference can have a small p, and in a small sample an important one can have a large p.",
                "Hedges' g is 0.797: the difference is 0.797 standard deviations of the change scores, a medium difference by Cohen's rough conventions (0.2 small, 0.5 medium, 0.8 large).",
                "Within the program group the values were higher after than before (paired t = 3.68, 9 degrees of freedom, p = 0.00508). "
                    + "On its own this does not show the program caused the change: people change over a year anyway, which is what the comparison group is for.",
                "With fewer than 30 people in a group the estimates are imprecise: the interval is wide, and a real effect can easily go undetected.",
                "People were not assigned to the program at random, so the groups may have differed from the start (who volunteered or was referred, motivation, support at home). "
                    + "The figures show how the groups' changes compare, not that the program caused the difference.",
            ],
            maths.Reading);
    }

    [Fact]
    public async Task AnIntervalClearOfZeroInALargeSampleReadsSoAndSkipsTheSmallSampleWarning()
    {
        var observations = Enumerable.Range(0, 40).Select(i => Program($"p{i}", 50, 55 + i % 5))
            .Concat(Enumerable.Range(0, 40).Select(i => Comparison($"c{i}", 50, 50 + i % 5)));

        var reading = (await new AnalyseOutcomes().RunAsync(observations)).Measures.Single().Reading;

        Assert.Contains(reading, r => r.Contains("It does not include zero, so a difference in this direction is likely"));
        Assert.Contains(reading, r => r.StartsWith("p < 0.001:", StringComparison.Ordinal));
        Assert.Contains(reading, r => r.Contains("a large difference by Cohen's rough conventions"));
        Assert.DoesNotContain(reading, r => r.Contains("imprecise"));
    }

    [Theory]
    [InlineData(0.19, EffectSize.Negligible)]
    [InlineData(-0.2, EffectSize.Small)]
    [InlineData(0.49, EffectSize.Small)]
    [InlineData(-0.5, EffectSize.Medium)]
    [InlineData(0.8, EffectSize.Large)]
    [InlineData(-2.5, EffectSize.Large)]
    public void EffectSizesAreLabelledByCohensConventions(double g, EffectSize label) => Assert.Equal(label, OutcomeReading.Label(g));

    [Fact]
    public async Task ChangesThatAreEqualInDecimalAreEqual()
    {
        // In binary 0.4 − 0.3, 0.2 − 0.1 and 0.7 − 0.6 are three different numbers; everyone here improved by exactly 0.1.
        var observations = new[] { Program("a", 0.3, 0.4), Program("b", 0.1, 0.2), Program("c", 0.6, 0.7) };

        var maths = (await new AnalyseOutcomes().RunAsync(observations)).Measures.Single();

        Assert.Equal(0.1, maths.Program.MeanChange);
        Assert.Equal(0, maths.Program.SdChange);
        Assert.Null(maths.PairedProgram);
    }

    [Fact]
    public async Task MeasuresMatchIgnoringCaseAndKeepTheirFirstSpelling()
    {
        var observations = new[] { new OutcomeObservation("a", OutcomeGroup.Program, "Maths", 1, 2), new OutcomeObservation("b", OutcomeGroup.Program, "maths", 1, 4) };

        var analysis = await new AnalyseOutcomes().RunAsync(observations);

        Assert.Equal("Maths", Assert.Single(analysis.Measures).Measure);
        Assert.Equal(2, analysis.Measures[0].Program.N);
    }

    [Fact]
    public async Task TwoObservationsOfOnePersonAndMeasureAreRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new AnalyseOutcomes().RunAsync([Program("a", 1, 2), Program("A", 1, 3)]));
    }
}
