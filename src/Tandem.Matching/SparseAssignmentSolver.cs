using System.Runtime.CompilerServices;

namespace Tandem.Matching;

/// <summary>
/// Exact maximum-weight b-matching on a sparse bipartite graph (mentees take one mentor, mentors
/// take up to their capacity, anyone may stay unmatched), by shortest augmenting paths with dual
/// potentials: a Hungarian method with capacities.
/// </summary>
/// <remarks>
/// <para>Invariants, which together are the optimality certificate: <c>u, v &gt;= 0</c>;
/// <c>u[i] + v[j] &gt;= w(i, j)</c> on every edge; equality on assigned edges; <c>v[j] = 0</c> while
/// mentor j has free capacity; a processed unmatched mentee has <c>u[i] = 0</c>. Weights are integers,
/// so every comparison is exact.</para>
/// <para>After a greedy start, the mentees still waiting are placed in phases (primal-dual, as in
/// Hopcroft–Karp for weights): one Dijkstra search on reduced costs from all of them at once finds the
/// distance D to the nearest terminal (a mentor with a free place, or a tree mentee whose <c>u</c> can
/// reach 0 and who is then dropped) and moves the duals of the tree by up to D, so that shortest paths
/// become tight; then a depth-first search from each waiting mentee augments along tight edges only,
/// as many disjoint paths as it finds. Tight paths are shortest paths, so every augmentation keeps the
/// invariants, and each phase places or drops at least one mentee. On tight pools (every mentor fills,
/// many equal scores) a phase places hundreds of mentees for the price of one search, where one
/// search per mentee explored a large part of the graph for each of the last few thousand.</para>
/// <para>Mentor loads never decrease, so a full mentor stays full and its positive <c>v</c> stays
/// legitimate. The one-search-per-mentee path is kept (<see cref="SingleSearches"/>) as a reference
/// for tests.</para>
/// </remarks>
internal sealed class SparseAssignmentSolver
{
    private const long Infinity = long.MaxValue / 4;

    private readonly int _n;
    private readonly int _m;
    private readonly int[] _start;
    private readonly int[] _adj;
    private readonly long[] _w;
    private readonly int[] _cap;

    private readonly int[] _mentorOf;
    private readonly long[] _u;
    private readonly long[] _v;
    private readonly int[] _count;
    private readonly int[] _slotStart;
    private readonly int[] _slots;
    private readonly int[] _slotOf;

    // Dijkstra state, reset lazily by generation stamps.
    private readonly long[] _dist;
    private readonly int[] _pred;
    private readonly int[] _seen;
    private readonly int[] _settled;
    private int _generation;
    private readonly List<int> _treeMentees = new();
    private readonly List<long> _treeDist = new();
    private readonly List<int> _settledMentors = new();
    private readonly MinHeap _heap;
    private readonly BucketQueue _queue = new();

    // Mentor-side adjacency (built on demand for warm starts): mentee and edge index per mentor.
    private int[]? _colStart;
    private int[]? _colMentee;
    private int[]? _colEdge;
    private long[]? _menteeDist;
    private int[]? _menteeSeen;
    private int[]? _menteeSettled;
    private int[]? _predMentor;
    private int[]? _entryMentee;
    private int[]? _mentorInTree;

    // Depth-first search state of the phases: visit stamps and an explicit stack (paths can be long).
    private int[]? _visit;
    private int[]? _stackMentee;
    private int[]? _stackEdge;
    private int[]? _stackMentor;
    private int[]? _stackSlot;

    /// <summary>Number of Dijkstra searches run, phases included (diagnostics).</summary>
    public int Searches { get; private set; }

    /// <summary>Edges and nodes looked at by the searches, the unit in which phases and single searches are compared.</summary>
    private long _work;

    /// <summary>Number of phases run (diagnostics).</summary>
    public int Phases { get; private set; }

    /// <summary>Place waiting mentees one Dijkstra search each, as before the phases (a reference for tests).</summary>
    public bool SingleSearches { get; init; }

    /// <summary>After a warm start: mentees whose dual decreased (their pairs must be checked again).</summary>
    public HashSet<int> MenteesLowered { get; } = new();

    /// <summary>After a warm start: mentors whose dual decreased (their pairs must be checked again).</summary>
    public HashSet<int> MentorsLowered { get; } = new();

    private bool _tracking;

