using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class AssignmentBruteForceTests
{
    [Fact]
    public void ExplicitSolverMatchesBruteForceOnSmallRandomProblems()
    {
        Instances.Small().Sample(x =>
        {
            var r = OptimalAssignment.Solve(x.ToProblem());
            BruteForce.AssertSameOptimum(x.Objective, BruteForce.Best(x), BruteForce.Evaluate(x, r));
            BruteForce.CheckCertificate(x, r);
        }, iter: 4000, print: x => x.ToString());
    }

    [Fact]
    public void PoolSolverMatchesBruteForceEvenWithOneCandidatePerSide()
    {
        // One candidate per mentee and per mentor forces pruned pairs to violate the duals and be added back.
        var options = new PoolSolveOptions(CandidatesPerMentee: 1, CandidatesPerMentor: 1, MaxDegreeOfParallelism: 1);
        Instances.Small().Sample(x =>
        {
            var r = OptimalAssignment.Solve(x.ToPool(), options);
            BruteForce.AssertSameOptimum(x.Objective, BruteForce.Best(x), BruteForce.Evaluate(x, r));
            BruteForce.CheckCertificate(x, r);
        }, iter: 4000, print: x => x.ToString());
    }

    [Fact]
    public void PoolSolverWithExhaustiveCheckAgreesWithExplicitSolverOnLargerProblems()
    {
        var gen =
            from n in Gen.Int[1, 40]
            from m in Gen.Int[1, 15]
            from caps in Gen.Int[0, 4].Array[m]
            from scores in Gen.Int[-3, 30].Array[n * m]
            from mask in Gen.Int[0, 4].Array[n * m]
            from obj in Gen.Int[0, 1]
            from k in Gen.Int[1, 4]
            select (n, m, caps, scores: scores.Select((s, idx) => mask[idx] == 0 ? (int?)null : s).ToArray(), obj, k);
        gen.Sample(t =>
        {
            var x = new SmallInstance(t.n, t.m, t.caps, t.scores, t.obj == 0 ? MatchingObjective.MaxMatchedThenScore : MatchingObjective.MaxScore, []);
            var exact = OptimalAssignment.Solve(x.ToProblem());
            var pooled = OptimalAssignment.Solve(x.ToPool(), new PoolSolveOptions(t.k, t.k, ExhaustiveCheck: t.k % 2 == 0, MaxDegreeOfParallelism: 2));
            BruteForce.AssertSameOptimum(x.Objective, BruteForce.Evaluate(x, exact), BruteForce.Evaluate(x, pooled));
            BruteForce.CheckCertificate(x, exact);
            BruteForce.CheckCertificate(x, pooled);
        }, iter: 1500);
    }

    [Fact]
    public void MaxMatchedPrefersAnotherPairOverAHigherScore()
    {
        // e0 loves m0 (100), e1 can only take m0 (1). Max-matched gives both a mentor; max-score gives e0 m0.
        var pairs = new[] { new ScoredPair(0, 0, 100), new ScoredPair(0, 1, 1), new ScoredPair(1, 0, 1) };
        var both = OptimalAssignment.Solve(new AssignmentProblem(2, [1, 1], pairs));
        Assert.Equal(2, both.Matched);
        Assert.Equal(2, both.TotalScore);
        var best = OptimalAssignment.Solve(new AssignmentProblem(2, [1, 1], pairs, MatchingObjective.MaxScore));
        Assert.Equal(100, best.TotalScore);
        Assert.Equal(1, best.Matched);
    }

    [Fact]
    public void MaxScoreLeavesAMenteeUnmatchedRatherThanTakeANegativePair()
    {
        var r = OptimalAssignment.Solve(new AssignmentProblem(1, [1], [new ScoredPair(0, 0, -5)], MatchingObjective.MaxScore));
        Assert.Equal(-1, r.MentorOfMentee[0]);
        var m = OptimalAssignment.Solve(new AssignmentProblem(1, [1], [new ScoredPair(0, 0, -5)]));
        Assert.Equal(0, m.MentorOfMentee[0]);
        Assert.Equal(-5, m.TotalScore);
    }

    [Fact]
    public void LockedPairIsKeptEvenWhenItIsNotOptimal()
    {
        var pairs = new[] { new ScoredPair(0, 0, 1), new ScoredPair(0, 1, 50), new ScoredPair(1, 1, 2) };
        var r = OptimalAssignment.Solve(new AssignmentProblem(2, [1, 1], pairs, LockedPairs: [new MenteeMentor(0, 0)]));
        Assert.Equal([0, 1], r.MentorOfMentee);
        Assert.Equal(3, r.TotalScore);
    }

    [Theory]
    [InlineData(0, 5, "mentor index out of range")]
    [InlineData(-1, 0, "mentee index out of range")]
    public void PairOutOfRangeIsRejected(int mentee, int mentor, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => OptimalAssignment.Solve(new AssignmentProblem(1, [1], [new ScoredPair(mentee, mentor, 1)])));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void DuplicatePairAndBadLocksAreRejected()
    {
        Assert.Throws<ArgumentException>(() => OptimalAssignment.Solve(new AssignmentProblem(1, [1], [new ScoredPair(0, 0, 1), new ScoredPair(0, 0, 2)])));
        Assert.Throws<ArgumentException>(() => OptimalAssignment.Solve(new AssignmentProblem(2, [1], [new ScoredPair(0, 0, 1)], LockedPairs: [new MenteeMentor(1, 0)])));
        Assert.Throws<ArgumentException>(() => OptimalAssignment.Solve(new AssignmentProblem(2, [1], [new ScoredPair(0, 0, 1), new ScoredPair(1, 0, 1)], LockedPairs: [new MenteeMentor(0, 0), new MenteeMentor(1, 0)])));
    }
}
