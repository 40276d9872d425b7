using System.Numerics;

namespace Tandem.Matching;

/// <summary>
/// Every allowed pair of a problem, as the max-min-then-score solver and its proof checker need them:
/// scans for pairs a cover misses and for pairs that break a certificate's duals. Pairs of locked
/// mentees never count; capacities are what the locks leave.
/// </summary>
internal interface IFairPairs
{
    int MenteeCount { get; }

    /// <summary>Each mentor's capacity left after locked pairs.</summary>
    int[] Residual { get; }

    /// <summary>The locked mentor of each mentee, or -1.</summary>
    int[] LockedMentorOf { get; }

    /// <summary>Score of an allowed pair; <see cref="long.MinValue"/> when the pair is not allowed.</summary>
    long ScoreOf(int mentee, int mentor);

    /// <summary>
    /// Allowed pairs of free, uncovered mentees with uncovered mentors scoring at least <paramref name="atLeast"/>:
    /// at most <paramref name="perMentee"/> per mentee (the best scoring); <paramref name="total"/> counts them all.
    /// </summary>
    List<(int I, int J, long S)> Uncovered(long atLeast, bool[] coveredMentee, bool[] coveredMentor, int perMentee, out long total);

    /// <summary>A pair of a free mentee scoring at least <paramref name="atLeast"/> with <c>u + v &lt; score + bonus</c>, if any.</summary>
    MenteeMentor? FirstDualViolation(long atLeast, long[] u, long[] v, long bonus);
}

/// <summary>An explicit problem's listed pairs.</summary>
internal sealed class ExplicitFairPairs : IFairPairs
{
    public ExplicitFairPairs(ExplicitRows rows, IReadOnlyList<MenteeMentor>? locked)
    {
        Rows = rows;
        Locked = locked ?? [];
        var locks = OptimalAssignment.ApplyLocks(rows.MenteeCount, rows.Capacities, locked, (i, j) => rows.ScoreOf(i, j) != long.MinValue);
        Residual = locks.Residual;
        LockedMentorOf = locks.MentorOf;
    }

    public ExplicitRows Rows { get; }
    public IReadOnlyList<MenteeMentor> Locked { get; }
    public int MenteeCount => Rows.MenteeCount;
    public int[] Residual { get; }
    public int[] LockedMentorOf { get; }

    public long ScoreOf(int mentee, int mentor) => Rows.ScoreOf(mentee, mentor);

    public List<(int I, int J, long S)> Uncovered(long atLeast, bool[] coveredMentee, bool[] coveredMentor, int perMentee, out long total)
    {
        var found = new List<(int I, int J, long S)>();
        var row = new List<(int I, int J, long S)>();
        total = 0;
        for (var i = 0; i < Rows.MenteeCount; i++)
        {
            if (LockedMentorOf[i] >= 0 || coveredMentee[i]) continue;
            row.Clear();
            for (var e = Rows.RowStart[i]; e < Rows.RowStart[i + 1]; e++)
                if (Rows.Score[e] >= atLeast && !coveredMentor[Rows.Mentor[e]]) row.Add((i, Rows.Mentor[e], Rows.Score[e]));
            total += row.Count;
            if (row.Count > perMentee) row.Sort(static (a, b) => b.S.CompareTo(a.S));
            for (var c = 0; c < Math.Min(perMentee, row.Count); c++) found.Add(row[c]);
        }
        return found;
    }

    public MenteeMentor? FirstDualViolation(long atLeast, long[] u, long[] v, long bonus)
    {
        for (var i = 0; i < Rows.MenteeCount; i++)
        {
            if (LockedMentorOf[i] >= 0) continue;
            for (var e = Rows.RowStart[i]; e < Rows.RowStart[i + 1]; e++)
                if (Rows.Score[e] >= atLeast && u[i] + v[Rows.Mentor[e]] < Rows.Score[e] + bonus) return new MenteeMentor(i, Rows.Mentor[e]);
        }
        return null;
    }

    /// <summary>The problem restricted to pairs of free mentees scoring at least <paramref name="atLeast"/>, locked mentees' rows kept whole.</summary>
    public ExplicitRows AtLeast(long atLeast)
    {
        var n = Rows.MenteeCount;
        var start = new int[n + 1];
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            for (var e = Rows.RowStart[i]; e < Rows.RowStart[i + 1]; e++)
                if (LockedMentorOf[i] >= 0 || Rows.Score[e] >= atLeast) count++;
            start[i + 1] = count;
        }
        var mentor = new int[count];
        var score = new long[count];
        var at = 0;
        for (var i = 0; i < n; i++)
            for (var e = Rows.RowStart[i]; e < Rows.RowStart[i + 1]; e++)
                if (LockedMentorOf[i] >= 0 || Rows.Score[e] >= atLeast) { mentor[at] = Rows.Mentor[e]; score[at++] = Rows.Score[e]; }
        return new ExplicitRows(n, Rows.Capacities, start, mentor, score);
    }
}

