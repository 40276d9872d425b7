using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tandem.Matching;

/// <summary>
/// Candidate pruning around the exact sparse solver: one parallel pass scores every pair, keeping
/// each mentee's best mentors, each mentor's best mentees, and per mentee an upper bound on the
/// scores left out. After the exact solve, a mentee is certified at once when
/// <c>u + min(v) &gt;= bound + K</c>; otherwise its row is scored again and compared pair by pair.
/// Violating pairs join the working graph and the graph is solved again.
/// </summary>
internal sealed class PoolSolver
{
    private readonly PoolProblem _p;
    private readonly PoolSolveOptions _o;
    private readonly IPairScoreSource _src;
    private readonly int _n;
    private readonly int _m;
    private readonly int[] _forbidStart;
    private readonly int[] _forbidMentor;
    private ScoreBoundCache? _rowCache;

    public PoolSolver(PoolProblem problem, PoolSolveOptions options)
    {
        _p = problem;
        _o = options;
        _src = problem.Scores ?? throw new ArgumentException("A score source is required.");
        _n = _src.MenteeCount;
        _m = _src.MentorCount;
        var caps = problem.MentorCapacities ?? throw new ArgumentException("Mentor capacities are required.");
        if (caps.Length != _m) throw new ArgumentException($"There are {_m} mentors but {caps.Length} capacities.");
        foreach (var c in caps) if (c < 0) throw new ArgumentException("A mentor capacity cannot be negative.");
        if (options.CandidatesPerMentee < 1) throw new ArgumentException("CandidatesPerMentee must be at least 1.");

        _forbidStart = new int[_n + 1];
        var forbidden = problem.ForbiddenPairs ?? [];
        foreach (var f in forbidden)
        {
            if ((uint)f.Mentee >= (uint)_n || (uint)f.Mentor >= (uint)_m)
                throw new ArgumentException($"Forbidden pair ({f.Mentee}, {f.Mentor}): index out of range.");
            _forbidStart[f.Mentee + 1]++;
        }
        for (var i = 0; i < _n; i++) _forbidStart[i + 1] += _forbidStart[i];
        _forbidMentor = new int[forbidden.Count];
        var fill = (int[])_forbidStart.Clone();
        foreach (var f in forbidden) _forbidMentor[fill[f.Mentee]++] = f.Mentor;
    }

    private void Row(int i, Span<int> row)
    {
        _src.ScoreRow(i, row);
        for (var e = _forbidStart[i]; e < _forbidStart[i + 1]; e++) row[_forbidMentor[e]] = PairScores.Forbidden;
    }

    /// <summary>Pairs within this much of violating the duals are added along with a violator.</summary>
    private const long NearMargin = 2;

