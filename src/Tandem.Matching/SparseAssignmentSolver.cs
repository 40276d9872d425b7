namespace Tandem.Matching;

/// <summary>
/// Exact maximum-weight b-matching on a sparse bipartite graph (mentees take one mentor, mentors
/// take up to their capacity, anyone may stay unmatched), by successive shortest augmenting
/// paths with dual potentials: a Hungarian method with capacities.
/// </summary>
/// <remarks>
/// Invariants, which together are the optimality certificate: <c>u, v &gt;= 0</c>;
/// <c>u[i] + v[j] &gt;= w(i, j)</c> on every edge; equality on assigned edges; <c>v[j] = 0</c> while
/// mentor j has free capacity; a processed unmatched mentee has <c>u[i] = 0</c>. Each augmentation
/// is a Dijkstra search on reduced costs from one new mentee, ending at the nearest mentor with a
/// free place or at the nearest tree mentee whose <c>u</c> reaches 0 (it is then dropped). Mentor
/// loads never decrease, so a full mentor stays full and its positive <c>v</c> stays legitimate.
/// Weights are integers, so every comparison is exact.
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

    /// <summary>Number of Dijkstra searches run (diagnostics).</summary>
    public int Searches { get; private set; }

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
        _heap = new MinHeap(Math.Max(16, Math.Min(adj.Length + 1, 1 << 20)));
    }

    public int[] MentorOf => _mentorOf;
    public long[] MenteeDuals => _u;
    public long[] MentorDuals => _v;
    public int[] Load => _count;

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
            if (best == 0) continue;
            Augment(r);
        }
    }

    /// <summary>
    /// Continues from a previous optimum on a subgraph of this graph (same mentees and mentors, more
    /// edges): keeps its assignment and duals, releases mentees that a new edge shows to be under-priced,
    /// re-augments them, then lowers the price of any mentor left with a free place and a positive dual.
    /// Records whose duals went down, so only their pairs need checking again.
    /// </summary>
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
            if (best == 0) continue;
            Augment(r);
        }
        foreach (var j in dirty)
            while (_count[j] < _cap[j] && _v[j] > 0) LowerPrice(j);
    }

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

    private void Assign(int i, int j)
    {
        var slot = _slotStart[j] + _count[j]++;
        _slots[slot] = i;
        _slotOf[i] = slot;
        _mentorOf[i] = j;
    }

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
    private long Scan(int i, long di, int gen, ref int terminalMentor)
    {
        var baseCost = di + _u[i];
        var end = _start[i + 1];
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