/// <summary>A pool's pairs, scored row by row (in parallel) whenever they are scanned.</summary>
internal sealed class PoolFairPairs : IFairPairs
{
    private readonly IPairScoreSource _src;
    private readonly int[] _forbidStart;
    private readonly int[] _forbidMentor;
    private readonly int _threads;

    public PoolFairPairs(PoolProblem problem, int maxDegreeOfParallelism)
    {
        Problem = problem;
        _src = problem.Scores ?? throw new ArgumentException("A score source is required.");
        var n = _src.MenteeCount;
        var m = _src.MentorCount;
        var caps = problem.MentorCapacities ?? throw new ArgumentException("Mentor capacities are required.");
        if (caps.Length != m) throw new ArgumentException($"There are {m} mentors but {caps.Length} capacities.");
        _forbidStart = new int[n + 1];
        var forbidden = problem.ForbiddenPairs ?? [];
        foreach (var f in forbidden)
        {
            if ((uint)f.Mentee >= (uint)n || (uint)f.Mentor >= (uint)m)
                throw new ArgumentException($"Forbidden pair ({f.Mentee}, {f.Mentor}): index out of range.");
            _forbidStart[f.Mentee + 1]++;
        }
        for (var i = 0; i < n; i++) _forbidStart[i + 1] += _forbidStart[i];
        _forbidMentor = new int[forbidden.Count];
        var fill = (int[])_forbidStart.Clone();
        foreach (var f in forbidden) _forbidMentor[fill[f.Mentee]++] = f.Mentor;
        var locks = OptimalAssignment.ApplyLocks(n, caps, problem.LockedPairs, (i, j) => ScoreOf(i, j) != long.MinValue);
        Residual = locks.Residual;
        LockedMentorOf = locks.MentorOf;
        var threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        _threads = Math.Max(1, Math.Min(threads, Math.Max(1, n / 64)));
    }

    public PoolProblem Problem { get; }
    public int MenteeCount => _src.MenteeCount;
    public int[] Residual { get; }
    public int[] LockedMentorOf { get; }

    private void Row(int i, int[] row)
    {
        _src.ScoreRow(i, row);
        for (var e = _forbidStart[i]; e < _forbidStart[i + 1]; e++) row[_forbidMentor[e]] = PairScores.Forbidden;
    }

    public long ScoreOf(int mentee, int mentor)
    {
        var row = new int[_src.MentorCount];
        Row(mentee, row);
        return row[mentor] == PairScores.Forbidden ? long.MinValue : row[mentor];
    }

    /// <summary>A score threshold as an int a row can be compared with (scores are below 2^30 in magnitude).</summary>
    private static int Clamp(long atLeast) => (int)Math.Clamp(atLeast, PairScores.Forbidden + 1L, int.MaxValue);

    public List<(int I, int J, long S)> Uncovered(long atLeast, bool[] coveredMentee, bool[] coveredMentor, int perMentee, out long total)
    {
        // Score whichever is fewer: the rows of the mentees outside the cover, or the columns of the mentors outside it.
        long rowsLeft = 0, columnsLeft = 0;
        for (var i = 0; i < MenteeCount; i++) if (!coveredMentee[i] && LockedMentorOf[i] < 0) rowsLeft++;
        foreach (var c in coveredMentor) if (!c) columnsLeft++;
        return columnsLeft * MenteeCount < rowsLeft * _src.MentorCount
            ? UncoveredByColumn(atLeast, coveredMentee, coveredMentor, perMentee, out total)
            : UncoveredByRow(atLeast, coveredMentee, coveredMentor, perMentee, out total);
    }

    private bool IsForbidden(int i, int j)
    {
        for (var e = _forbidStart[i]; e < _forbidStart[i + 1]; e++) if (_forbidMentor[e] == j) return true;
        return false;
    }

