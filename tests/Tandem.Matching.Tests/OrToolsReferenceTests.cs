using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>The engine against OR-Tools on medium instances (2,000 mentees x 500 mentors, capacities 1-5).</summary>
public class OrToolsReferenceTests
{
    [Theory]
    [InlineData(1, 6, MatchingObjective.MaxMatchedThenScore)]
    [InlineData(2, 6, MatchingObjective.MaxScore)]
    [InlineData(3, 40, MatchingObjective.MaxMatchedThenScore)]
    [InlineData(4, 2, MatchingObjective.MaxMatchedThenScore)]
    public void SparseExplicitProblemsMatchOrToolsMinCostFlow(int seed, int degree, MatchingObjective objective)
    {
        var problem = SyntheticPools.Sparse(seed, 2000, 500, degree, 1, 5, objective);
        var ours = OptimalAssignment.Solve(problem);
        var reference = OrToolsReference.MaxWeight(problem.MenteeCount, problem.MentorCapacities, problem.Pairs, ours.Certificate.CardinalityBonus, objective);
        Assert.Equal(reference.Weight, ours.Certificate.PrimalWeight);
        Assert.Equal(reference.Score, ours.TotalScore);
        if (objective == MatchingObjective.MaxMatchedThenScore) Assert.Equal(reference.Matched, ours.Matched);
    }

    [Theory]
    [InlineData(11, MatchingObjective.MaxMatchedThenScore, 1, 5)]
    [InlineData(12, MatchingObjective.MaxScore, 1, 5)]
    [InlineData(13, MatchingObjective.MaxMatchedThenScore, 4, 4)] // capacity equals demand: tight
    public void DenseFeaturePoolsWithHardRulesMatchOrToolsMinCostFlow(int seed, MatchingObjective objective, int minCap, int maxCap)
    {
        var (mentees, mentors, caps) = SyntheticPools.Features(seed, 2000, 500, minCap, maxCap);
        var scorer = new FeatureScorer(SyntheticPools.Criteria, mentees, mentors);
        var ours = OptimalAssignment.Solve(new PoolProblem(scorer, caps, objective));
        Assert.True(ours.Statistics.PairsConsidered < 2000L * 500, "hard rules should forbid some pairs");

        var all = AllPairs(scorer);
        Assert.Equal(all.Count, ours.Statistics.PairsConsidered);
        var reference = OrToolsReference.MaxWeight(2000, caps, all, ours.Certificate.CardinalityBonus, objective);
        Assert.Equal(reference.Weight, ours.Certificate.PrimalWeight);
        Assert.Equal(reference.Score, ours.TotalScore);
        if (objective == MatchingObjective.MaxMatchedThenScore) Assert.Equal(reference.Matched, ours.Matched);
    }

    [Fact]
    public void LockedAndForbiddenPairsInAFeaturePoolMatchOrTools()
    {
        var (mentees, mentors, caps) = SyntheticPools.Features(21, 2000, 500, 1, 5);
        var scorer = new FeatureScorer(SyntheticPools.Criteria, mentees, mentors);
        var all = AllPairs(scorer);
        var rng = new Random(5);
        var forbidden = all.OrderBy(_ => rng.Next()).Take(20_000).Select(p => new MenteeMentor(p.Mentee, p.Mentor)).ToArray();
        var forbiddenSet = forbidden.ToHashSet();
        // Lock 50 allowed pairs on distinct mentees, within capacity.
        var load = new int[caps.Length];
        var locks = new List<MenteeMentor>();
        var lockedMentees = new HashSet<int>();
        foreach (var p in all.OrderBy(_ => rng.Next()))
        {
            if (locks.Count == 50) break;
            if (forbiddenSet.Contains(new MenteeMentor(p.Mentee, p.Mentor)) || lockedMentees.Contains(p.Mentee) || load[p.Mentor] >= caps[p.Mentor]) continue;
            load[p.Mentor]++;
            lockedMentees.Add(p.Mentee);
            locks.Add(new MenteeMentor(p.Mentee, p.Mentor));
        }
        var ours = OptimalAssignment.Solve(new PoolProblem(scorer, caps, MatchingObjective.MaxMatchedThenScore, locks, forbidden));
        foreach (var l in locks) Assert.Equal(l.Mentor, ours.MentorOfMentee[l.Mentee]);
        for (var i = 0; i < 2000; i++)
            Assert.False(ours.MentorOfMentee[i] >= 0 && !lockedMentees.Contains(i) && forbiddenSet.Contains(new MenteeMentor(i, ours.MentorOfMentee[i])));

        var residual = (int[])caps.Clone();
        foreach (var l in locks) residual[l.Mentor]--;
        var free = all.Where(p => !lockedMentees.Contains(p.Mentee) && !forbiddenSet.Contains(new MenteeMentor(p.Mentee, p.Mentor)));
        var reference = OrToolsReference.MaxWeight(2000, residual, free, ours.Certificate.CardinalityBonus, MatchingObjective.MaxMatchedThenScore);
        Assert.Equal(reference.Weight, ours.Certificate.PrimalWeight);
        var lockedScore = locks.Sum(l => (long)scorer.Score(l.Mentee, l.Mentor));
        Assert.Equal(reference.Score + lockedScore, ours.TotalScore);
    }

    [Theory]
    [InlineData(31, 300, 1000)]
    [InlineData(32, 300, 5)] // few distinct scores: many ties
    public void DenseSquareAssignmentMatchesLinearSumAssignment(int seed, int n, int maxScore)
    {
        var rng = new Random(seed);
        var matrix = new DenseScoreMatrix(n, n, Enumerable.Range(0, n * n).Select(_ => rng.Next(0, maxScore + 1)).ToArray());
        var ours = OptimalAssignment.Solve(new PoolProblem(matrix, Enumerable.Repeat(1, n).ToArray()));
        Assert.Equal(n, ours.Matched);
        Assert.Equal(OrToolsReference.MaxAssignment(matrix), ours.TotalScore);
    }

    private static List<ScoredPair> AllPairs(FeatureScorer scorer)
    {
        var all = new List<ScoredPair>();
        var row = new int[scorer.MentorCount];
        for (var i = 0; i < scorer.MenteeCount; i++)
        {
            scorer.ScoreRow(i, row);
            for (var j = 0; j < row.Length; j++) if (row[j] != PairScores.Forbidden) all.Add(new ScoredPair(i, j, row[j]));
        }
        return all;
    }
}