    public SparseAssignmentSolver(int menteeCount, int[] capacities, int[] start, int[] adj, long[] weights)
    {
        _n = menteeCount;
        _m = capacities.Length;
        _start = start;
        _adj = adj;
        _w = weights;
        _cap = capacities;
        _mentorOf = new int[_n];
        Array.Fill(_mentorOf, -1);
        _u = new long[_n];
        _v = new long[_m];
        _count = new int[_m];
        _slotStart = new int[_m + 1];
        for (var j = 0; j < _m; j++) _slotStart[j + 1] = _slotStart[j] + Math.Min(capacities[j], _n);
        _slots = new int[_slotStart[_m]];
        _slotOf = new int[_n];
        _dist = new long[_m];
        _pred = new int[_m];
        _seen = new int[_m];
        _settled = new int[_m];
        _heap = new MinHeap(Math.Max(16, Math.Min(adj.Length + 1, 4096))); // grows on demand: untouched memory costs page faults in a fresh process
    }

    public int[] MentorOf => _mentorOf;
    public long[] MenteeDuals => _u;
    public long[] MentorDuals => _v;
    public int[] Load => _count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run()
    {
        var pending = new List<int>();
        // Greedy start with v = 0: each mentee takes a best edge if that mentor still has room.
        for (var i = 0; i < _n; i++)
        {
            long best = 0;
            for (var e = _start[i]; e < _start[i + 1]; e++) if (_w[e] > best) best = _w[e];
            _u[i] = best;
            if (best == 0) continue; // nothing positive: stays unmatched with u = 0
            var placed = false;
            for (var e = _start[i]; e < _start[i + 1]; e++)
            {
                var j = _adj[e];
                if (_w[e] == best && _count[j] < _cap[j]) { Assign(i, j); placed = true; break; }
            }
            if (!placed) pending.Add(i);
        }

        var roots = new List<int>(pending.Count);
        foreach (var r in pending)
        {
            // Tighten u[r] to the smallest feasible value under the current mentor prices.
            long best = 0;
            for (var e = _start[r]; e < _start[r + 1]; e++)
            {
                var x = _w[e] - _v[_adj[e]];
                if (x > best) best = x;
            }
            _u[r] = best;
            if (best > 0) roots.Add(r);
        }
        Place(roots);
    }

    /// <summary>Places (or drops) every waiting mentee: in phases, or one search each for <see cref="SingleSearches"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Place(List<int> roots)
    {
        if (SingleSearches) foreach (var r in roots) Augment(r);
        else RunPhases(roots);
    }

