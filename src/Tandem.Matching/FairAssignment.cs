namespace Tandem.Matching;

/// <summary>
/// The <see cref="MatchingObjective.MaxMinThenScore"/> objective: among assignments that match as many
/// free mentees as possible, the greatest lowest pair score, then the greatest total (ADR 0034).
/// </summary>
/// <remarks>
/// <para>A working graph (every pair of an explicit problem; a pool's best candidates per mentee and per
/// mentor) is searched by cardinality checks (Hopcroft–Karp with capacities): first the largest number
/// of free mentees that can be matched, then, by bisection over the working graph's distinct scores, the
/// largest threshold t at which that many can still be matched with pairs scoring t or more. Each check
/// that falls short leaves a König cover; the covers are checked against every allowed pair, and pairs
/// they miss join the working graph and the search resumes. Then the exact solver runs on the pairs
/// scoring t or more (max-matched-then-score), which gives the best total and its certificate.</para>
/// </remarks>
internal static class FairAssignment
{
    /// <summary>Uncovered pairs added to the working graph per mentee and round.</summary>
    private const int AddedPerMentee = 8;

    public static AssignmentResult Solve(ExplicitRows rows, IReadOnlyList<MenteeMentor>? locked)
    {
        var pairs = new ExplicitFairPairs(rows, locked);
        var working = new WorkingGraph(rows.Capacities.Length, pairs.Residual, pairs.LockedMentorOf, rows.RowStart, rows.Mentor, rows.Score);
        var search = Search(pairs, working);
        if (search.Threshold is not { } t)
            return Finish(rows.Solve(MatchingObjective.MaxMatchedThenScore, locked), search, pairs);
        var restricted = pairs.AtLeast(t);
        return Finish(restricted.Solve(MatchingObjective.MaxMatchedThenScore, locked), search, pairs);
    }

    public static AssignmentResult Solve(PoolProblem problem, PoolSolveOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pairs = new PoolFairPairs(problem, options.MaxDegreeOfParallelism);
        var plain = problem with { Objective = MatchingObjective.MaxMatchedThenScore };
        var candidates = OptimalAssignment.CandidatePairs(plain, options);
        var working = WorkingGraph.FromPairs(pairs.MenteeCount, pairs.Residual, pairs.LockedMentorOf,
            candidates.Pairs.Select(p => (p.Mentee, p.Mentor, p.Score)).ToList());
        PoolSolver.Trace?.Invoke($"fair: candidates {clock.ElapsedMilliseconds} ms, {working.PairCount:N0} pairs");
        clock.Restart();
        var search = Search(pairs, working);
        PoolSolver.Trace?.Invoke($"fair: threshold {search.Threshold} found and proven in {clock.ElapsedMilliseconds} ms ({search.Checks} checks, {search.Rounds} cover rounds)");
        clock.Restart();
        var scores = search.Threshold is { } t
            ? new ThresholdScoreSource(problem.Scores, (int)t, pairs.LockedMentorOf)
            : problem.Scores;
        var result = Finish(OptimalAssignment.Solve(plain with { Scores = scores }, options), search, pairs);
        PoolSolver.Trace?.Invoke($"fair: solve within the threshold {clock.ElapsedMilliseconds} ms");
        return result;
    }

    private sealed record SearchResult(int FreeMatched, long? Threshold, PairCover MatchedCover, PairCover? AboveCover, int Checks, int Rounds);

    private static AssignmentResult Finish(AssignmentResult inner, SearchResult search, IFairPairs pairs)
    {
        var locks = pairs.LockedMentorOf;
        var free = 0;
        long lowest = long.MaxValue;
        for (var i = 0; i < inner.MentorOfMentee.Length; i++)
        {
            if (locks[i] >= 0 || inner.MentorOfMentee[i] < 0) continue;
            free++;
            lowest = Math.Min(lowest, inner.ScoreOfMentee[i]);
        }
        if (free != search.FreeMatched || (free > 0 && lowest != search.Threshold))
            throw new InvalidOperationException("Internal error: the solve within the threshold did not reach the proven count or threshold.");
        var proof = new FairnessProof(search.FreeMatched, search.Threshold, search.MatchedCover, search.AboveCover, search.Checks, search.Rounds, verified: inner.Certificate.Verified,
            locked: locks.Count(j => j >= 0));
        return inner with { Fairness = proof };
    }

