using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>
/// The pool solver's certificate check reads the first pass's scores back from a byte per pair when a
/// row's scores spread over less than 255, and scores the row again otherwise; it compares rows a
/// vector at a time. Rows of both kinds, wide and narrow pools, both objectives, forbidden and locked pairs.
/// </summary>
public class PoolCheckTests
{
    [Fact]
    public void PoolSolverAgreesWithTheExplicitSolverWhetherRowsAreKeptAsBytesOrScoredAgain()
    {
        var gen =
            from n in Gen.Int[1, 40]
            from m in Gen.Int[1, 40]
            from caps in Gen.Int[0, 3].Array[m]
            from narrow in Gen.Int[-5, 40].Array[n * m]
            from wide in Gen.Int[-200_000, 200_000].Array[n * m]
            from rowKind in Gen.Int[0, 2].Array[n]
            from mask in Gen.Int[0, 5].Array[n * m]
            from obj in Gen.Bool
            from k in Gen.Int[1, 3]
            from forbidSeeds in Gen.Int[0, 10_000].Array[3]
            from lockSeed in Gen.Int[0, 10_000]
            select (n, m, caps, narrow, wide, rowKind, mask, obj, k, forbidSeeds, lockSeed);
        gen.Sample(t =>
        {
            var (n, m) = (t.n, t.m);
            var scores = new int?[n * m];
            for (var idx = 0; idx < n * m; idx++)
                scores[idx] = t.mask[idx] == 0 ? null : t.rowKind[idx / m] == 2 ? t.wide[idx] : t.narrow[idx];
            var objective = t.obj ? MatchingObjective.MaxMatchedThenScore : MatchingObjective.MaxScore;
            var li = t.lockSeed % n;
            var lj = t.lockSeed / n % m;
            (int, int)[] locks = scores[li * m + lj] is not null && t.caps[lj] > 0 ? [(li, lj)] : [];
            var x = new SmallInstance(n, m, t.caps, scores, objective, locks);

            // Coordinator-forbidden pairs on top of the score source (never the locked pair).
            var forbidden = t.forbidSeeds.Select(f => new MenteeMentor(f % n, f / n % m))
                .Where(f => scores[f.Mentee * m + f.Mentor] is not null && !locks.Contains((f.Mentee, f.Mentor)))
                .Distinct().ToArray();
            foreach (var f in forbidden) scores[f.Mentee * m + f.Mentor] = null;

            var pool = x.ToPool() with
            {
                Scores = new DenseScoreMatrix(n, m, scores.Select((s, idx) => forbidden.Any(f => f.Mentee * m + f.Mentor == idx) ? t.narrow[idx] : s ?? PairScores.Forbidden).ToArray()),
                ForbiddenPairs = forbidden,
            };
            var exact = OptimalAssignment.Solve(x.ToProblem());
            var pooled = OptimalAssignment.Solve(pool, new PoolSolveOptions(t.k, t.k, MaxDegreeOfParallelism: 2));
            BruteForce.AssertSameOptimum(objective, BruteForce.Evaluate(x, exact), BruteForce.Evaluate(x, pooled));
            BruteForce.CheckCertificate(x, pooled);
        }, iter: 1500);
    }
}
