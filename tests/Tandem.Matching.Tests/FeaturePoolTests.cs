using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class FeaturePoolTests
{
    /// <summary>Random feature pools: the pruned, bound-certified pool solve equals the explicit solve of every scored pair.</summary>
    [Fact]
    public void FeaturePoolSolveEqualsExplicitSolveOfAllPairs()
    {
        var genPerson =
            from interests in Gen.Int[0, 11].Array[0, 4]
            from slots in Gen.Int[0, 23].Array[0, 6]
            from year in Gen.Int[8, 12]
            select (interests, slots, year);
        var gen =
            from mentees in genPerson.Array[1, 30]
            from mentors in genPerson.Array[1, 12]
            from caps in Gen.Int[0, 3].Array[12]
            from obj in Gen.Int[0, 1]
            from k in Gen.Int[1, 3]
            select (mentees, mentors, caps, obj, k);
        Criterion[] criteria =
        [
            new("interests", CriterionKind.SharedValues, 3, MenteeField: "interests", MentorField: "interests"),
            new("time", CriterionKind.AvailabilityOverlap, 1),
            new("year", CriterionKind.NumericGap, 2, Required: true, MenteeField: "year", MentorField: "year", Minimum: 0),
        ];
        Participant P((int[] interests, int[] slots, int year) p, int k) => new($"p{k}",
            new Dictionary<string, IReadOnlyList<string>> { ["interests"] = p.interests.Select(x => $"i{x}").ToArray() },
            p.slots, new Dictionary<string, double> { ["year"] = p.year });
        gen.Sample(t =>
        {
            var scorer = new FeatureScorer(criteria, t.mentees.Select(P).ToList(), t.mentors.Select(P).ToList());
            var caps = t.caps.Take(t.mentors.Length).ToArray();
            var objective = t.obj == 0 ? MatchingObjective.MaxMatchedThenScore : MatchingObjective.MaxScore;
            var pairs = new List<ScoredPair>();
            for (var i = 0; i < scorer.MenteeCount; i++)
                for (var j = 0; j < scorer.MentorCount; j++)
                    if (scorer.Score(i, j) is var s && s != PairScores.Forbidden) pairs.Add(new ScoredPair(i, j, s));
            var exact = OptimalAssignment.Solve(new AssignmentProblem(scorer.MenteeCount, caps, pairs, objective));
            var pooled = OptimalAssignment.Solve(new PoolProblem(scorer, caps, objective), new PoolSolveOptions(t.k, t.k, MaxDegreeOfParallelism: 2));
            Assert.Equal(exact.TotalScore, pooled.TotalScore);
            if (objective == MatchingObjective.MaxMatchedThenScore) Assert.Equal(exact.Matched, pooled.Matched);
            Assert.True(pooled.Optimal);
            Assert.Equal(pairs.Count, pooled.Statistics.PairsConsidered);
        }, iter: 800);
    }
}