    private static SearchResult Search(IFairPairs pairs, WorkingGraph g)
    {
        var n = pairs.MenteeCount;
        var m = pairs.Residual.Length;
        var checks = 0;
        var rounds = 0;

        // 1. The most free mentees that can be matched, proven by a cover of every allowed pair.
        int nu;
        PairCover matchedCover;
        while (true)
        {
            var hk = g.MaxMatching(long.MinValue);
            checks++;
            rounds++;
            var (cm, cj) = g.Cover(hk, long.MinValue);
            var scan = System.Diagnostics.Stopwatch.StartNew();
            var missed = pairs.Uncovered(long.MinValue, cm, cj, AddedPerMentee, out _);
            PoolSolver.Trace?.Invoke($"fair: cover of all pairs (size {hk.Matched:N0}) checked in {scan.ElapsedMilliseconds} ms, {missed.Count:N0} pairs added");
            if (missed.Count == 0)
            {
                nu = hk.Matched;
                matchedCover = MakeCover(long.MinValue, cm, cj, pairs);
                break;
            }
            g = g.With(missed);
        }
        if (nu == 0) return new SearchResult(0, null, matchedCover, null, checks, rounds);

        // 2. The highest threshold at which nu can still be matched, proven by a cover of the pairs above it.
        long floor = long.MinValue; // a threshold known to allow nu
        while (true)
        {
            var values = g.DistinctScores();
            // Largest index lo with a matching of nu using scores >= values[lo]; values[0] always works.
            var lo = Math.Max(0, LowerBoundIndex(values, floor));
            var hi = values.Length; // first index known to fail (values.Length: above everything)
            while (hi - lo > 1)
            {
                var mid = lo + (hi - lo) / 2;
                checks++;
                if (g.MaxMatching(values[mid]).Matched >= nu) lo = mid; else hi = mid;
            }
            var t = values[lo];
            var above = t == long.MaxValue ? long.MaxValue : t + 1;
            var failing = g.MaxMatching(above);
            checks++;
            var (cm, cj) = g.Cover(failing, above);
            rounds++;
            var scan = System.Diagnostics.Stopwatch.StartNew();
            var missed = pairs.Uncovered(above, cm, cj, AddedPerMentee, out _);
            PoolSolver.Trace?.Invoke($"fair: cover above {t} checked in {scan.ElapsedMilliseconds} ms ({cm.Count(x => !x):N0} mentees outside it), {missed.Count:N0} pairs added");
            if (missed.Count == 0)
            {
                var cover = MakeCover(above, cm, cj, pairs);
                if (cover.Size >= nu) throw new InvalidOperationException("Internal error: the cover above the threshold is not smaller than the count.");
                return new SearchResult(nu, t, matchedCover, cover, checks, rounds);
            }
            g = g.With(missed);
            floor = t;
        }
    }

    /// <summary>First index whose value is at least <paramref name="x"/> (values ascending).</summary>
    private static int LowerBoundIndex(long[] values, long x)
    {
        var i = Array.BinarySearch(values, x);
        return i >= 0 ? i : ~i;
    }

    private static PairCover MakeCover(long atLeast, bool[] coveredMentee, bool[] coveredMentor, IFairPairs pairs)
    {
        var mentees = new List<int>();
        var mentors = new List<int>();
        long size = 0;
        for (var i = 0; i < coveredMentee.Length; i++)
            if (coveredMentee[i] && pairs.LockedMentorOf[i] < 0) { mentees.Add(i); size++; }
        for (var j = 0; j < coveredMentor.Length; j++)
            if (coveredMentor[j]) { mentors.Add(j); size += pairs.Residual[j]; }
        return new PairCover(atLeast, mentees.ToArray(), mentors.ToArray(), size);
    }

    /// <summary>
    /// The working graph with each mentee's pairs sorted by descending score, so that the pairs scoring at
    /// least a threshold are a prefix of each row; maximum matchings with capacities by Hopcroft–Karp.
    /// </summary>
    private sealed class WorkingGraph
    {
        private const int Unreached = int.MaxValue;
        private readonly int _n;
        private readonly int _m;
        private readonly int[] _cap;
        private readonly int[] _start;
        private readonly int[] _adj;
        private readonly long[] _score;
        private readonly int[] _slotStart;
        private readonly bool[] _free;

