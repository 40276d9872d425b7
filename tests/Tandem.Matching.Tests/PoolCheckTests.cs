using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>
/// The pool solver's certificate check reads the first pass's scores back from four bits per pair: exact
/// when a row's scores spread over fewer than 15 values, otherwise upper bounds, with the groups of 8 mentors
/// in doubt scored again (or the whole row, for sources that cannot score a range); it compares rows a vector
/// at a time. Rows of every kind, wide and narrow pools, both objectives, forbidden and locked pairs.
/// </summary>
public class PoolCheckTests
{
    [Fact]
    public void PoolSolverAgreesWithTheExplicitSolverWhetherRowsAreKeptExactlyAsBoundsOrScoredAgain()
    {
        var gen =
            from n in Gen.Int[1, 40]
            from m in Gen.Int[1, 40]
            from caps in Gen.Int[0, 3].Array[m]
            from narrow in Gen.Int[-5, 40].Array[n * m]
            from wide in Gen.Int[-200_000, 200_000].Array[n * m]
            from tiny in Gen.Int[3, 16].Array[n * m]
            from rowKind in Gen.Int[0, 3].Array[n]
            from rangeless in Gen.Bool
            from mask in Gen.Int[0, 5].Array[n * m]
            from obj in Gen.Bool
            from k in Gen.Int[1, 3]
            from forbidSeeds in Gen.Int[0, 10_000].Array[3]
            from lockSeed in Gen.Int[0, 10_000]
            select (n, m, caps, narrow, wide, tiny, rowKind, rangeless, mask, obj, k, forbidSeeds, lockSeed);
        gen.Sample(t =>
        {
            var (n, m) = (t.n, t.m);
            var scores = new int?[n * m];
            for (var idx = 0; idx < n * m; idx++)
                scores[idx] = t.mask[idx] == 0 ? null : t.rowKind[idx / m] switch { 2 => t.wide[idx], 3 => t.tiny[idx], _ => t.narrow[idx] };
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

            var dense = new DenseScoreMatrix(n, m, scores.Select((s, idx) => forbidden.Any(f => f.Mentee * m + f.Mentor == idx) ? t.narrow[idx] : s ?? PairScores.Forbidden).ToArray());
            var pool = x.ToPool() with
            {
                Scores = t.rangeless ? new RowsOnly(dense) : dense,
                ForbiddenPairs = forbidden,
            };
            var exact = OptimalAssignment.Solve(x.ToProblem());
            var pooled = OptimalAssignment.Solve(pool, new PoolSolveOptions(t.k, t.k, MaxDegreeOfParallelism: 2));
            BruteForce.AssertSameOptimum(objective, BruteForce.Evaluate(x, exact), BruteForce.Evaluate(x, pooled));
            BruteForce.CheckCertificate(x, pooled);
        }, iter: 1500);
    }

    /// <summary>A score source that can only score whole rows (no range scoring).</summary>
    private sealed class RowsOnly(IPairScoreSource inner) : IPairScoreSource
    {
        public int MenteeCount => inner.MenteeCount;
        public int MentorCount => inner.MentorCount;
        public void ScoreRow(int mentee, Span<int> scores) => inner.ScoreRow(mentee, scores);
    }

    /// <summary>
    /// A pool of 12,000 x 12,000 pairs, above the 2^27 pairs where the earlier one-byte score cache switched
    /// off, with about 20 allowed mentors per mentee, scores spreading over 0-100 (so the cache holds bounds,
    /// not scores) and a tight total capacity: the same optimum as OR-Tools' min-cost flow over the allowed pairs.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APoolAboveTheOldCacheBudgetHasOrToolsOptimum(bool rangeless)
    {
        const int n = 12_000, m = 12_000;
        Assert.True((long)n * m > 1L << 27);
        var sparse = new HashedSparse(n, m, 20, 2026);
        var caps = Enumerable.Range(0, m).Select(j => j % 4 == 0 ? 0 : 1).ToArray(); // 9,000 places: the check reads nearly every row
        foreach (var objective in new[] { MatchingObjective.MaxMatchedThenScore, MatchingObjective.MaxScore })
        {
            var r = OptimalAssignment.Solve(new PoolProblem(rangeless ? new RowsOnly(sparse) : sparse, caps, Objective: objective),
                new PoolSolveOptions(MaxDegreeOfParallelism: 2));
            Assert.True(r.Optimal);
            var row = new int[m];
            var pairs = new List<ScoredPair>();
            for (var i = 0; i < n; i++)
            {
                sparse.ScoreRow(i, row);
                for (var j = 0; j < m; j++) if (row[j] != PairScores.Forbidden) pairs.Add(new ScoredPair(i, j, row[j]));
            }
            var (weight, matched, score) = OrToolsReference.MaxWeight(n, caps, pairs, r.Certificate.CardinalityBonus, objective);
            Assert.Equal(weight, r.Certificate.PrimalWeight);
            Assert.Equal(score, r.TotalScore);
            if (objective == MatchingObjective.MaxMatchedThenScore) Assert.Equal(matched, r.Matched);
        }
    }

    /// <summary>Each mentee allows about <c>degree</c> mentors (from a hash), scores 0-100; range scoring supported.</summary>
    private sealed class HashedSparse(int n, int m, int degree, int seed) : IPairScoreSource, IRangeScoreSource
    {
        public int MenteeCount => n;
        public int MentorCount => m;

        private int Score(int i, int j)
        {
            var h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)i << 32 | (uint)j);
            h ^= h >> 31; h *= 0xBF58476D1CE4E5B9UL; h ^= h >> 29; h *= 0x94D049BB133111EBUL; h ^= h >> 32;
            return h % (ulong)m < (ulong)degree ? (int)(h / (ulong)m % 101) : PairScores.Forbidden;
        }

        public void ScoreRow(int mentee, Span<int> scores)
        {
            for (var j = 0; j < m; j++) scores[j] = Score(mentee, j);
        }

        public void ScoreRange(int mentee, int from, Span<int> scores)
        {
            for (var k = 0; k < scores.Length; k++) scores[k] = Score(mentee, from + k);
        }
    }
}