    /// <summary>One bit per lane of a compare result (lowest lane first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Lanes(Vector<int> mask)
    {
        if (Vector<int>.Count == 8) return mask.AsVector256().ExtractMostSignificantBits();
        var bits = 0u;
        for (var c = 0; c < Vector<int>.Count; c++) if (mask[c] != 0) bits |= 1u << c;
        return bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(int i, int j)
    {
        var x = (((ulong)(uint)i << 32) | (uint)j) * 0x9E3779B97F4A7C15UL;
        return (uint)(x >> 29);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Key(int score, int i, int j) => ((long)score << 32) | Mix(i, j);

    private sealed record Candidates(OptimalAssignment.Locks Locks, Dictionary<int, int[]> LockedRows, List<(int I, int J, int S)> Edges, int[] Bound, long Bonus, long PairsConsidered, int Threads);

    /// <summary>The first working graph, as an explicit problem (for benchmarks and inspection).</summary>
    public AssignmentProblem CandidateProblem()
    {
        var c = BuildCandidates();
        var pairs = new HashSet<(int, int)>();
        var list = new List<ScoredPair>();
        foreach (var (i, j, s) in c.Edges) if (pairs.Add((i, j))) list.Add(new ScoredPair(i, j, s));
        foreach (var (i, r) in c.LockedRows)
            foreach (var l in _p.LockedPairs ?? []) if (l.Mentee == i && pairs.Add((i, l.Mentor))) list.Add(new ScoredPair(i, l.Mentor, r[l.Mentor]));
        return new AssignmentProblem(_n, _p.MentorCapacities, list, _p.Objective, _p.LockedPairs);
    }

    private Candidates BuildCandidates()
    {
        var n = _n;
        var m = _m;
        var caps = _p.MentorCapacities;

        var lockedRows = new Dictionary<int, int[]>();
        var locks = OptimalAssignment.ApplyLocks(n, caps, _p.LockedPairs, (i, j) =>
        {
            if (!lockedRows.TryGetValue(i, out var r)) { r = new int[m]; Row(i, r); lockedRows[i] = r; }
            return r[j] != PairScores.Forbidden;
        });

        var k = _o.CandidatesPerMentee;
        var maxResidual = 0;
        foreach (var c in locks.Residual) maxResidual = Math.Max(maxResidual, c);
        var kk = _o.CandidatesPerMentor > 0 ? _o.CandidatesPerMentor : Math.Min(64, 2 * maxResidual + 4);
        var threads = _o.MaxDegreeOfParallelism > 0 ? _o.MaxDegreeOfParallelism : Environment.ProcessorCount;
        threads = Math.Max(1, Math.Min(threads, Math.Max(1, n / 64)));

        var topMentor = new int[(long)n * k];
        var topScore = new int[(long)n * k];
        var topCount = new int[n];
        var bound = new int[n]; // best score left out of the mentee's own list (Forbidden: none)
        var chunkMin = new long[threads];
        var chunkMax = new long[threads];
        var chunkAllowed = new long[threads];
        var mentorKeys = new long[threads][];
        var mentorMentees = new int[threads][];
        var mentorFill = new int[threads][];

        var passClock = System.Diagnostics.Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (t) =>
        {
            var row = new int[m];
            var keys = new long[k];
            var js = new int[k];
            var mk = new long[(long)m * kk];
            var mm = new int[(long)m * kk];
            var mf = new int[m];
            var mThr = new int[m];
            var mMinKey = new long[m];
            var mMinPos = new int[m];
            Array.Fill(mThr, int.MinValue + 1);
            Array.Fill(mMinKey, long.MinValue);
            long smin = long.MaxValue, smax = long.MinValue, allowed = 0;
            var from = (int)((long)n * t / threads);
            var to = (int)((long)n * (t + 1) / threads);
            for (var i = from; i < to; i++)
            {
                if (locks.MentorOf[i] >= 0) { bound[i] = PairScores.Forbidden; continue; }
                Row(i, row);
                var cnt = 0;
                var thr = int.MinValue + 1;
                long minKey = long.MinValue;
                var minPos = 0;
                // One pass: vector compares find the rare entries that enter the mentee's list or a
                // mentor's list; counting, minimum and maximum are vector operations too.
                var width = Vector<int>.Count;
                var forbidden = new Vector<int>(PairScores.Forbidden);
                var vMin = new Vector<int>(int.MaxValue);
                var vMax = new Vector<int>(int.MinValue);
                var vAllowed = Vector<int>.Zero;
                var vThr = new Vector<int>(thr);
                var j0 = 0;
                for (; j0 <= m - width; j0 += width)
                {
                    var r = new Vector<int>(row, j0);
                    var ok = ~Vector.Equals(r, forbidden);
                    vAllowed -= ok;
                    vMin = Vector.Min(vMin, Vector.ConditionalSelect(ok, r, new Vector<int>(int.MaxValue)));
                    vMax = Vector.Max(vMax, r);
                    var hit = Vector.GreaterThanOrEqual(r, vThr) | Vector.GreaterThanOrEqual(r, new Vector<int>(mThr, j0));
                    if (hit == Vector<int>.Zero) continue;
                    // Only the lanes that hit: thresholds only rise, so a lane below both stays below them.
                    for (var lanes = Lanes(hit); lanes != 0; lanes &= lanes - 1)
                        Consider(j0 + BitOperations.TrailingZeroCount(lanes));
                    vThr = new Vector<int>(thr);
                }
                int rowLo = int.MaxValue, rowHi = int.MinValue; // the row's allowed scores, for the cache
                for (var j = j0; j < m; j++)
                {
                    var s = row[j];
                    if (s == PairScores.Forbidden) continue;
                    allowed++;
                    if (s < rowLo) rowLo = s;
                    if (s > rowHi) rowHi = s;
                    Consider(j);
                }
                for (var c = 0; c < width; c++)
                {
                    allowed += vAllowed[c];
                    rowLo = Math.Min(rowLo, vMin[c]);
                    rowHi = Math.Max(rowHi, vMax[c]); // forbidden is int.MinValue: never above an allowed score
                }
                if (rowLo != int.MaxValue) { smin = Math.Min(smin, rowLo); smax = Math.Max(smax, rowHi); }

                [MethodImpl(MethodImplOptions.AggressiveOptimization)]
                void Consider(int j)
                {
                    var s = row[j];
                    if (s == PairScores.Forbidden) return;
                    if (s >= thr)
                    {
                        var key = Key(s, i, j);
                        if (cnt < k)
                        {
                            keys[cnt] = key; js[cnt] = j; cnt++;
                            if (cnt == k) { minPos = MinPos(keys, k); minKey = keys[minPos]; thr = (int)(minKey >> 32); }
                        }
                        else if (key > minKey)
                        {
                            keys[minPos] = key; js[minPos] = j;
                            minPos = MinPos(keys, k); minKey = keys[minPos]; thr = (int)(minKey >> 32);
                        }
                    }
                    if (s >= mThr[j])
                    {
                        var key = Key(s, i, j);
                        var baseAt = (long)j * kk;
                        if (mf[j] < kk)
                        {
                            mk[baseAt + mf[j]] = key; mm[baseAt + mf[j]] = i; mf[j]++;
                            if (mf[j] == kk) UpdateMentorMin(mk, baseAt, kk, j, mThr, mMinKey, mMinPos);
                        }
                        else if (key > mMinKey[j])
                        {
                            mk[baseAt + mMinPos[j]] = key; mm[baseAt + mMinPos[j]] = i;
                            UpdateMentorMin(mk, baseAt, kk, j, mThr, mMinKey, mMinPos);
                        }
                    }
                }
                _rowCache?.Store(i, row, rowLo, rowHi);
                var at = (long)i * k;
                for (var c = 0; c < cnt; c++)
                {
                    topMentor[at + c] = js[c];
                    topScore[at + c] = (int)(keys[c] >> 32);
                    row[js[c]] = PairScores.Forbidden;
                }
                topCount[i] = cnt;
                bound[i] = RowMax(row);
            }
            chunkMin[t] = smin; chunkMax[t] = smax; chunkAllowed[t] = allowed;
            mentorKeys[t] = mk; mentorMentees[t] = mm; mentorFill[t] = mf;
        });

        Trace?.Invoke($"pass one: {passClock.Elapsed.TotalMilliseconds:F0} ms");
        long sMin = long.MaxValue, sMax = long.MinValue, pairsConsidered = 0;
        for (var t = 0; t < threads; t++) { sMin = Math.Min(sMin, chunkMin[t]); sMax = Math.Max(sMax, chunkMax[t]); pairsConsidered += chunkAllowed[t]; }
        foreach (var (i, r) in lockedRows)
            foreach (var s in r) if (s != PairScores.Forbidden) pairsConsidered++;
        var bonus = OptimalAssignment.CardinalityBonus(_p.Objective, sMin, sMax, n, locks.Residual);

        // Edge list of the working graph: mentee lists, then mentor lists.
        // Room for the first check's additions too (at most Remembered per mentee, usually a few): growing the
        // list later copies it into a new large-object array, and that set off a collection between rounds.
        var edges = new List<(int I, int J, int S)>(n * k + m * kk * threads + n * 4);
        for (var i = 0; i < n; i++)
            for (var c = 0; c < topCount[i]; c++) edges.Add((i, topMentor[(long)i * k + c], topScore[(long)i * k + c]));
        for (var t = 0; t < threads; t++)
            for (var j = 0; j < m; j++)
                for (var c = 0; c < mentorFill[t][j]; c++)
                {
                    var at = (long)j * kk + c;
                    edges.Add((mentorMentees[t][at], j, (int)(mentorKeys[t][at] >> 32)));
                }
        mentorKeys = null!; mentorMentees = null!;

        Trace?.Invoke($"working graph built: {passClock.Elapsed.TotalMilliseconds:F0} ms after the pass began");
        return new Candidates(locks, lockedRows, edges, bound, bonus, pairsConsidered, threads);
    }

    /// <summary>Per-round diagnostics for benchmarks and profiling (null: none).</summary>
    internal static Action<string>? Trace { get; set; }

    /// <summary>Best pruned pairs remembered per mentee from its last scan, by score minus mentor dual.</summary>
    private const int Remembered = 8;

    public AssignmentResult Run()
    {
        var n = _n;
        var m = _m;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _rowCache = _o.ExhaustiveCheck ? null : ScoreBoundCache.TryCreate(n, m);
        var (locks, lockedRows, edges, bound, bonus, pairsConsidered, threads) = BuildCandidates();
        var k = _o.CandidatesPerMentee;
        var scoringTime = clock.Elapsed;
        TimeSpan solvingTime = default, certifyingTime = default;
        var rounds = 0;
        long rechecked = 0;

        // Per mentee: the remembered pairs of its last scan and beta = the best (score - v_then) among
        // the other pruned pairs. Until a mentee is scanned, beta is its pass-one bound under prices 0.
        var memJ = new int[n * Remembered];
        var memS = new int[n * Remembered];
        var memCount = new int[n];
        var beta = new long[n];
        var scannedAt = new int[n]; // index into priceSnapshots
        InitialBounds(bound, beta);
        var priceSnapshots = new List<long[]> { new long[m] };

        SparseAssignmentSolver? previous = null;
        while (true)
        {
            rounds++;
            var (start, adj, w) = BuildGraph(edges, bonus);
            var solver = new SparseAssignmentSolver(n, locks.Residual, start, adj, w);
            clock.Restart();
            if (previous is null) solver.Run();
            else solver.WarmStart(previous.MentorOf, previous.MenteeDuals, previous.MentorDuals);
            solvingTime += clock.Elapsed;
            Trace?.Invoke($"round {rounds}: solve {clock.Elapsed.TotalMilliseconds:F0} ms, {adj.Length} pairs, {solver.Searches} searches in {solver.Phases} phases");
            clock.Restart();
            if (!OptimalAssignment.CheckStructure(solver, locks, n, m, out _))
                throw new InvalidOperationException("Internal error: the certificate's structure does not hold.");
            var u = solver.MenteeDuals;
            var v = solver.MentorDuals;
            VerifyWorkingGraph(start, adj, w, u, v);

            // How far mentors' duals have fallen since each snapshot. A pruned pair's (score - v) can have
            // grown by at most its mentor's fall; the few mentors that fell most are checked column by
            // column, and the rows are bounded with the largest fall among the rest.
            var worstFall = WorstFall(priceSnapshots, v);
            var columns = new HashSet<int>(Enumerable.Range(0, m).Where(j => worstFall[j] > 0)
                .OrderByDescending(j => worstFall[j]).Take(ColumnBudget));
            var drop = Drops(priceSnapshots, v, columns);
            var columnFound = CheckColumns(columns.ToArray(), locks, u, v, bonus, threads, out var columnCount);
            var snapshotIndex = priceSnapshots.Count;

            var prices = RowPrices.Of(v);
            var extra = new List<(int I, int J, int S)>[threads];
            var counts = new long[threads];
            var scannedAny = new bool[threads];
            var violations = new long[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (t) =>
            {
                var row = new int[m];
                var failing = new int[(m + ScoreBoundCache.Group - 1) / ScoreBoundCache.Group / 4 + 1];
                var found = new List<(int, int, int)>();
                // All remembered near-violators ride along: 3 rounds instead of 4 on benchmark A.
                var topNet = new long[Remembered];
                var topJ = new int[Remembered];
                var topS = new int[Remembered];
                long count = 0;
                var from = (int)((long)n * t / threads);
                var to = (int)((long)n * (t + 1) / threads);
                for (var i = from; i < to; i++)
                {
                    if (locks.MentorOf[i] >= 0) continue;
                    var ui = u[i];
                    if (!_o.ExhaustiveCheck)
                    {
                        // Certified without scoring the row: remembered pairs exactly, the rest by the bound.
                        var ok = beta[i] == long.MinValue || beta[i] + drop[scannedAt[i]] + bonus <= ui;
                        for (var c = 0; ok && c < memCount[i]; c++)
                        {
                            var at = i * Remembered + c;
                            if (memS[at] + bonus - v[memJ[at]] > ui) ok = false;
                        }
                        if (ok) continue;
                    }
                    scannedAny[t] = true;
                    FillRow(i, row, ui - bonus, prices, failing);
                    // Pairs already in the working graph were checked exactly; mask them out of the scan.
                    for (var e = start[i]; e < start[i + 1]; e++)
                        if (row[adj[e]] != PairScores.Forbidden) { row[adj[e]] = PairScores.Forbidden; count++; }
                    count += ScanRow(row, v, prices, topNet, topJ, topS, out var cnt, out var best);
                    memCount[i] = cnt;
                    for (var c = 0; c < cnt; c++)
                    {
                        memJ[i * Remembered + c] = topJ[c];
                        memS[i * Remembered + c] = topS[c];
                    }
                    beta[i] = best;
                    scannedAt[i] = snapshotIndex;
                    {
                        // Add the mentee's best pruned options at these prices: violators and near-violators,
                        // which are likely to matter once the prices move (for every scanned mentee: this
                        // halves the number of rounds on tight pools).
                        for (var c = 0; c < cnt; c++)
                        {
                            if (topNet[c] + bonus > ui) violations[t]++;
                            // A pair of weight 0 or less never enters the working graph (max-score).
                            if (topNet[c] + bonus > ui - NearMargin && topS[c] + bonus > 0) found.Add((i, topJ[c], topS[c]));
                        }
                    }
                }
                extra[t] = found;
                counts[t] = count;
            });
            if (scannedAny.Any(x => x)) priceSnapshots.Add((long[])v.Clone());
            rechecked += counts.Sum() + columnCount;
            certifyingTime += clock.Elapsed;
            Trace?.Invoke($"round {rounds}: check {clock.Elapsed.TotalMilliseconds:F0} ms, {counts.Sum():N0} pairs rescored, {columnCount:N0} by column, {violations.Sum() + columnFound.Count} violations");
            var found = new List<(int I, int J, int S)>(extra.Sum(x => x.Count) + columnFound.Count);
            foreach (var x in extra) found.AddRange(x);
            if (columnFound.Count > 0)
            {
                var inFound = found.Select(f => ((long)f.I << 32) | (uint)f.J).ToHashSet();
                foreach (var f in columnFound) if (inFound.Add(((long)f.I << 32) | (uint)f.J)) found.Add(f);
            }
            // Done when nothing violates the duals; near-violators only ride along with a further round.
            if (violations.Sum() == 0 && columnFound.Count == 0)
            {
                int ScoreOfInt(int i, int j)
                {
                    if (lockedRows.TryGetValue(i, out var r)) return r[j];
                    for (var e = start[i]; e < start[i + 1]; e++) if (adj[e] == j) return (int)(w[e] - bonus);
                    throw new InvalidOperationException("Internal error: assigned pair missing from the working graph.");
                }
                _rowCache = null;
                return OptimalAssignment.Assemble(solver, locks, bonus, n, (i, j) => ScoreOfInt(i, j),
                    new SolveStatistics(pairsConsidered, adj.Length, rounds, rechecked, scoringTime, solvingTime, certifyingTime));
            }
            edges.AddRange(found);
            previous = solver;
        }
    }

    /// <summary>
    /// The first pass's score rows kept as four bits per pair, so that certificate checks, which look at
    /// nearly every row of a tight pool, read them back instead of scoring every pair again. Level 0 marks a
    /// forbidden pair; levels 1-15 cut the row's allowed scores into bands of equal width 2^shift from its
    /// lowest score. With width 1 (scores spreading over fewer than 15 values, as in benchmarks A and E) the
    /// levels are the scores themselves. Otherwise a level gives an upper bound on the score: pairs whose
    /// bound is <see cref="NearMargin"/> or more away from violating the duals are settled, and the groups of
    /// <see cref="Group"/> mentors holding a pair that is not are scored again. Memory is half a byte per
    /// pair (50 MB for A, 1 GB for E), so the cost grows with the number of pairs, with no step where the
    /// cache switches off below <see cref="Budget"/>.
    /// </summary>
    private sealed class ScoreBoundCache
    {
        /// <summary>Mentors per stored group: eight levels of four bits in one <see cref="uint"/>.</summary>
        public const int Group = 8;

        /// <summary>Largest cache in bytes (2.1 x 10^9 pairs; E's 2 x 10^9 fit); larger pools score their rows again.</summary>
        public const long Budget = 1L << 30;

        /// <summary>Rows whose scores spread wider than 15 x 2^20 are not kept (their bounds would be useless).</summary>
        private const int MaxShift = 20;

        private const byte NotKept = 255;
        private readonly uint[] _codes;
        private readonly int[] _lowest;
        private readonly byte[] _shift;
        private readonly int _m;
        private readonly int _groups;

        private ScoreBoundCache(int n, int m)
        {
            _m = m;
            _groups = (m + Group - 1) / Group;
            _codes = GC.AllocateUninitializedArray<uint>(n * _groups);
            _lowest = new int[n];
            _shift = new byte[n];
            Array.Fill(_shift, NotKept); // rows never stored (locked mentees) are scored again if ever asked for
        }

        public static ScoreBoundCache? TryCreate(int n, int m)
        {
            if (n <= 0 || m <= 0) return null;
            var groups = ((long)m + Group - 1) / Group;
            return n * groups * sizeof(uint) <= Budget && n * groups <= Array.MaxLength ? new ScoreBoundCache(n, m) : null;
        }

        /// <summary>Keeps row <paramref name="i"/>, whose allowed scores lie in <paramref name="lo"/>..<paramref name="hi"/> (<c>int.MaxValue</c>, <c>int.MinValue</c>: none allowed).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Store(int i, int[] row, int lo, int hi)
        {
            var m = _m;
            if (lo == int.MaxValue) lo = hi = 0;
            var shift = 0;
            while ((((long)hi - lo) >> shift) > 14) shift++;
            if (shift > MaxShift) { _shift[i] = NotKept; return; }
            _lowest[i] = lo;
            _shift[i] = (byte)shift;
            var dest = _codes.AsSpan(i * _groups, _groups);
            var g = 0;
            if (Avx2.IsSupported)
            {
                var forbidden = Vector256.Create(PairScores.Forbidden);
                var low = Vector256.Create(lo - (1 << shift)); // level = ((s - lo) >> shift) + 1
                var lanes = Vector256.Create(0u, 4, 8, 12, 16, 20, 24, 28);
                for (; g < m / Group; g++)
                {
                    var r = Vector256.LoadUnsafe(ref row[0], (nuint)(g * Group));
                    var level = Vector256.AndNot(Vector256.ShiftRightLogical(r - low, shift), Vector256.Equals(r, forbidden));
                    dest[g] = Vector256.Sum(Avx2.ShiftLeftLogicalVariable(level.AsUInt32(), lanes));
                }
            }
            for (; g < _groups; g++)
            {
                var code = 0u;
                for (var c = 0; c < Group && g * Group + c < m; c++)
                {
                    var s = row[g * Group + c];
                    if (s != PairScores.Forbidden) code |= (uint)(((s - lo) >> shift) + 1) << (4 * c);
                }
                dest[g] = code;
            }
        }

        /// <summary>
        /// Fills <paramref name="row"/> from the cache: <see cref="PairScores.Forbidden"/> for forbidden
        /// pairs, otherwise the score or, in rows kept with bands wider than 1, an upper bound on it. In the
        /// latter case lists the groups holding a pair whose bound is too high to settle it:
        /// <c>bound - (v_j - prices.Base) &gt; limit</c>. Returns the number of such groups (0 when the row
        /// is exact), or -1 when the row is not kept or more than <c>failing.Length</c> groups are in doubt.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Bounds(int i, int[] row, RowPrices? prices, long limit, int[] failing)
        {
            var shift = _shift[i];
            if (shift == NotKept) return -1;
            var exact = shift == 0;
            if (!exact && (prices is null || limit < int.MinValue)) return -1;
            var lim32 = (int)Math.Clamp(limit, int.MinValue, int.MaxValue);
            var lo = _lowest[i];
            var m = _m;
            var src = _codes.AsSpan(i * _groups, _groups);
            var offsets = prices?.Offsets;
            var most = failing.Length;
            var count = 0;
            var g = 0;
            if (Avx2.IsSupported)
            {
                var lanes = Vector256.Create(0u, 4, 8, 12, 16, 20, 24, 28);
                var fifteen = Vector256.Create(15u);
                var forbidden = Vector256.Create(PairScores.Forbidden);
                var top = Vector256.Create(lo - 1); // bound = lo + (level << shift) - 1
                var lim = Vector256.Create(lim32);
                for (; g < m / Group; g++)
                {
                    var level = Vector256.BitwiseAnd(Avx2.ShiftRightLogicalVariable(Vector256.Create(src[g]), lanes), fifteen).AsInt32();
                    var none = Vector256.Equals(level, Vector256<int>.Zero);
                    var bound = top + Vector256.ShiftLeft(level, shift);
                    Vector256.ConditionalSelect(none, forbidden, bound).StoreUnsafe(ref row[0], (nuint)(g * Group));
                    if (exact) continue;
                    var net = Vector256.ConditionalSelect(none, forbidden, bound - Vector256.LoadUnsafe(ref offsets![0], (nuint)(g * Group)));
                    if (Vector256.GreaterThanAny(net, lim))
                    {
                        if (count == most) return -1;
                        failing[count++] = g;
                    }
                }
            }
            for (; g < _groups; g++)
            {
                var code = src[g];
                var fails = false;
                for (var c = 0; c < Group && g * Group + c < m; c++)
                {
                    var j = g * Group + c;
                    var level = (int)((code >> (4 * c)) & 15);
                    if (level == 0) { row[j] = PairScores.Forbidden; continue; }
                    var bound = lo + (level << shift) - 1;
                    row[j] = bound;
                    if (!exact && (long)bound - offsets![j] > limit) fails = true;
                }
                if (fails)
                {
                    if (count == most) return -1;
                    failing[count++] = g;
                }
            }
            return count;
        }
    }

    /// <summary>
    /// Row <paramref name="i"/> for the certificate check: exact scores wherever a pair could come within
    /// <see cref="NearMargin"/> of violating the duals (<c>score - v_j &gt; slack - NearMargin</c>, with
    /// <paramref name="slack"/> = <c>u_i - bonus</c>), from the score cache or scored again, and elsewhere
    /// upper bounds from the cache, which can neither violate the duals nor come near. Without the cache,
    /// or when too many groups are in doubt, the whole row is scored.
    /// </summary>
    private void FillRow(int i, int[] row, long slack, RowPrices? prices, int[] failing)
    {
        if (_rowCache is null) { Row(i, row); return; }
        // score + bonus > u_i + v_j - NearMargin  <=>  score - (v_j - Base) > (u_i - bonus) + Base - NearMargin
        var limit = prices is null ? long.MinValue : slack + prices.Base - NearMargin;
        var count = _rowCache.Bounds(i, row, prices, limit, failing);
        if (count == 0) return;
        if (count < 0 || _src is not IRangeScoreSource ranges) { Row(i, row); return; }
        for (var c = 0; c < count; c++)
        {
            var from = failing[c] * ScoreBoundCache.Group;
            var to = Math.Min(_m, from + ScoreBoundCache.Group);
            ranges.ScoreRange(i, from, row.AsSpan(from, to - from));
            for (var e = _forbidStart[i]; e < _forbidStart[i + 1]; e++)
                if (_forbidMentor[e] >= from && _forbidMentor[e] < to) row[_forbidMentor[e]] = PairScores.Forbidden;
        }
    }

    /// <summary>Mentor duals as 32-bit offsets from their minimum, for vector compares (null when they spread too far).</summary>
    private sealed record RowPrices(int[] Offsets, long Base)
    {
        public static RowPrices? Of(long[] v)
        {
            if (v.Length == 0) return null;
            long lo = long.MaxValue, hi = long.MinValue;
            foreach (var x in v) { lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
            // Scores are below 2^30 in magnitude, so score - offset stays above int.MinValue.
            if (hi - lo >= 1 << 30) return null;
            var offsets = new int[v.Length];
            for (var j = 0; j < v.Length; j++) offsets[j] = (int)(v[j] - lo);
            return new RowPrices(offsets, lo);
        }
    }

    /// <summary>
    /// Scans a score row at the current prices: keeps the <see cref="Remembered"/> best allowed pairs by
    /// <c>score - v</c> and the best value among the rest; returns the number of allowed pairs. With
    /// <paramref name="prices"/> the row is compared a vector at a time and only the rare entries that
    /// enter the kept list are handled one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long ScanRow(int[] row, long[] v, RowPrices? prices, long[] topNet, int[] topJ, int[] topS, out int cnt, out long best)
    {
        var m = row.Length;
        long count = 0;
        var kept = 0;
        var minPos = 0;
        var rest = long.MinValue;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Consider(int j, int s, long net)
        {
            if (kept < Remembered)
            {
                topNet[kept] = net; topJ[kept] = j; topS[kept] = s; kept++;
                if (kept == Remembered) minPos = MinPos(topNet, Remembered);
            }
            else if (net > topNet[minPos])
            {
                rest = Math.Max(rest, topNet[minPos]);
                topNet[minPos] = net; topJ[minPos] = j; topS[minPos] = s;
                minPos = MinPos(topNet, Remembered);
            }
            else if (net > rest) rest = net;
        }

        var j0 = 0;
        if (prices is not null && Vector.IsHardwareAccelerated)
        {
            var width = Vector<int>.Count;
            var offsets = prices.Offsets;
            var lowest = prices.Base;
            var forbidden = new Vector<int>(PairScores.Forbidden);
            var vAllowed = Vector<int>.Zero;
            var vRest = new Vector<int>(int.MinValue);
            for (; j0 <= m - width; j0 += width)
            {
                var r = new Vector<int>(row, j0);
                var ok = ~Vector.Equals(r, forbidden);
                vAllowed -= ok;
                // score - v as an offset from -lowest; forbidden entries become int.MinValue.
                var net = Vector.ConditionalSelect(ok, r - new Vector<int>(offsets, j0), forbidden);
                var threshold = kept < Remembered ? int.MinValue : (int)Math.Clamp(topNet[minPos] + lowest, int.MinValue, int.MaxValue);
                var hit = Vector.GreaterThan(net, new Vector<int>(threshold));
                if (hit == Vector<int>.Zero) { vRest = Vector.Max(vRest, net); continue; }
                // The lanes at or below the threshold could only have raised the best of the rest (the
                // threshold only rises); forbidden lanes are int.MinValue and never hit.
                vRest = Vector.Max(vRest, Vector.ConditionalSelect(hit, forbidden, net));
                for (var lanes = Lanes(hit); lanes != 0; lanes &= lanes - 1)
                {
                    var j = j0 + BitOperations.TrailingZeroCount(lanes);
                    Consider(j, row[j], (long)row[j] - offsets[j] - lowest);
                }
            }
            for (var c = 0; c < width; c++)
            {
                count += vAllowed[c];
                if (vRest[c] != int.MinValue) rest = Math.Max(rest, vRest[c] - lowest);
            }
        }
        for (var j = j0; j < m; j++)
        {
            var s = row[j];
            if (s == PairScores.Forbidden) continue;
            count++;
            Consider(j, s, s - v[j]);
        }
        cnt = kept;
        best = rest;
        return count;
    }

    // The loops of Run live in small methods compiled fully optimised at their first call: a loop in Run
    // itself made the runtime recompile the whole of Run (on-stack replacement) in the middle of the solve,
    // about 40 ms in a fresh process.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InitialBounds(int[] bound, long[] beta)
    {
        for (var i = 0; i < bound.Length; i++) beta[i] = bound[i] == PairScores.Forbidden ? long.MinValue : bound[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VerifyWorkingGraph(int[] start, int[] adj, long[] w, long[] u, long[] v)
    {
        for (var i = 0; i < start.Length - 1; i++)
            for (var e = start[i]; e < start[i + 1]; e++)
                if (u[i] + v[adj[e]] < w[e]) throw new InvalidOperationException("Internal error: a working-graph pair violates the duals.");
    }

    /// <summary>Per mentor, the most its dual has fallen since any snapshot (0 if it never fell).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long[] WorstFall(List<long[]> snapshots, long[] v)
    {
        var worstFall = new long[v.Length];
        foreach (var snap in snapshots)
            for (var j = 0; j < v.Length; j++) worstFall[j] = Math.Max(worstFall[j], snap[j] - v[j]);
        return worstFall;
    }

    /// <summary>Per snapshot, the largest fall of a mentor's dual since it, among mentors not checked by column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long[] Drops(List<long[]> snapshots, long[] v, HashSet<int> columns)
    {
        var drop = new long[snapshots.Count];
        for (var r = 0; r < snapshots.Count; r++)
        {
            var snap = snapshots[r];
            long d = 0;
            for (var j = 0; j < v.Length; j++) if (!columns.Contains(j)) d = Math.Max(d, snap[j] - v[j]);
            drop[r] = d;
        }
        return drop;
    }

    /// <summary>Mentors whose dual fell the most are checked by column, at most this many per round.</summary>
    private const int ColumnBudget = 64;

    /// <summary>Compares every allowed pair of the given mentors with the duals; returns violators.</summary>
    private List<(int I, int J, int S)> CheckColumns(int[] columns, OptimalAssignment.Locks locks, long[] u, long[] v, long bonus, int threads, out long checkedCount)
    {
        var results = new List<(int I, int J, int S)>[columns.Length];
        var counts = new long[columns.Length];
        Parallel.For(0, columns.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new int[_n], (c, _, col) =>
        {
            var j = columns[c];
            _src.ScoreColumn(j, col);
            var found = new List<(int, int, int)>();
            long count = 0;
            for (var i = 0; i < _n; i++)
            {
                var s = col[i];
                if (s == PairScores.Forbidden || locks.MentorOf[i] >= 0 || IsForbidden(i, j)) continue;
                count++;
                if (u[i] + v[j] < s + bonus) found.Add((i, j, s));
            }
            results[c] = found;
            counts[c] = count;
            return col;
        }, _ => { });
        checkedCount = counts.Sum();
        return results.SelectMany(x => x).ToList();
    }

    private bool IsForbidden(int i, int j)
    {
        for (var e = _forbidStart[i]; e < _forbidStart[i + 1]; e++) if (_forbidMentor[e] == j) return true;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int[] Start, int[] Adj, long[] W) BuildGraph(List<(int I, int J, int S)> edges, long bonus)
    {
        var n = _n;
        var start = new int[n + 1];
        foreach (var e in edges) start[e.I + 1]++;
        for (var i = 0; i < n; i++) start[i + 1] += start[i];
        var fill = (int[])start.Clone();
        var adj = new int[edges.Count];
        var w = new long[edges.Count];
        foreach (var e in edges)
        {
            var at = fill[e.I]++;
            adj[at] = e.J;
            w[at] = e.S + bonus;
        }
        // Remove duplicates (a pair can be in both lists) and pairs that cannot help under max-score.
        var seen = new int[_m];
        var outAt = 0;
        var newStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            for (var e = start[i]; e < start[i + 1]; e++)
            {
                var j = adj[e];
                if (seen[j] == i + 1 || w[e] <= 0) continue;
                seen[j] = i + 1;
                adj[outAt] = j;
                w[outAt] = w[e];
                outAt++;
            }
            newStart[i + 1] = outAt;
        }
        Array.Resize(ref adj, outAt);
        Array.Resize(ref w, outAt);
        return (newStart, adj, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MinPos(long[] keys, int k)
    {
        var p = 0;
        for (var c = 1; c < k; c++) if (keys[c] < keys[p]) p = c;
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateMentorMin(long[] mk, long baseAt, int kk, int j, int[] thr, long[] minKey, int[] minPos)
    {
        var p = 0;
        for (var c = 1; c < kk; c++) if (mk[baseAt + c] < mk[baseAt + p]) p = c;
        minPos[j] = p;
        minKey[j] = mk[baseAt + p];
        thr[j] = (int)(minKey[j] >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RowMax(int[] row)
    {
        var best = new Vector<int>(int.MinValue);
        var j = 0;
        var width = Vector<int>.Count;
        for (; j + width <= row.Length; j += width) best = Vector.Max(best, new Vector<int>(row, j));
        var max = int.MinValue;
        for (var c = 0; c < width; c++) max = Math.Max(max, best[c]);
        for (; j < row.Length; j++) max = Math.Max(max, row[j]);
        return max;
    }
}