        /// <summary>The rows given (pairs of locked mentees left out), each sorted by descending score; repeated pairs dropped.</summary>
        public WorkingGraph(int m, int[] residual, int[] lockedMentorOf, int[] start, int[] adj, long[] score)
        {
            var n = lockedMentorOf.Length;
            _n = n;
            _m = m;
            _cap = residual;
            _free = new bool[n];
            for (var i = 0; i < n; i++) _free[i] = lockedMentorOf[i] < 0;
            var count = 0;
            for (var i = 0; i < n; i++) if (_free[i]) count += start[i + 1] - start[i];
            var keys = new long[count];
            var mentors = new int[count];
            _start = new int[n + 1];
            var at = 0;
            for (var i = 0; i < n; i++)
            {
                if (_free[i])
                {
                    for (var e = start[i]; e < start[i + 1]; e++) { keys[at] = -score[e]; mentors[at++] = adj[e]; }
                    Array.Sort(keys, mentors, _start[i], at - _start[i]);
                }
                _start[i + 1] = at;
            }
            // Drop repeated pairs (none are expected), keeping the first.
            var seen = new int[m];
            var degree = new int[m];
            var outAt = 0;
            var newStart = new int[n + 1];
            for (var i = 0; i < n; i++)
            {
                for (var e = _start[i]; e < _start[i + 1]; e++)
                {
                    var j = mentors[e];
                    if (seen[j] == i + 1) continue;
                    seen[j] = i + 1;
                    degree[j]++;
                    mentors[outAt] = j;
                    keys[outAt++] = -keys[e];
                }
                newStart[i + 1] = outAt;
            }
            _start = newStart;
            if (outAt < count)
            {
                Array.Resize(ref mentors, outAt);
                Array.Resize(ref keys, outAt);
            }
            _adj = mentors;
            _score = keys;
            // A mentor never holds more mentees than it has neighbours: slots sized by that.
            _slotStart = new int[m + 1];
            for (var j = 0; j < m; j++) _slotStart[j + 1] = _slotStart[j] + Math.Min(_cap[j], degree[j]);
            _locked = lockedMentorOf;
        }

        private readonly int[] _locked;

        public int PairCount => _adj.Length;

        /// <summary>A graph of the given pairs (grouped by mentee with a counting sort).</summary>
        public static WorkingGraph FromPairs(int n, int[] residual, int[] lockedMentorOf, List<(int I, int J, long S)> pairs)
        {
            var start = new int[n + 1];
            foreach (var p in pairs) start[p.I + 1]++;
            for (var i = 0; i < n; i++) start[i + 1] += start[i];
            var fill = start[..n];
            var adj = new int[pairs.Count];
            var score = new long[pairs.Count];
            foreach (var p in pairs)
            {
                var at = fill[p.I]++;
                adj[at] = p.J;
                score[at] = p.S;
            }
            return new WorkingGraph(residual.Length, residual, lockedMentorOf, start, adj, score);
        }

        /// <summary>This graph with more pairs.</summary>
        public WorkingGraph With(List<(int I, int J, long S)> more)
        {
            var all = new List<(int I, int J, long S)>(_adj.Length + more.Count);
            for (var i = 0; i < _n; i++)
                for (var e = _start[i]; e < _start[i + 1]; e++) all.Add((i, _adj[e], _score[e]));
            all.AddRange(more);
            return FromPairs(_n, _cap, _locked, all);
        }

        public long[] DistinctScores()
        {
            var values = (long[])_score.Clone();
            Array.Sort(values);
            var k = 0;
            for (var e = 0; e < values.Length; e++) if (k == 0 || values[e] != values[k - 1]) values[k++] = values[e];
            Array.Resize(ref values, k);
            return values;
        }

        public sealed record Matching(int Matched, int[] MentorOf, int[] Load, int[] Slots, int[] End);

        /// <summary>End of each row's prefix of pairs scoring at least <paramref name="atLeast"/>.</summary>
        private int[] Ends(long atLeast)
        {
            var end = new int[_n];
            for (var i = 0; i < _n; i++)
            {
                int lo = _start[i], hi = _start[i + 1];
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (_score[mid] >= atLeast) lo = mid + 1; else hi = mid;
                }
                end[i] = lo;
            }
            return end;
        }

