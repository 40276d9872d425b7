using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class FairAssignmentTests
{
    /// <summary>Best (free matched, lowest free score, total) by exhaustive search; locked pairs count in the total only.</summary>
    private static (int Free, long Lowest, long Total) BruteForceFair(SmallInstance x)
    {
        var load = new int[x.M];
        var locked = new int[x.N];
        Array.Fill(locked, -1);
        foreach (var (i, j) in x.Locks) locked[i] = j;
        (int, long, long) best = (-1, 0, 0);

        static bool Better((int F, long L, long T) a, (int F, long L, long T) b) =>
            a.F != b.F ? a.F > b.F : a.L != b.L ? a.L > b.L : a.T > b.T;

        void Go(int i, int free, long lowest, long total)
        {
            if (i == x.N)
            {
                var key = (free, free == 0 ? long.MaxValue : lowest, total);
                if (best.Item1 < 0 || Better(key, best)) best = key;
                return;
            }
            if (locked[i] >= 0)
            {
                var j = locked[i];
                load[j]++;
                if (load[j] <= x.Caps[j]) Go(i + 1, free, lowest, total + x.Score(i, j)!.Value);
                load[j]--;
                return;
            }
            Go(i + 1, free, lowest, total);
            for (var j = 0; j < x.M; j++)
            {
                if (x.Score(i, j) is not { } s || load[j] >= x.Caps[j]) continue;
                load[j]++;
                Go(i + 1, free + 1, Math.Min(lowest, s), total + s);
                load[j]--;
            }
        }

        Go(0, 0, long.MaxValue, 0);
        return best;
    }

    private static (int Free, long Lowest, long Total) Outcome(SmallInstance x, AssignmentResult r)
    {
        BruteForce.Evaluate(x, r);
        var locked = x.Locks.Select(l => l.Mentee).ToHashSet();
        var free = 0;
        var lowest = long.MaxValue;
        for (var i = 0; i < x.N; i++)
        {
            if (locked.Contains(i) || r.MentorOfMentee[i] < 0) continue;
            free++;
            lowest = Math.Min(lowest, r.ScoreOfMentee[i]);
        }
        Assert.NotNull(r.Fairness);
        Assert.Equal(free, r.Fairness!.FreeMatched);
        Assert.Equal(free == 0 ? null : lowest, r.Fairness.LowestScore);
        return (free, lowest, r.TotalScore);
    }

    private static SmallInstance Fair(SmallInstance x) => x with { Objective = MatchingObjective.MaxMinThenScore };

    [Fact]
    public void ExplicitProblemsMatchBruteForce()
    {
        Instances.Small(maxN: 7, maxM: 4).Select(Fair).Sample(x =>
        {
            var problem = x.ToProblem();
            var r = OptimalAssignment.Solve(problem);
            Assert.Equal(BruteForceFair(x), Outcome(x, r));
            Assert.True(r.Optimal);
            Assert.Null(FairnessProof.Check(problem, r));
        }, iter: 3000, print: x => x.ToString());
    }

    [Fact]
    public void PoolsMatchBruteForceEvenWithOneCandidatePerSide()
    {
        // One candidate per mentee and per mentor: the covers miss pairs, which must be found and added.
        var options = new PoolSolveOptions(CandidatesPerMentee: 1, CandidatesPerMentor: 1, MaxDegreeOfParallelism: 1);
        Instances.Small(maxN: 7, maxM: 4).Select(Fair).Sample(x =>
        {
            var pool = x.ToPool();
            var r = OptimalAssignment.Solve(pool, options);
            Assert.Equal(BruteForceFair(x), Outcome(x, r));
            Assert.Null(FairnessProof.Check(pool, r));
        }, iter: 3000, print: x => x.ToString());
    }

    [Fact]
    public void PoolsWithForbiddenPairsAgreeWithTheExplicitProblem()
    {
        var gen =
            from n in Gen.Int[1, 30]
            from m in Gen.Int[1, 10]
            from caps in Gen.Int[0, 4].Array[m]
            from scores in Gen.Int[0, 6].Array[n * m]
            from mask in Gen.Int[0, 5].Array[n * m]
            from k in Gen.Int[1, 3]
            select (n, m, caps, scores, mask, k);
        gen.Sample(t =>
        {
            // mask 0: hard rule (forbidden in the source); mask 1: forbidden by the coordinator.
            var dense = t.scores.Select((s, e) => t.mask[e] == 0 ? PairScores.Forbidden : s).ToArray();
            var forbidden = Enumerable.Range(0, t.n * t.m).Where(e => t.mask[e] == 1).Select(e => new MenteeMentor(e / t.m, e % t.m)).ToArray();
            var pool = new PoolProblem(new DenseScoreMatrix(t.n, t.m, dense), t.caps, MatchingObjective.MaxMinThenScore, ForbiddenPairs: forbidden);
            var pairs = Enumerable.Range(0, t.n * t.m).Where(e => t.mask[e] > 1).Select(e => new ScoredPair(e / t.m, e % t.m, t.scores[e])).ToArray();
            var problem = new AssignmentProblem(t.n, t.caps, pairs, MatchingObjective.MaxMinThenScore);
            var a = OptimalAssignment.Solve(pool, new PoolSolveOptions(t.k, t.k, MaxDegreeOfParallelism: 2));
            var b = OptimalAssignment.Solve(problem);
            Assert.Equal(b.Matched, a.Matched);
            Assert.Equal(b.Fairness!.LowestScore, a.Fairness!.LowestScore);
            Assert.Equal(b.TotalScore, a.TotalScore);
            Assert.Null(FairnessProof.Check(pool, a));
            Assert.Null(FairnessProof.Check(problem, b));
            foreach (var f in forbidden) Assert.NotEqual(f.Mentor, a.MentorOfMentee[f.Mentee]);
        }, iter: 400);
    }

    [Fact]
    public void RaisingTheWorstOffCostsTotalWhereTheBestTotalLeavesSomeoneBadlyOff()
    {
        // Two mentees, one mentor each. Best total: a–x 10, b–y 1 (11). Fairest: a–y 5, b–x 5 (10).
        var problem = new AssignmentProblem(2, [1, 1],
            [new(0, 0, 10), new(0, 1, 5), new(1, 0, 5), new(1, 1, 1)], MatchingObjective.MaxMinThenScore);
        var fair = OptimalAssignment.Solve(problem);
        var best = OptimalAssignment.Solve(problem with { Objective = MatchingObjective.MaxMatchedThenScore });
        Assert.Equal(11, best.TotalScore);
        Assert.Equal(10, fair.TotalScore);
        Assert.Equal(5, fair.Fairness!.LowestScore);
        Assert.Equal([1, 0], fair.MentorOfMentee);
        Assert.StartsWith("Proven: no assignment that matches 2 mentees (the most possible) has a lowest pair score above 5", fair.Fairness.Statement);
        Assert.Null(best.Fairness);
    }

    [Fact]
    public void MatchingEveryoneComesBeforeTheLowestScore()
    {
        // Matching both forces b–y at 1; leaving b out would allow a lowest of 10.
        var problem = new AssignmentProblem(2, [1, 1], [new(0, 0, 10), new(0, 1, 2), new(1, 1, 1)], MatchingObjective.MaxMinThenScore);
        var r = OptimalAssignment.Solve(problem);
        Assert.Equal(2, r.Matched);
        Assert.Equal(1, r.Fairness!.LowestScore);
        Assert.Equal(11, r.TotalScore);
    }

    [Fact]
    public void NobodyMatchableGivesNoThreshold()
    {
        var problem = new AssignmentProblem(2, [0], [new(0, 0, 3)], MatchingObjective.MaxMinThenScore);
        var r = OptimalAssignment.Solve(problem);
        Assert.Equal(0, r.Matched);
        Assert.Null(r.Fairness!.LowestScore);
        Assert.Null(FairnessProof.Check(problem, r));
    }

    private static (AssignmentProblem Problem, AssignmentResult Result) Tamperable()
    {
        // Three free mentees a, b, c; mentors x and y of capacity 2, one place of y locked to a fourth mentee; a tie.
        var problem = new AssignmentProblem(4, [2, 2],
        [
            new(0, 0, 7), new(0, 1, 3), new(1, 0, 4), new(1, 1, 4), new(2, 0, 9), new(2, 1, 2), new(3, 1, 1),
        ], MatchingObjective.MaxMinThenScore, [new MenteeMentor(3, 1)]);
        var r = OptimalAssignment.Solve(problem);
        Assert.Null(FairnessProof.Check(problem, r));
        return (problem, r);
    }

    [Fact]
    public void TamperedProofsFailTheCheck()
    {
        var (problem, r) = Tamperable();
        var proof = r.Fairness!;
        Assert.Equal(3, proof.FreeMatched);
        Assert.Equal(4, proof.LowestScore); // y takes b (4), x takes a and c
        Assert.Equal(1, proof.Locked);
        Assert.StartsWith("Proven: no assignment that matches 3 mentees besides the 1 locked (the most possible) has a lowest pair score above 4 (locked pairs not counted)", proof.Statement);

        // Claiming a higher threshold.
        Assert.NotNull(FairnessProof.Check(problem, r with { Fairness = proof.With(lowestScore: 5) }));
        // A cover of the pairs above the threshold missing a member.
        var above = proof.AboveCover!;
        var thinner = above.Mentors.Count > 0
            ? above.With(mentors: above.Mentors.Skip(1).ToArray())
            : above.With(mentees: above.Mentees.Skip(1).ToArray());
        Assert.Contains("not covered", FairnessProof.Check(problem, r with { Fairness = proof.With(aboveCover: thinner) }));
        // A cover claiming to be smaller than its members.
        Assert.Contains("more than", FairnessProof.Check(problem, r with { Fairness = proof.With(aboveCover: above.With(size: 0)) }));
        // A matched cover that leaves pairs out.
        var matched = proof.MatchedCover;
        Assert.NotNull(FairnessProof.Check(problem, r with { Fairness = proof.With(matchedCover: matched.With(mentees: [], mentors: [])) }));
        // A cover of the right pairs but at the wrong threshold.
        Assert.NotNull(FairnessProof.Check(problem, r with { Fairness = proof.With(aboveCover: above.With(atLeast: proof.LowestScore!.Value + 2)) }));
        // An assignment that is not the one proven (a mentee dropped).
        var dropped = (int[])r.MentorOfMentee.Clone();
        var someone = Array.FindIndex(dropped, j => j >= 0);
        dropped[someone] = -1;
        Assert.NotNull(FairnessProof.Check(problem, r with { MentorOfMentee = dropped }));
        // No proof at all.
        Assert.NotNull(FairnessProof.Check(problem, r with { Fairness = null }));
    }

    [Fact]
    public void ATotalThatIsNotTheBestWithinTheThresholdFailsTheCheck()
    {
        // Matching both, every assignment has lowest score 6; totals 15 (a–x, b–y) and 12 (a–y, b–x).
        var problem = new AssignmentProblem(2, [1, 1],
            [new(0, 0, 9), new(0, 1, 6), new(1, 0, 6), new(1, 1, 6)], MatchingObjective.MaxMinThenScore);
        var r = OptimalAssignment.Solve(problem);
        Assert.Equal(15, r.TotalScore);
        Assert.Equal(6, r.Fairness!.LowestScore);
        // The other assignment keeps the count, the threshold and the covers; only the certificate can refuse it.
        var worse = r with { MentorOfMentee = [1, 0], ScoreOfMentee = [6, 6], TotalScore = 12 };
        Assert.StartsWith("Certificate", FairnessProof.Check(problem, worse));
    }

    [Fact]
    public void FeaturePoolReachesTheSameThresholdAsItsExplicitPairs()
    {
        var (mentees, mentors, caps) = SyntheticPools.Features(7, 300, 80, 1, 4);
        var scorer = new FeatureScorer(SyntheticPools.Criteria, mentees, mentors);
        var locks = new[] { new MenteeMentor(0, FirstAllowed(scorer, 0)) };
        var pool = new PoolProblem(scorer, caps, MatchingObjective.MaxMinThenScore, locks);
        var r = OptimalAssignment.Solve(pool);
        var pairs = new List<ScoredPair>();
        var row = new int[mentors.Count];
        for (var i = 0; i < mentees.Count; i++)
        {
            scorer.ScoreRow(i, row);
            for (var j = 0; j < row.Length; j++) if (row[j] != PairScores.Forbidden) pairs.Add(new ScoredPair(i, j, row[j]));
        }
        var problem = new AssignmentProblem(mentees.Count, caps, pairs, MatchingObjective.MaxMinThenScore, locks);
        var e = OptimalAssignment.Solve(problem);
        Assert.Equal(e.Matched, r.Matched);
        Assert.Equal(e.Fairness!.LowestScore, r.Fairness!.LowestScore);
        Assert.Equal(e.TotalScore, r.TotalScore);
        Assert.Null(FairnessProof.Check(pool, r));
        var best = OptimalAssignment.Solve(pool with { Objective = MatchingObjective.MaxMatchedThenScore });
        Assert.Equal(best.Matched, r.Matched);
        Assert.True(best.TotalScore >= r.TotalScore);
        Assert.True(r.ScoreOfMentee.Where((s, i) => i != 0 && r.MentorOfMentee[i] >= 0).Min()
            >= best.ScoreOfMentee.Where((s, i) => i != 0 && best.MentorOfMentee[i] >= 0).Min());
    }

    private static int FirstAllowed(IPairScoreSource s, int mentee)
    {
        var row = new int[s.MentorCount];
        s.ScoreRow(mentee, row);
        return Array.FindIndex(row, x => x != PairScores.Forbidden);
    }
}
