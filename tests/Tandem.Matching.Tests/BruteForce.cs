using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>A small random instance: a score matrix where null marks a forbidden pair.</summary>
public sealed record SmallInstance(int N, int M, int[] Caps, int?[] Scores, MatchingObjective Objective, (int Mentee, int Mentor)[] Locks)
{
    public int? Score(int i, int j) => Scores[i * M + j];

    public AssignmentProblem ToProblem()
    {
        var pairs = new List<ScoredPair>();
        for (var i = 0; i < N; i++)
            for (var j = 0; j < M; j++)
                if (Score(i, j) is { } s) pairs.Add(new ScoredPair(i, j, s));
        return new AssignmentProblem(N, Caps, pairs, Objective, Locks.Select(l => new MenteeMentor(l.Mentee, l.Mentor)).ToArray());
    }

    public PoolProblem ToPool() => new(
        new DenseScoreMatrix(N, M, Scores.Select(s => s ?? PairScores.Forbidden).ToArray()),
        Caps, Objective, Locks.Select(l => new MenteeMentor(l.Mentee, l.Mentor)).ToArray());

    public override string ToString() =>
        $"N={N} M={M} caps=[{string.Join(",", Caps)}] obj={Objective} locks=[{string.Join(" ", Locks)}] scores=[{string.Join(",", Scores.Select(s => s?.ToString() ?? "x"))}]";
}

/// <summary>Exhaustive search over every assignment, for checking the solvers.</summary>
public static class BruteForce
{
    /// <summary>Best (matched, total score) under the instance's objective, compared lexicographically for max-matched-then-score.</summary>
    public static (int Matched, long Score) Best(SmallInstance x)
    {
        var load = new int[x.M];
        var locked = new int[x.N];
        Array.Fill(locked, -1);
        foreach (var (i, j) in x.Locks) locked[i] = j;
        (int, long) best = (-1, long.MinValue);

        void Go(int i, int matched, long score)
        {
            if (i == x.N)
            {
                if (Better((matched, score), best, x.Objective)) best = (matched, score);
                return;
            }
            if (locked[i] >= 0)
            {
                var j = locked[i];
                load[j]++;
                if (load[j] <= x.Caps[j]) Go(i + 1, matched + 1, score + x.Score(i, j)!.Value);
                load[j]--;
                return;
            }
            Go(i + 1, matched, score);
            for (var j = 0; j < x.M; j++)
            {
                if (x.Score(i, j) is not { } s || load[j] >= x.Caps[j]) continue;
                load[j]++;
                Go(i + 1, matched + 1, score + s);
                load[j]--;
            }
        }

        Go(0, 0, 0);
        return best;
    }

    public static bool Better((int Matched, long Score) a, (int Matched, long Score) b, MatchingObjective objective) =>
        objective == MatchingObjective.MaxScore
            ? a.Score > b.Score
            : a.Matched > b.Matched || (a.Matched == b.Matched && a.Score > b.Score);

    /// <summary>Asserts two (matched, score) outcomes are equally good under the objective (max-score ignores the count).</summary>
    public static void AssertSameOptimum(MatchingObjective objective, (int Matched, long Score) expected, (int Matched, long Score) actual)
    {
        if (objective == MatchingObjective.MaxScore) Assert.Equal(expected.Score, actual.Score);
        else Assert.Equal(expected, actual);
    }

    /// <summary>Checks that a result is a feasible assignment of the instance and returns its (matched, score).</summary>
    public static (int Matched, long Score) Evaluate(SmallInstance x, AssignmentResult r)
    {
        var load = new int[x.M];
        long score = 0;
        var matched = 0;
        for (var i = 0; i < x.N; i++)
        {
            var j = r.MentorOfMentee[i];
            if (j < 0) continue;
            Assert.True(x.Score(i, j).HasValue, $"mentee {i} assigned to forbidden mentor {j}");
            Assert.Equal(x.Score(i, j)!.Value, r.ScoreOfMentee[i]);
            load[j]++;
            score += x.Score(i, j)!.Value;
            matched++;
        }
        for (var j = 0; j < x.M; j++) Assert.True(load[j] <= x.Caps[j], $"mentor {j} over capacity");
        foreach (var (i, j) in x.Locks) Assert.Equal(j, r.MentorOfMentee[i]);
        Assert.Equal(matched, r.Matched);
        Assert.Equal(score, r.TotalScore);
        return (matched, score);
    }

    /// <summary>Independent check of the certificate against every allowed pair of the instance.</summary>
    public static void CheckCertificate(SmallInstance x, AssignmentResult r)
    {
        var c = r.Certificate;
        Assert.True(c.Verified);
        var locked = x.Locks.Select(l => l.Mentee).ToHashSet();
        var residual = (int[])x.Caps.Clone();
        foreach (var (_, j) in x.Locks) residual[j]--;
        var load = new int[x.M];
        for (var i = 0; i < x.N; i++) if (!locked.Contains(i) && r.MentorOfMentee[i] >= 0) load[r.MentorOfMentee[i]]++;
        long dual = 0, primal = 0;
        for (var i = 0; i < x.N; i++)
        {
            Assert.True(c.MenteeDuals[i] >= 0);
            if (locked.Contains(i)) continue;
            dual += c.MenteeDuals[i];
            for (var j = 0; j < x.M; j++)
                if (x.Score(i, j) is { } s)
                    Assert.True(c.MenteeDuals[i] + c.MentorDuals[j] >= s + c.CardinalityBonus, $"pair ({i},{j}) violates the duals");
            if (r.MentorOfMentee[i] >= 0) primal += r.ScoreOfMentee[i] + c.CardinalityBonus;
        }
        for (var j = 0; j < x.M; j++)
        {
            Assert.True(c.MentorDuals[j] >= 0);
            dual += c.MentorDuals[j] * residual[j];
        }
        Assert.Equal(primal, dual);
    }
}

public static class Instances
{
    /// <summary>Random small instances with forbidden pairs, negative scores, ties, zero capacities and locks.</summary>
    public static CsCheck.Gen<SmallInstance> Small(int maxN = 6, int maxM = 4) =>
        from n in CsCheck.Gen.Int[0, maxN]
        from m in CsCheck.Gen.Int[1, maxM]
        from caps in CsCheck.Gen.Int[0, 3].Array[m]
        from scores in CsCheck.Gen.Int[-4, 12].Array[n * m]
        from mask in CsCheck.Gen.Int[0, 3].Array[n * m]
        from objective in CsCheck.Gen.Int[0, 1]
        from lockSeeds in CsCheck.Gen.Int[0, 99].Array[2]
        select Build(n, m, caps, scores, mask, objective == 0 ? MatchingObjective.MaxMatchedThenScore : MatchingObjective.MaxScore, lockSeeds);

    private static SmallInstance Build(int n, int m, int[] caps, int[] scores, int[] mask, MatchingObjective objective, int[] lockSeeds)
    {
        var s = new int?[n * m];
        for (var k = 0; k < n * m; k++) s[k] = mask[k] == 0 ? null : scores[k];
        // Up to two locks, kept only when consistent (allowed pair, distinct mentee, capacity left).
        var locks = new List<(int, int)>();
        var used = new int[m];
        foreach (var seed in lockSeeds)
        {
            if (n == 0 || seed >= 40) continue;
            var i = seed % n;
            var j = seed / n % m;
            if (s[i * m + j] is null || locks.Any(l => l.Item1 == i) || used[j] >= caps[j]) continue;
            used[j]++;
            locks.Add((i, j));
        }
        return new SmallInstance(n, m, caps, s, objective, locks.ToArray());
    }
}