        public Matching MaxMatching(long atLeast)
        {
            var n = _n;
            var end = Ends(atLeast);
            var mentorOf = new int[n];
            Array.Fill(mentorOf, -1);
            var load = new int[_m];
            var slots = new int[_slotStart[_m]];
            var matched = 0;
            // Greedy start.
            for (var i = 0; i < n; i++)
                for (var e = _start[i]; e < end[i]; e++)
                {
                    var j = _adj[e];
                    if (load[j] < _cap[j]) { slots[_slotStart[j] + load[j]++] = i; mentorOf[i] = j; matched++; break; }
                }

            var dist = new int[n];
            var it = new int[n];
            var queue = new int[n];
            var mentorSeen = new int[_m];
            var stamp = 0;
            var stI = new int[n + 1];
            var stS = new int[n + 1];
            var stSlot = new int[n + 1];
            while (true)
            {
                // BFS in layers from the free mentees that have pairs.
                stamp++;
                int qh = 0, qt = 0;
                for (var i = 0; i < n; i++)
                {
                    if (_free[i] && mentorOf[i] < 0 && _start[i] < end[i]) { dist[i] = 0; queue[qt++] = i; }
                    else dist[i] = Unreached;
                }
                var limit = Unreached;
                while (qh < qt)
                {
                    var i = queue[qh++];
                    if (dist[i] >= limit) continue;
                    for (var e = _start[i]; e < end[i]; e++)
                    {
                        var j = _adj[e];
                        if (load[j] < _cap[j]) { limit = Math.Min(limit, dist[i] + 1); continue; }
                        if (mentorSeen[j] == stamp) continue;
                        mentorSeen[j] = stamp;
                        for (var s = _slotStart[j]; s < _slotStart[j] + load[j]; s++)
                        {
                            var i2 = slots[s];
                            if (dist[i2] == Unreached) { dist[i2] = dist[i] + 1; queue[qt++] = i2; }
                        }
                    }
                }
                if (limit == Unreached) break;

                // DFS along the layers (iterative), as many disjoint augmenting paths as it finds.
                for (var i = 0; i < n; i++) it[i] = _start[i];
                var augmented = 0;
                for (var root = 0; root < n; root++)
                {
                    if (!_free[root] || mentorOf[root] >= 0 || dist[root] != 0) continue;
                    var top = 0;
                    stI[0] = root;
                    stS[0] = 0;
                    var done = false;
                    while (top >= 0 && !done)
                    {
                        var i = stI[top];
                        var pushed = false;
                        while (it[i] < end[i])
                        {
                            var j = _adj[it[i]];
                            if (load[j] < _cap[j])
                            {
                                if (dist[i] + 1 != limit) { it[i]++; continue; }
                                // Augment: the deepest mentee takes the free place; each mentee above takes the place of the one below.
                                slots[_slotStart[j] + load[j]++] = i;
                                mentorOf[i] = j;
                                for (var k = top - 1; k >= 0; k--)
                                {
                                    var ik = stI[k];
                                    slots[stSlot[k]] = ik;
                                    mentorOf[ik] = _adj[it[ik]];
                                }
                                done = true;
                                break;
                            }
                            var s = stS[top];
                            var next = -1;
                            for (; s < load[j]; s++)
                            {
                                var i2 = slots[_slotStart[j] + s];
                                if (dist[i2] == dist[i] + 1) { next = i2; break; }
                            }
                            if (next >= 0)
                            {
                                stS[top] = s + 1;
                                stSlot[top] = _slotStart[j] + s;
                                top++;
                                stI[top] = next;
                                stS[top] = 0;
                                pushed = true;
                                break;
                            }
                            it[i]++;
                            stS[top] = 0;
                        }
                        if (done || pushed) continue;
                        dist[i] = Unreached;
                        top--;
                    }
                    if (done) { augmented++; matched++; }
                }
                if (augmented == 0) break;
            }
            return new Matching(matched, mentorOf, load, slots, end);
        }

        /// <summary>
        /// König's cover of a maximum matching: mentees and mentors reachable by alternating paths from the
        /// free mentees are Z; the cover is the mentees outside Z and the mentors inside it.
        /// </summary>
        public (bool[] Mentees, bool[] Mentors) Cover(Matching mt, long atLeast)
        {
            var n = _n;
            var inZ = new bool[n];
            var mentorInZ = new bool[_m];
            var queue = new int[n];
            int qh = 0, qt = 0;
            for (var i = 0; i < n; i++)
                if (_free[i] && mt.MentorOf[i] < 0) { inZ[i] = true; queue[qt++] = i; }
            while (qh < qt)
            {
                var i = queue[qh++];
                for (var e = _start[i]; e < mt.End[i]; e++)
                {
                    var j = _adj[e];
                    if (mentorInZ[j]) continue;
                    if (mt.Load[j] < _cap[j]) throw new InvalidOperationException("Internal error: an augmenting path remains after the maximum matching.");
                    mentorInZ[j] = true;
                    for (var s = _slotStart[j]; s < _slotStart[j] + mt.Load[j]; s++)
                    {
                        var i2 = mt.Slots[s];
                        if (!inZ[i2]) { inZ[i2] = true; queue[qt++] = i2; }
                    }
                }
            }
            var coveredMentee = new bool[n];
            for (var i = 0; i < n; i++) coveredMentee[i] = _free[i] && !inZ[i] && mt.MentorOf[i] >= 0;
            return (coveredMentee, mentorInZ);
        }
    }
}