    private List<(int I, int J, long S)> UncoveredByColumn(long atLeast, bool[] coveredMentee, bool[] coveredMentor, int perMentee, out long total)
    {
        var n = MenteeCount;
        var t = Clamp(atLeast);
        var columns = Enumerable.Range(0, coveredMentor.Length).Where(j => !coveredMentor[j]).ToArray();
        var results = new List<(int I, int J, long S)>[columns.Length];
        Parallel.For(0, columns.Length, new ParallelOptions { MaxDegreeOfParallelism = _threads }, () => new int[n], (c, _, col) =>
        {
            var j = columns[c];
            _src.ScoreColumn(j, col);
            var found = new List<(int I, int J, long S)>();
            for (var i = 0; i < n; i++)
                if (col[i] >= t && !coveredMentee[i] && LockedMentorOf[i] < 0 && !IsForbidden(i, j)) found.Add((i, j, col[i]));
            results[c] = found;
            return col;
        }, _ => { });
        var all = results.SelectMany(x => x).ToList();
        total = all.Count;
        // The best few per mentee, as the row scan keeps.
        return all.GroupBy(x => x.I).SelectMany(g => g.OrderByDescending(x => x.S).Take(perMentee)).ToList();
    }

    private List<(int I, int J, long S)> UncoveredByRow(long atLeast, bool[] coveredMentee, bool[] coveredMentor, int perMentee, out long total)
    {
        var n = MenteeCount;
        var m = _src.MentorCount;
        // Per-mentor threshold: a covered mentor can never be hit.
        var thr = new int[m];
        var t = Clamp(atLeast);
        for (var j = 0; j < m; j++) thr[j] = coveredMentor[j] ? int.MaxValue : t;
        var results = new List<(int I, int J, long S)>[_threads];
        var counts = new long[_threads];
        Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
        {
            var row = new int[m];
            var hits = new List<(int I, int J, long S)>();
            var found = new List<(int I, int J, long S)>();
            long count = 0;
            var width = Vector<int>.Count;
            for (var i = (int)((long)n * c / _threads); i < (int)((long)n * (c + 1) / _threads); i++)
            {
                if (LockedMentorOf[i] >= 0 || coveredMentee[i]) continue;
                Row(i, row);
                hits.Clear();
                var j0 = 0;
                for (; j0 <= m - width; j0 += width)
                {
                    if (!Vector.GreaterThanOrEqualAny(new Vector<int>(row, j0), new Vector<int>(thr, j0))) continue;
                    for (var j = j0; j < j0 + width; j++) if (row[j] >= thr[j]) hits.Add((i, j, row[j]));
                }
                for (var j = j0; j < m; j++) if (row[j] >= thr[j]) hits.Add((i, j, row[j]));
                count += hits.Count;
                if (hits.Count > perMentee) hits.Sort(static (a, b) => b.S.CompareTo(a.S));
                for (var k = 0; k < Math.Min(perMentee, hits.Count); k++) found.Add(hits[k]);
            }
            results[c] = found;
            counts[c] = count;
        });
        total = counts.Sum();
        return results.SelectMany(x => x).ToList();
    }

    public MenteeMentor? FirstDualViolation(long atLeast, long[] u, long[] v, long bonus)
    {
        var n = MenteeCount;
        var m = _src.MentorCount;
        var t = Clamp(atLeast);
        var found = new MenteeMentor?[_threads];
        Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
        {
            var row = new int[m];
            for (var i = (int)((long)n * c / _threads); i < (int)((long)n * (c + 1) / _threads) && found[c] is null; i++)
            {
                if (LockedMentorOf[i] >= 0) continue;
                Row(i, row);
                for (var j = 0; j < m; j++)
                    if (row[j] >= t && u[i] + v[j] < row[j] + bonus) { found[c] = new MenteeMentor(i, j); break; }
            }
        });
        return found.FirstOrDefault(x => x is not null);
    }
}

/// <summary>
/// A score source with the pairs of free mentees scoring below a threshold forbidden; locked mentees'
/// rows are passed through whole, so their locks stay allowed.
/// </summary>
internal sealed class ThresholdScoreSource(IPairScoreSource inner, int atLeast, int[] lockedMentorOf) : IPairScoreSource
{
    public int MenteeCount => inner.MenteeCount;
    public int MentorCount => inner.MentorCount;

    public void ScoreRow(int mentee, Span<int> scores)
    {
        inner.ScoreRow(mentee, scores);
        if (lockedMentorOf[mentee] >= 0) return;
        var j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<int>.Count;
            var t = new Vector<int>(atLeast);
            var forbidden = new Vector<int>(PairScores.Forbidden);
            for (; j <= scores.Length - width; j += width)
            {
                var r = new Vector<int>(scores[j..]);
                Vector.ConditionalSelect(Vector.LessThan(r, t), forbidden, r).CopyTo(scores[j..]);
            }
        }
        for (; j < scores.Length; j++) if (scores[j] < atLeast) scores[j] = PairScores.Forbidden;
    }

    public void ScoreColumn(int mentor, Span<int> scores)
    {
        inner.ScoreColumn(mentor, scores);
        for (var i = 0; i < scores.Length; i++) if (scores[i] < atLeast && lockedMentorOf[i] < 0) scores[i] = PairScores.Forbidden;
    }
}
