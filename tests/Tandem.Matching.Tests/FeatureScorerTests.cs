using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class FeatureScorerTests
{
    private static Participant Person(string id, string[]? interests = null, string[]? slots = null, double? year = null,
        string[]? language = null, string[]? offered = null, string[]? sought = null, string[]? background = null)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>();
        if (interests is not null) values["interests"] = interests;
        if (language is not null) values["language"] = language;
        if (offered is not null) values["skillsOffered"] = offered;
        if (sought is not null) values["skillsSought"] = sought;
        if (background is not null) values["background"] = background;
        var availability = (slots ?? []).SelectMany(s => WeeklySlots.TryParse(s, out var x) ? x : throw new ArgumentException(s)).ToList();
        var numbers = year is { } y ? new Dictionary<string, double> { ["year"] = y } : null;
        return new Participant(id, values, availability, numbers);
    }

    private static readonly Criterion[] Criteria =
    [
        new("interests", CriterionKind.SharedValues, 3, MenteeField: "interests", MentorField: "interests"),
        new("time", CriterionKind.AvailabilityOverlap, 1, Minimum: 2),
        new("year", CriterionKind.NumericGap, 2, Required: true, MenteeField: "year", MentorField: "year", Minimum: 1, Maximum: 3),
    ];

    [Fact]
    public void ExplanationNamesSharedValuesCommonHoursAndTheYearGap()
    {
        var mentee = Person("e1", ["robotics", "chess", "art"], ["Tue 16-18", "Thu 17", "Fri 9"], 9);
        var mentor = Person("m1", ["Chess", "robotics", "golf"], ["Tue 16-18", "Thu 17-19", "Sat 10"], 11);
        var scorer = new FeatureScorer(Criteria, [mentee], [mentor]);
        var e = scorer.Explain(0, 0);
        Assert.Equal("both: robotics, chess; 3 common free hours on Tue/Thu; mentor is 2 years ahead", e.Summary);
        Assert.True(e.Allowed);
        Assert.Equal(3 * 2 + 1 * 3 + 2, e.Score);
        Assert.Equal([6L, 3L, 2L], e.Criteria.Select(c => c.Points));
        Assert.Equal(11, scorer.Score(0, 0));
    }

    [Fact]
    public void HardRulesForbidPairs()
    {
        var mentee = Person("e1", ["chess"], ["Mon 10"], 9);
        var tooFewHours = Person("m1", ["chess"], ["Mon 10"], 10);
        var sameYear = Person("m2", ["chess"], ["Mon 10-12"], 9);
        var fine = Person("m3", [], ["Mon 9-12"], 12);
        var mentee2 = Person("e2", ["chess"], ["Mon 10-12"], 9);
        var scorer = new FeatureScorer(Criteria, [mentee, mentee2], [tooFewHours, sameYear, fine]);
        var row = new int[3];
        scorer.ScoreRow(1, row);
        Assert.Equal(PairScores.Forbidden, row[1]); // gap 0 is below the required minimum of 1
        Assert.Equal(2 + 2, row[2]);
        Assert.Equal(PairScores.Forbidden, row[0]); // e2 and m1 share one hour only
        var e = scorer.Explain(1, 0);
        Assert.False(e.Allowed);
        Assert.Contains("1 common free hour on Mon (at least 2 required)", e.Summary);
        Assert.Contains("same year", scorer.Explain(1, 1).Summary);
    }

    [Fact]
    public void OfferedVersusSoughtSameAndDifferentCriteriaExplainThemselves()
    {
        Criterion[] criteria =
        [
            new("skills", CriterionKind.SharedValues, 5, MenteeField: "skillsSought", MentorField: "skillsOffered"),
            new("language", CriterionKind.SameValue, 0, Required: true, MenteeField: "language", MentorField: "language"),
            new("background", CriterionKind.DifferentValue, 2, MenteeField: "background", MentorField: "background"),
        ];
        var mentee = Person("e1", sought: ["python", "algebra"], language: ["en", "es"], background: ["rural"]);
        var mentor = Person("m1", offered: ["python", "algebra", "essays"], language: ["es"], background: ["urban"]);
        var other = Person("m2", offered: ["python"], language: ["fr"], background: ["rural"]);
        var scorer = new FeatureScorer(criteria, [mentee], [mentor, other]);
        Assert.Equal("mentor offers what mentee seeks: python, algebra; same language: es; different background", scorer.Explain(0, 0).Summary);
        Assert.Equal(12, scorer.Score(0, 0));
        Assert.Equal(PairScores.Forbidden, scorer.Score(0, 1));
        Assert.Contains("same background: rural", scorer.Explain(0, 1).Summary);
    }

    [Fact]
    public void ScoreRowAgreesWithExplainOnRandomParticipants()
    {
        var vocab = Enumerable.Range(0, 70).Select(v => $"v{v}").ToArray(); // 70 values: two words per set
        var genPerson =
            from interests in Gen.Int[0, 69].Array[0, 8]
            from slots in Gen.Int[0, 167].Array[0, 12]
            from year in Gen.Int[6, 13]
            from lang in Gen.Int[0, 2]
            select (interests, slots, year, lang);
        var gen = from mentees in genPerson.Array[1, 6] from mentors in genPerson.Array[1, 21] select (mentees, mentors);
        Criterion[] criteria =
        [
            new("interests", CriterionKind.SharedValues, 3, MenteeField: "interests", MentorField: "interests"),
            new("time", CriterionKind.AvailabilityOverlap, 1, Minimum: 1),
            new("year", CriterionKind.NumericGap, 4, MenteeField: "year", MentorField: "year", Minimum: 1),
            new("language", CriterionKind.SameValue, 2, Required: true, MenteeField: "language", MentorField: "language"),
            new("lang-diversity", CriterionKind.DifferentValue, -1, MenteeField: "language", MentorField: "language"),
            new("year-band", CriterionKind.NumericGap, -2, Required: false, MenteeField: "year", MentorField: "year", Minimum: -1, Maximum: 1),
        ];
        Participant ToParticipant((int[] interests, int[] slots, int year, int lang) p, int k) => new(
            $"p{k}",
            new Dictionary<string, IReadOnlyList<string>> { ["interests"] = p.interests.Select(x => vocab[x]).ToArray(), ["language"] = [$"l{p.lang}"] },
            p.slots, new Dictionary<string, double> { ["year"] = p.year });
        gen.Sample(t =>
        {
            var scorer = new FeatureScorer(criteria, t.mentees.Select(ToParticipant).ToList(), t.mentors.Select(ToParticipant).ToList());
            var row = new int[t.mentors.Length];
            for (var i = 0; i < t.mentees.Length; i++)
            {
                scorer.ScoreRow(i, row);
                for (var j = 0; j < row.Length; j++)
                {
                    var e = scorer.Explain(i, j);
                    Assert.Equal(e.Allowed ? (int)e.Score : PairScores.Forbidden, row[j]);
                    Assert.Equal(e.Score, e.Criteria.Sum(c => c.Points));
                    // The interest points are 3 x the number of values named in the explanation.
                    var common = t.mentees[i].interests.Distinct().Intersect(t.mentors[j].interests).Count();
                    Assert.Equal(3L * common, e.Criteria[0].Points);
                }
            }
            // The vector kernels (AVX-512 where the processor has it, and AVX2) and the scalar loop agree.
            var scalar = new int[t.mentors.Length];
            var narrow = new int[t.mentors.Length];
            for (var i = 0; i < t.mentees.Length; i++)
            {
                scorer.ScoreRow(i, row);
                scorer.UseKernel = false;
                scorer.ScoreRow(i, scalar);
                scorer.UseKernel = true;
                Assert.Equal(scalar, row);
                scorer.UseWideKernel = false;
                scorer.ScoreRow(i, narrow);
                scorer.UseWideKernel = FeatureKernel.WideIsSupported;
                Assert.Equal(scalar, narrow);
            }
            // Scoring a range of mentors (the certificate check's groups of 8) agrees with the row, both ways.
            var ranges = (IRangeScoreSource)scorer;
            for (var i = 0; i < t.mentees.Length; i++)
            {
                scorer.ScoreRow(i, row);
                foreach (var (kernel, wide) in new[] { (true, true), (true, false), (false, false) })
                {
                    scorer.UseKernel = kernel;
                    scorer.UseWideKernel = wide && FeatureKernel.WideIsSupported;
                    for (var from = 0; from < row.Length; from++)
                        for (var to = from + 1; to <= row.Length; to += 3)
                        {
                            var part = new int[to - from];
                            ranges.ScoreRange(i, from, part);
                            Assert.Equal(row[from..to], part);
                        }
                }
                scorer.UseKernel = true;
                scorer.UseWideKernel = FeatureKernel.WideIsSupported;
            }
            var col = new int[t.mentees.Length];
            for (var j = 0; j < t.mentors.Length; j++)
            {
                scorer.ScoreColumn(j, col);
                for (var i = 0; i < t.mentees.Length; i++) Assert.Equal(scorer.Score(i, j), col[i]);
            }
        }, iter: 500);
    }

    [Fact]
    public void WeightsThatCouldOverflowTheScoreRangeAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FeatureScorer(
            [new Criterion("time", CriterionKind.AvailabilityOverlap, 1_000_000)], [Person("e")], [Person("m")]));
        Assert.Contains("time", ex.Message);
    }

    [Theory]
    [InlineData("Tue 16", new[] { 40 })]
    [InlineData("tuesday 16-18", new[] { 40, 41 })]
    [InlineData("Sun 23-24", new[] { 167 })]
    public void WeeklySlotsParse(string text, int[] slots)
    {
        Assert.True(WeeklySlots.TryParse(text, out var parsed));
        Assert.Equal(slots, parsed);
    }

    [Theory]
    [InlineData("Tue")]
    [InlineData("Xyz 10")]
    [InlineData("Mon 18-16")]
    [InlineData("Mon 24")]
    public void WeeklySlotsRejectNonsense(string text) => Assert.False(WeeklySlots.TryParse(text, out _));
}