    /// <summary>
    /// Continues from a previous optimum on a subgraph of this graph (same mentees and mentors, more
    /// edges): keeps its assignment and duals, releases mentees that a new edge shows to be under-priced,
    /// re-augments them, then lowers the price of any mentor left with a free place and a positive dual.
    /// Records whose duals went down, so only their pairs need checking again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WarmStart(int[] mentorOf, long[] u, long[] v)
    {
        _tracking = true;
        Array.Copy(u, _u, _n);
        Array.Copy(v, _v, _m);
        for (var i = 0; i < _n; i++) if (mentorOf[i] >= 0) Assign(i, mentorOf[i]);
        var pending = new List<int>();
        var dirty = new List<int>();
        for (var i = 0; i < _n; i++)
        {
            long best = 0;
            for (var e = _start[i]; e < _start[i + 1]; e++)
            {
                var x = _w[e] - _v[_adj[e]];
                if (x > best) best = x;
            }
            if (best <= _u[i]) continue;
            _u[i] = best; // raising u keeps every pair feasible; the assigned pair may stop being tight
            var j = _mentorOf[i];
            if (j >= 0)
            {
                var tight = false;
                for (var e = _start[i]; e < _start[i + 1]; e++) if (_adj[e] == j) { tight = _u[i] + _v[j] == _w[e]; break; }
                if (tight) continue;
                Unassign(i);
                if (_v[j] > 0) dirty.Add(j);
            }
            pending.Add(i);
        }
        var roots = new List<int>(pending.Count);
        foreach (var r in pending)
        {
            long best = 0;
            for (var e = _start[r]; e < _start[r + 1]; e++)
            {
                var x = _w[e] - _v[_adj[e]];
                if (x > best) best = x;
            }
            if (best < _u[r]) MenteesLowered.Add(r);
            _u[r] = best;
            if (best > 0) roots.Add(r);
        }
        Place(roots);
        if (SingleSearches)
        {
            foreach (var j in dirty)
                while (_count[j] < _cap[j] && _v[j] > 0) LowerPrice(j);
        }
        else RunPricePhases(dirty);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Unassign(int i)
    {
        var j = _mentorOf[i];
        var slot = _slotOf[i];
        var last = _slotStart[j] + --_count[j];
        var moved = _slots[last];
        _slots[slot] = moved;
        _slotOf[moved] = slot;
        _mentorOf[i] = -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BuildColumns()
    {
        if (_colStart is not null) return;
        _colStart = new int[_m + 1];
        foreach (var j in _adj) _colStart[j + 1]++;
        for (var j = 0; j < _m; j++) _colStart[j + 1] += _colStart[j];
        var fill = (int[])_colStart.Clone();
        _colMentee = new int[_adj.Length];
        _colEdge = new int[_adj.Length];
        for (var i = 0; i < _n; i++)
            for (var e = _start[i]; e < _start[i + 1]; e++)
            {
                var at = fill[_adj[e]]++;
                _colMentee[at] = i;
                _colEdge[at] = e;
            }
        _menteeDist = new long[_n];
        _menteeSeen = new int[_n];
        _menteeSettled = new int[_n];
        _predMentor = new int[_n];
        _entryMentee = new int[_m];
        _mentorInTree = new int[_m];
    }

    /// <summary>
    /// Mentor-rooted search for a mentor with a free place and a positive dual: lowers the duals of a
    /// tree of mentors (raising those of their mentees) until an unmatched mentee can take a place, or
    /// some tree mentor's dual reaches 0 and the free place moves there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LowerPrice(int root)
    {
        BuildColumns();
        Searches++;
        var gen = ++_generation;
        var treeMentors = new List<(int Mentor, long D)>();
        var treeMentees = new List<(int Mentee, long D)>();
        _heap.Clear();
        long bestZero = _v[root];
        var zeroMentor = root;
        var terminalMentee = -1;
        long dStar;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void AddMentor(int j, long d)
        {
            _mentorInTree![j] = gen;
            treeMentors.Add((j, d));
            if (d + _v[j] < bestZero) { bestZero = d + _v[j]; zeroMentor = j; }
            // Its own mentees move with it (their pairs with it stay tight).
            for (var s = _slotStart[j]; s < _slotStart[j] + _count[j]; s++)
            {
                var i = _slots[s];
                if (_menteeSettled![i] == gen) continue;
                _menteeSettled[i] = gen;
                treeMentees.Add((i, d));
            }
            _work += _colStart![j + 1] - _colStart[j] + 1;
            for (var c = _colStart![j]; c < _colStart[j + 1]; c++)
            {
                var i = _colMentee![c];
                if (_menteeSettled![i] == gen) continue;
                var nd = d + _u[i] + _v[j] - _w[_colEdge![c]];
                if (_menteeSeen![i] != gen || nd < _menteeDist![i])
                {
                    _menteeSeen[i] = gen;
                    _menteeDist![i] = nd;
                    _predMentor![i] = j;
                    _heap.Push(nd, i);
                }
            }
        }

        AddMentor(root, 0);
        while (true)
        {
            long dmin = Infinity;
            var top = -1;
            while (_heap.Count > 0)
            {
                var (key, i) = _heap.Peek();
                if (_menteeSettled![i] == gen || key > _menteeDist![i]) { _heap.Pop(); continue; }
                dmin = key; top = i; break;
            }
            if (bestZero <= dmin) { dStar = bestZero; break; }
            _heap.Pop();
            _menteeSettled![top] = gen;
            treeMentees.Add((top, dmin));
            var owner = _mentorOf[top];
            if (owner < 0) { terminalMentee = top; dStar = dmin; break; }
            if (_mentorInTree![owner] != gen)
            {
                _entryMentee![owner] = top;
                AddMentor(owner, dmin);
            }
        }

        foreach (var (i, d) in treeMentees) _u[i] += dStar - d;
        foreach (var (j, d) in treeMentors)
        {
            _v[j] -= dStar - d;
            if (dStar > d) MentorsLowered.Add(j);
        }

        // Shift mentees one step towards the root along the tree path.
        int cur;
        if (terminalMentee >= 0) cur = terminalMentee;
        else
        {
            if (zeroMentor == root) return;
            cur = _entryMentee![zeroMentor];
            Unassign(cur);
        }
        while (true)
        {
            var j = _predMentor![cur];
            if (j == root)
            {
                if (_mentorOf[cur] >= 0) Unassign(cur);
                Assign(cur, j);
                return;
            }
            var next = _entryMentee![j];
            if (_mentorOf[cur] >= 0) Unassign(cur);
            // next leaves j for its own predecessor; cur takes its place at j.
            Unassign(next);
            Assign(cur, j);
            cur = next;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Assign(int i, int j)
    {
        var slot = _slotStart[j] + _count[j]++;
        _slots[slot] = i;
        _slotOf[i] = slot;
        _mentorOf[i] = j;
    }

    /// <summary>
    /// Primal-dual phases: a multi-source Dijkstra search from every waiting mentee to the nearest
    /// terminal at distance D, a dual update that makes shortest paths tight, then augmentations along
    /// tight paths found by depth-first search, until no mentee waits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPhases(List<int> roots)
    {
        _visit ??= new int[_n];
        _stackMentee ??= new int[_n + 1];
        _stackEdge ??= new int[_n + 1];
        _stackMentor ??= new int[_n + 1];
        _stackSlot ??= new int[_n + 1];
        var next = new List<int>(roots.Count);
        var poorPhases = 0;
        while (roots.Count > 0)
        {
            Phases++;
            Searches++;
            var workBefore = _work;
            var gen = ++_generation;
            _treeMentees.Clear();
            _treeDist.Clear();
            _settledMentors.Clear();
            _queue.Clear();
            var dStar = Infinity;
            foreach (var r in roots)
            {
                _treeMentees.Add(r);
                _treeDist.Add(0);
                if (_u[r] < dStar) dStar = _u[r];
                ScanForPhase(r, 0, gen, ref dStar);
            }
            while (true)
            {
                long dmin = Infinity;
                var top = -1;
                while (_queue.TryPeek(out var key, out var j))
                {
                    if (_settled[j] == gen || key > _dist[j]) { _queue.Pop(); continue; }
                    dmin = key; top = j; break;
                }
                if (dmin >= dStar) break;
                _queue.Pop();
                _settled[top] = gen;
                _settledMentors.Add(top);
                for (var s = _slotStart[top]; s < _slotStart[top] + _count[top]; s++)
                {
                    var i = _slots[s];
                    _treeMentees.Add(i);
                    _treeDist.Add(dmin);
                    if (dmin + _u[i] < dStar) dStar = dmin + _u[i];
                    ScanForPhase(i, dmin, gen, ref dStar);
                }
            }

            // Everything reached moves by how much closer it was than D: shortest paths become tight.
            for (var k = 0; k < _treeMentees.Count; k++)
            {
                var delta = dStar - _treeDist[k];
                _u[_treeMentees[k]] -= delta;
                if (_tracking && delta > 0) MenteesLowered.Add(_treeMentees[k]);
            }
            foreach (var j in _settledMentors) _v[j] += dStar - _dist[j];

            // One pass over the waiting mentees; a mentee whose u reached 0 is dropped (stays unmatched).
            next.Clear();
            foreach (var r in roots)
                if (_u[r] > 0 && !AugmentTight(r, gen)) next.Add(r);
            var placed = roots.Count - next.Count;
            (roots, next) = (next, roots);

            HandOver(roots, placed, workBefore, ref poorPhases, menteeSide: true);
        }
    }

    /// <summary>
    /// After a phase. A phase rescans every waiting root's edges; when it settles few of them (scores spread widely,
    /// so that distances rarely tie), one search per root is far cheaper. After <see cref="PoorPhasesBeforeSearches"/>
    /// such phases in a row, runs single searches (mentee side: <see cref="Augment"/>; mentor side:
    /// <see cref="LowerPrice"/>) on the waiting roots while they cost less per root than the last phase did and until
    /// they have spent as much as that phase, so neither way costs much more than the other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void HandOver(List<int> roots, int settled, long workBefore, ref int poorPhases, bool menteeSide)
    {
        poorPhases = settled * PoorPhaseShare < roots.Count + settled ? poorPhases + 1 : 0;
        if (poorPhases < PoorPhasesBeforeSearches) return;
        var phaseWork = _work - workBefore;
        var perRoot = phaseWork / Math.Max(1, settled);
        var singleStart = _work;
        for (var count = 1; roots.Count > 0; count++)
        {
            var r = roots[^1];
            roots.RemoveAt(roots.Count - 1);
            if (menteeSide)
            {
                if (_u[r] > 0) Augment(r);
            }
            else
            {
                while (_count[r] < _cap[r] && _v[r] > 0) LowerPrice(r);
            }
            var spent = _work - singleStart;
            if (spent >= phaseWork || (count >= SingleSearchTrial && spent / count >= perRoot)) break;
        }
    }

    /// <summary>Single searches run before their cost per mentee is compared with the last phase's.</summary>
    private const int SingleSearchTrial = 8;

    /// <summary>A phase is poor when it places fewer than one in this many of the mentees (or mentors) waiting.</summary>
    public int PoorPhaseShare { get; init; } = 50;

    /// <summary>
    /// Consecutive poor phases before one search each is tried (3, with a share of 50: benchmark A never
    /// gets there; graphs whose scores spread widely do at once, where each phase places about one mentee).
    /// </summary>
    public int PoorPhasesBeforeSearches { get; init; } = 3;

    /// <summary>
    /// The mirror of <see cref="RunPhases"/> for mentors left with a free place and a positive dual after
    /// a warm start: a multi-source search from all of them (as <see cref="LowerPrice"/> does from one)
    /// to the nearest terminal at distance D (an unmatched mentee who can take a place, or a tree
    /// mentor whose dual reaches 0), a dual update that makes shortest paths tight, then depth-first
    /// searches from each such mentor along tight edges, each path shifting mentees one mentor towards it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunPricePhases(List<int> dirty)
    {
        BuildColumns();
        var roots = new List<int>();
        // A mentor that lost several mentees is listed once per mentee.
        foreach (var j in new HashSet<int>(dirty)) if (_count[j] < _cap[j] && _v[j] > 0) roots.Add(j);
        if (roots.Count == 0) return;
        var treeMentors = new List<(int Mentor, long D)>();
        var treeMentees = new List<(int Mentee, long D)>();
        var next = new List<int>(roots.Count);
        var mentorVisit = new int[_m];
        var menteeVisit = new int[_n];
        var stMentor = new int[_m + 1];
        var stCursor = new int[_m + 1];
        var stMentee = new int[_m + 1];
        var poorPhases = 0;
        while (roots.Count > 0)
        {
            Phases++;
            Searches++;
            var workBefore = _work;
            var gen = ++_generation;
            treeMentors.Clear();
            treeMentees.Clear();
            _queue.Clear();
            var dStar = Infinity;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            void AddMentor(int j, long d, ref long dStar)
            {
                _mentorInTree![j] = gen;
                treeMentors.Add((j, d));
                if (d + _v[j] < dStar) dStar = d + _v[j];
                // Its own mentees move with it (their pairs with it stay tight).
                for (var s = _slotStart[j]; s < _slotStart[j] + _count[j]; s++)
                {
                    var i = _slots[s];
                    if (_menteeSettled![i] == gen) continue;
                    _menteeSettled[i] = gen;
                    treeMentees.Add((i, d));
                }
                _work += _colStart![j + 1] - _colStart[j] + 1;
                for (var c = _colStart![j]; c < _colStart[j + 1]; c++)
                {
                    var i = _colMentee![c];
                    if (_menteeSettled![i] == gen || _mentorOf[i] == j) continue;
                    var nd = d + _u[i] + _v[j] - _w[_colEdge![c]];
                    if (nd >= dStar) continue;
                    if (_mentorOf[i] < 0) { dStar = nd; continue; }
                    if (_menteeSeen![i] != gen || nd < _menteeDist![i])
                    {
                        _menteeSeen[i] = gen;
                        _menteeDist![i] = nd;
                        _queue.Push(nd, i);
                    }
                }
            }

            foreach (var r in roots) AddMentor(r, 0, ref dStar);
            while (true)
            {
                long dmin = Infinity;
                var top = -1;
                while (_queue.TryPeek(out var key, out var i))
                {
                    if (_menteeSettled![i] == gen || key > _menteeDist![i]) { _queue.Pop(); continue; }
                    dmin = key; top = i; break;
                }
                if (dmin >= dStar) break;
                _queue.Pop();
                _menteeSettled![top] = gen;
                treeMentees.Add((top, dmin));
                var owner = _mentorOf[top];
                if (_mentorInTree![owner] != gen) AddMentor(owner, dmin, ref dStar);
            }

            foreach (var (i, d) in treeMentees) _u[i] += dStar - d;
            foreach (var (j, d) in treeMentors)
            {
                _v[j] -= dStar - d;
                if (_tracking && dStar > d) MentorsLowered.Add(j);
            }

            next.Clear();
            foreach (var r in roots)
            {
                while (_count[r] < _cap[r] && _v[r] > 0 && FillTight(r, gen, mentorVisit, menteeVisit, stMentor, stCursor, stMentee)) { }
                if (_count[r] < _cap[r] && _v[r] > 0) next.Add(r);
            }
            var done = roots.Count - next.Count;
            (roots, next) = (next, roots);

            HandOver(roots, done, workBefore, ref poorPhases, menteeSide: false);
        }
    }

    /// <summary>
    /// Depth-first search from mentor <paramref name="root"/> (a free place, positive dual) along tight
    /// edges: a mentee not its own, then that mentee's mentor, until an unmatched mentee or a mentor whose
    /// dual is 0; applies the path (each mentee on it moves one mentor towards the root).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FillTight(int root, int gen, int[] mentorVisit, int[] menteeVisit, int[] stMentor, int[] stCursor, int[] stMentee)
    {
        if (mentorVisit[root] == gen) return false;
        mentorVisit[root] = gen;
        var depth = 0;
        stMentor[0] = root;
        stCursor[0] = _colStart![root];
        while (depth >= 0)
        {
            var j = stMentor[depth];
            var end = _colStart[j + 1];
            var c = stCursor[depth];
            var pushed = false;
            _work++;
            for (; c < end; c++)
            {
                var i = _colMentee![c];
                _work++;
                if (menteeVisit[i] == gen || _mentorOf[i] == j || _u[i] + _v[j] != _w[_colEdge![c]]) continue;
                var k = _mentorOf[i];
                if (k < 0 || _v[k] == 0)
                {
                    stMentee[depth] = i;
                    // Top down, so that each mentor has a free slot when its new mentee arrives.
                    for (var d = 0; d <= depth; d++)
                    {
                        var x = stMentee[d];
                        menteeVisit[x] = gen - 1;
                        mentorVisit[stMentor[d]] = gen - 1;
                        if (_mentorOf[x] >= 0) Unassign(x);
                        Assign(x, stMentor[d]);
                    }
                    return true;
                }
                if (mentorVisit[k] == gen) continue;
                menteeVisit[i] = gen;
                mentorVisit[k] = gen;
                stMentee[depth] = i;
                stCursor[depth] = c + 1;
                depth++;
                stMentor[depth] = k;
                stCursor[depth] = _colStart[k];
                pushed = true;
                break;
            }
            if (!pushed) depth--;
        }
        return false;
    }

    /// <summary>Relaxes the edges of tree mentee <paramref name="i"/> for a phase; a mentor with room is a terminal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanForPhase(int i, long di, int gen, ref long dStar)
    {
        var baseCost = di + _u[i];
        var end = _start[i + 1];
        _work += end - _start[i] + 1;
        for (var e = _start[i]; e < end; e++)
        {
            var j = _adj[e];
            if (_settled[j] == gen) continue;
            var nd = baseCost + _v[j] - _w[e];
            if (nd >= dStar) continue;
            if (_count[j] < _cap[j]) { dStar = nd; continue; }
            if (_seen[j] != gen || nd < _dist[j])
            {
                _seen[j] = gen;
                _dist[j] = nd;
                _queue.Push(nd, j);
            }
        }
    }

    /// <summary>
    /// Depth-first search from waiting mentee <paramref name="root"/> along tight edges (mentee to a
    /// mentor that is not its own, then to one of that mentor's mentees) to a mentor with room or to an
    /// assigned mentee whose u is 0 (who then leaves); applies the path. Mentees are visited once per
    /// phase, except that the mentees of an applied path may be visited again (their edges changed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AugmentTight(int root, int gen)
    {
        var visit = _visit!;
        var stMentee = _stackMentee!;
        var stEdge = _stackEdge!;
        var stMentor = _stackMentor!;
        var stSlot = _stackSlot!;
        if (visit[root] == gen) return false;
        visit[root] = gen;
        var depth = 0;
        stMentee[0] = root;
        stEdge[0] = _start[root];
        stMentor[0] = -1;
        while (depth >= 0)
        {
            var j = stMentor[depth];
            if (j >= 0)
            {
                // Next mentee of the mentor entered at this level.
                var end = _slotStart[j] + _count[j];
                var s = stSlot[depth];
                for (; s < end; s++)
                {
                    var y = _slots[s];
                    if (visit[y] == gen) continue;
                    visit[y] = gen;
                    if (_u[y] == 0)
                    {
                        Unassign(y);
                        ApplyPath(depth, j, gen);
                        return true;
                    }
                    stSlot[depth] = s + 1;
                    depth++;
                    stMentee[depth] = y;
                    stEdge[depth] = _start[y];
                    stMentor[depth] = -1;
                    break;
                }
                if (s == end) stMentor[depth] = -1;
                continue;
            }
            var i = stMentee[depth];
            var e = stEdge[depth];
            var eEnd = _start[i + 1];
            var own = _mentorOf[i];
            var ui = _u[i];
            _work++;
            for (; e < eEnd; e++)
            {
                var k = _adj[e];
                _work++;
                if (k == own || ui + _v[k] != _w[e]) continue;
                if (_count[k] < _cap[k]) { ApplyPath(depth, k, gen); return true; }
                stEdge[depth] = e + 1;
                stMentor[depth] = k;
                stSlot[depth] = _slotStart[k];
                break;
            }
            if (e == eEnd) depth--;
        }
        return false;
    }

    /// <summary>Moves each mentee on the search stack to the mentor chosen at its level; the last one to <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyPath(int depth, int target, int gen)
    {
        var stMentee = _stackMentee!;
        for (var d = depth; d >= 0; d--)
        {
            var x = stMentee[d];
            // Its edges changed: later searches of this phase may pass through it again.
            _visit![x] = gen - 1;
            var previous = _mentorOf[x];
            if (previous >= 0) Unassign(x);
            Assign(x, target);
            target = previous;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Augment(int root)
    {
        Searches++;
        var gen = ++_generation;
        _treeMentees.Clear();
        _treeDist.Clear();
        _settledMentors.Clear();
        _queue.Clear();

        var bestNull = _u[root];
        var nullMentee = root;
        var terminalMentor = -1;
        long dStar;

        _treeMentees.Add(root);
        _treeDist.Add(0);
        dStar = Scan(root, 0, gen, ref terminalMentor);
        if (terminalMentor < 0)
        {
            while (true)
            {
                long dmin = Infinity;
                var top = -1;
                while (_queue.TryPeek(out var key, out var j))
                {
                    if (_settled[j] == gen || key > _dist[j]) { _queue.Pop(); continue; }
                    dmin = key; top = j; break;
                }
                if (bestNull < dmin) { dStar = bestNull; break; }
                _queue.Pop();
                _settled[top] = gen;
                _settledMentors.Add(top);
                if (_count[top] < _cap[top]) { terminalMentor = top; dStar = dmin; break; }
                var found = false;
                for (var s = _slotStart[top]; s < _slotStart[top] + _count[top]; s++)
                {
                    var i = _slots[s];
                    _treeMentees.Add(i);
                    _treeDist.Add(dmin);
                    if (dmin + _u[i] < bestNull) { bestNull = dmin + _u[i]; nullMentee = i; }
                    var d = Scan(i, dmin, gen, ref terminalMentor);
                    if (terminalMentor >= 0) { dStar = d; found = true; break; }
                }
                if (found) break;
            }
        }

        // Dual update: everything reached moves by how much closer it was than the terminal.
        for (var k = 0; k < _treeMentees.Count; k++)
        {
            var delta = dStar - _treeDist[k];
            _u[_treeMentees[k]] -= delta;
            if (_tracking && delta > 0) MenteesLowered.Add(_treeMentees[k]);
        }
        foreach (var j in _settledMentors) _v[j] += dStar - _dist[j];

        int mentor, freeSlot;
        if (terminalMentor >= 0)
        {
            mentor = terminalMentor;
            freeSlot = _slotStart[mentor] + _count[mentor]++;
        }
        else
        {
            if (nullMentee == root) return; // root stays unmatched, u[root] is now 0
            mentor = _mentorOf[nullMentee];
            freeSlot = _slotOf[nullMentee];
            _mentorOf[nullMentee] = -1;
        }
        while (true)
        {
            var i = _pred[mentor];
            var oldMentor = _mentorOf[i];
            var oldSlot = _slotOf[i];
            _slots[freeSlot] = i;
            _slotOf[i] = freeSlot;
            _mentorOf[i] = mentor;
            if (i == root) break;
            mentor = oldMentor;
            freeSlot = oldSlot;
        }
    }

    /// <summary>Relaxes the edges of tree mentee <paramref name="i"/>; stops early on a tight edge to a mentor with room.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long Scan(int i, long di, int gen, ref int terminalMentor)
    {
        var baseCost = di + _u[i];
        var end = _start[i + 1];
        _work += end - _start[i] + 1;
        for (var e = _start[i]; e < end; e++)
        {
            var j = _adj[e];
            if (_settled[j] == gen) continue;
            var nd = baseCost + _v[j] - _w[e];
            if (_seen[j] != gen || nd < _dist[j])
            {
                _seen[j] = gen;
                _dist[j] = nd;
                _pred[j] = i;
                if (nd == di && _count[j] < _cap[j])
                {
                    // Nothing can be closer than the current distance: this is a shortest terminal.
                    _settled[j] = gen;
                    _settledMentors.Add(j);
                    terminalMentor = j;
                    return nd;
                }
                _queue.Push(nd, j);
            }
        }
        return 0;
    }

    /// <summary>
    /// Dial's bucket queue for the Dijkstra searches: keys are integers that never go below the last
    /// key taken, and almost all fall within a short window of it, so a ring of buckets gives O(1)
    /// push and pop; keys beyond the window wait in a binary heap.
    /// </summary>
    private sealed class BucketQueue
    {
        private const int Ring = 1024;
        private const int Mask = Ring - 1;
        private readonly int[] _head = new int[Ring];
        private readonly int[] _headGen = new int[Ring];
        private int _gen = 1;
        private long[] _key = new long[256];
        private int[] _node = new int[256];
        private int[] _next = new int[256];
        private int _entries;
        private int _inBuckets;
        private long _cur;
        private readonly MinHeap _far = new(64);
        private bool _peekFromFar;

        public void Clear()
        {
            _gen++;
            _entries = 0;
            _inBuckets = 0;
            _cur = 0;
            _far.Clear();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Push(long key, int node)
        {
            if (key < _cur) key = _cur; // cannot happen with consistent reduced costs; keeps the ring sound
            if (key - _cur >= Ring) { _far.Push(key, node); return; }
            if (_entries == _key.Length)
            {
                Array.Resize(ref _key, _entries * 2);
                Array.Resize(ref _node, _entries * 2);
                Array.Resize(ref _next, _entries * 2);
            }
            var e = _entries++;
            var b = (int)(key & Mask);
            _key[e] = key;
            _node[e] = node;
            _next[e] = _headGen[b] == _gen ? _head[b] : -1;
            _head[b] = e;
            _headGen[b] = _gen;
            _inBuckets++;
        }

        public bool TryPeek(out long key, out int node)
        {
            while (true)
            {
                if (_far.Count > 0 && _far.Peek().Key <= _cur)
                {
                    (key, node) = _far.Peek();
                    _peekFromFar = true;
                    return true;
                }
                if (_inBuckets == 0)
                {
                    if (_far.Count == 0) { key = 0; node = -1; return false; }
                    _cur = _far.Peek().Key;
                    continue;
                }
                var b = (int)(_cur & Mask);
                if (_headGen[b] == _gen && _head[b] >= 0)
                {
                    var e = _head[b];
                    key = _key[e];
                    node = _node[e];
                    _peekFromFar = false;
                    return true;
                }
                _cur++;
            }
        }

        /// <summary>Removes the entry last returned by <see cref="TryPeek"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Pop()
        {
            if (_peekFromFar) { _far.Pop(); return; }
            var b = (int)(_cur & Mask);
            _head[b] = _next[_head[b]];
            _inBuckets--;
        }
    }

    /// <summary>Binary min-heap of (key, node) with lazy deletion.</summary>
    private sealed class MinHeap(int capacity)
    {
        private long[] _keys = new long[capacity];
        private int[] _nodes = new int[capacity];
        public int Count { get; private set; }

        public void Clear() => Count = 0;

        public (long Key, int Node) Peek() => (_keys[0], _nodes[0]);

        public void Push(long key, int node)
        {
            if (Count == _keys.Length)
            {
                Array.Resize(ref _keys, Count * 2);
                Array.Resize(ref _nodes, Count * 2);
            }
            var k = Count++;
            while (k > 0)
            {
                var p = (k - 1) >> 1;
                if (_keys[p] <= key) break;
                _keys[k] = _keys[p];
                _nodes[k] = _nodes[p];
                k = p;
            }
            _keys[k] = key;
            _nodes[k] = node;
        }

        public void Pop()
        {
            var last = --Count;
            if (last == 0) return;
            var key = _keys[last];
            var node = _nodes[last];
            var k = 0;
            while (true)
            {
                var c = 2 * k + 1;
                if (c >= last) break;
                if (c + 1 < last && _keys[c + 1] < _keys[c]) c++;
                if (_keys[c] >= key) break;
                _keys[k] = _keys[c];
                _nodes[k] = _nodes[c];
                k = c;
            }
            _keys[k] = key;
            _nodes[k] = node;
        }
    }
}
