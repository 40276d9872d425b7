namespace Tandem.Matching;

/// <summary>
/// Forms study groups of a given size within one peer pool, maximising the total within-group compatibility
/// (the sum of pairwise scores over every pair of people who share a group).
/// </summary>
/// <remarks>
/// <para>
/// Group sizes: with n people and group size g there are ⌈n / g⌉ groups whose sizes differ by at most one and
/// never exceed g (<see cref="GroupSizes"/>). When n is a multiple of g every group has exactly g members;
/// otherwise some groups are smaller, and as long as n ≥ (g − 1)² those have exactly g − 1 members.
/// </para>
/// <para>
/// Method: the problem is NP-hard for g ≥ 3, so the solver is exact only where that is cheap: pools of at most
/// 12 people (exhaustive search), a single group, and pairs (g = 2, up to 1,000 people, solved exactly as a
/// maximum-weight matching with a blossom algorithm). Everything else gets a deterministic heuristic: greedy
/// seeding (strongest connectors first, each group filled with whoever adds most to it), then local search over
/// swaps of two people between groups and moves between a full and a short group, then a fixed number of
/// perturb-and-improve rounds. The same input always gives the same groups.
/// </para>
/// <para>
/// Upper bound for the heuristic: a person in a group of s members shares it with s − 1 others, so their share
/// of the group's score is at most the sum of their s − 1 largest scores to anyone. Summing, for every person,
/// the best such sum over the group sizes that occur, and halving (each pair is counted from both ends, rounded
/// down since totals are integers), bounds every possible grouping. It is loose when people's favourite partners
/// conflict, so a gap does not mean the groups are that far from optimal.
/// </para>
/// </remarks>
public static partial class GroupFormation
{
    /// <summary>Largest allowed absolute pairwise score (2³¹), which keeps every total far from overflow.</summary>
    public const long MaxScoreMagnitude = 1L << 31;

    /// <summary>Pools up to this size are solved exactly by exhaustive search.</summary>
    internal const int ExhaustiveLimit = 12;

    /// <summary>Pairing (g = 2) pools up to this size are solved exactly by weighted blossom matching.</summary>
    internal const int PairMatchingLimit = 1_000;

    /// <summary>Perturb-and-improve rounds after the first local optimum.</summary>
    private const int PerturbationRounds = 40;

    /// <summary>
    /// The sizes of the groups formed for a pool: ⌈peopleCount / groupSize⌉ groups, as equal as possible,
    /// larger ones first.
    /// </summary>
    /// <param name="peopleCount">Number of people (zero or more).</param>
    /// <param name="groupSize">Target group size (at least 2).</param>
    /// <returns>One entry per group; the entries sum to <paramref name="peopleCount"/>.</returns>
    /// <exception cref="ArgumentException">A count is negative or the group size is below 2.</exception>
    public static int[] GroupSizes(int peopleCount, int groupSize)
    {
        if (peopleCount < 0)
        {
            throw new ArgumentException($"PeopleCount = {peopleCount} is negative.", "PeopleCount");
        }
        if (groupSize < 2)
        {
            throw new ArgumentException($"GroupSize = {groupSize} is below 2.", "GroupSize");
        }
        var groups = (peopleCount + groupSize - 1) / groupSize;
        var sizes = new int[groups];
        for (var g = 0; g < groups; g++)
        {
            sizes[g] = peopleCount / groups + (g < peopleCount % groups ? 1 : 0);
        }
        return sizes;
    }

    /// <summary>Splits the pool into groups (sizes from <see cref="GroupSizes"/>) with a high total score.</summary>
    /// <param name="p">The pool, the group size and the pairwise scores.</param>
    /// <returns>The groups, their total score and a proven upper bound on the best possible total.</returns>
    /// <exception cref="ArgumentException">
    /// PeopleCount is negative, GroupSize is below 2, or Score is missing, not PeopleCount × PeopleCount, not
    /// symmetric, or holds a value beyond <see cref="MaxScoreMagnitude"/>; the message names the field.
    /// </exception>
    public static GroupResult Solve(GroupProblem p) => Solve(p, ExhaustiveLimit, PairMatchingLimit);

    /// <summary>Solve with adjustable exact-method limits, so tests can exercise the heuristic on small pools.</summary>
    internal static GroupResult Solve(GroupProblem p, int exhaustiveLimit, int pairMatchingLimit)
    {
        Validate(p);
        var n = p.PeopleCount;
        var sizes = GroupSizes(n, p.GroupSize);
        var s = p.Score;
        if (sizes.Length <= 1)
        {
            var everyone = Enumerable.Range(0, n).ToArray();
            var total = GroupScore(s, everyone);
            return new GroupResult(sizes.Length == 0 ? [] : [everyone], total, total);
        }
        if (n <= exhaustiveLimit)
        {
            var groups = Exhaustive(s, sizes);
            var total = Total(s, groups);
            return new GroupResult(Canonical(groups), total, total);
        }
        if (p.GroupSize == 2 && n <= pairMatchingLimit && PairsByMatching(s, n) is { } exact)
        {
            return exact;
        }
        var heuristic = Heuristic(s, sizes);
        return new GroupResult(Canonical(heuristic), Total(s, heuristic), DegreeBound(s, sizes));
    }

    private static void Validate(GroupProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        GroupSizes(p.PeopleCount, p.GroupSize);
        var n = p.PeopleCount;
        if (p.Score is null)
        {
            throw new ArgumentException("Score is missing.", nameof(GroupProblem.Score));
        }
        if (p.Score.GetLength(0) != n || p.Score.GetLength(1) != n)
        {
            throw new ArgumentException(
                $"Score is {p.Score.GetLength(0)} × {p.Score.GetLength(1)} but PeopleCount is {n}.", nameof(GroupProblem.Score));
        }
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var x = p.Score[i, j];
                if (x != p.Score[j, i])
                {
                    throw new ArgumentException(
                        $"Score is not symmetric: Score[{i},{j}] = {x} but Score[{j},{i}] = {p.Score[j, i]}.",
                        nameof(GroupProblem.Score));
                }
                if (x > MaxScoreMagnitude || x < -MaxScoreMagnitude)
                {
                    throw new ArgumentException($"Score[{i},{j}] = {x} is beyond ±2^31.", nameof(GroupProblem.Score));
                }
            }
        }
    }

    private static long GroupScore(long[,] s, int[] group)
    {
        long total = 0;
        for (var a = 0; a < group.Length; a++)
        {
            for (var b = a + 1; b < group.Length; b++)
            {
                total += s[group[a], group[b]];
            }
        }
        return total;
    }

    private static long Total(long[,] s, IEnumerable<int[]> groups) => groups.Sum(g => GroupScore(s, g));

    private static List<int[]> Canonical(IEnumerable<int[]> groups)
    {
        var list = groups.Select(g => g.Order().ToArray()).ToList();
        list.Sort(static (a, b) => a[0].CompareTo(b[0]));
        return list;
    }

    /// <summary>
    /// The degree bound: Σ over people of their best possible share, halved (see the class remarks).
    /// </summary>
    internal static long DegreeBound(long[,] s, int[] sizes)
    {
        var n = s.GetLength(0);
        var possibleMates = sizes.Select(size => size - 1).Distinct().ToArray();
        var keep = possibleMates.Max();
        var top = new long[keep];
        var heap = new PriorityQueue<long, long>(keep + 1);
        long twice = 0;
        for (var x = 0; x < n; x++)
        {
            heap.Clear();
            for (var y = 0; y < n; y++)
            {
                if (y == x)
                {
                    continue;
                }
                heap.Enqueue(s[x, y], s[x, y]);
                if (heap.Count > keep)
                {
                    heap.Dequeue();
                }
            }
            // The heap holds the largest `keep` scores; top[] receives them largest first.
            var count = heap.Count;
            for (var r = count - 1; r >= 0; r--)
            {
                top[r] = heap.Dequeue();
            }
            var best = long.MinValue;
            foreach (var mates in possibleMates)
            {
                long share = 0;
                for (var r = 0; r < mates; r++)
                {
                    share += top[r];
                }
                best = Math.Max(best, share);
            }
            twice += best;
        }
        // Arithmetic shift rounds towards negative infinity, as a bound must.
        return twice >> 1;
    }

    /// <summary>Pairs (plus one single when n is odd) by maximum-cardinality, maximum-weight matching.</summary>
    private static GroupResult? PairsByMatching(long[,] s, int n)
    {
        long maxAbs = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(s[i, j]));
            }
        }
        // Shifting every weight by more than any score difference two matchings can have makes every
        // maximum-weight matching a maximum-cardinality one; the shift is subtracted from the bound again.
        var shift = (long)n * maxAbs + 1;
        if (shift + maxAbs > PeerPairing.MaxScoreMagnitude)
        {
            return null;
        }
        var edgeCount = n * (n - 1) / 2;
        var u = new int[edgeCount];
        var v = new int[edgeCount];
        var w = new long[edgeCount];
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++, k++)
            {
                (u[k], v[k], w[k]) = (i, j, s[i, j] + shift);
            }
        }
        var (matchedEdge, shiftedBound) = PeerPairing.MaximumWeightMatching(n, u, v, w);
        var groups = new List<int[]>();
        for (var x = 0; x < n; x++)
        {
            var e = matchedEdge[x];
            if (e < 0)
            {
                groups.Add([x]);
            }
            else if (u[e] == x)
            {
                groups.Add([x, v[e]]);
            }
        }
        if (groups.Count != (n + 1) / 2)
        {
            throw new InvalidOperationException("Pair formation did not pair everyone it could.");
        }
        var total = Total(s, groups);
        var bound = shiftedBound - (n / 2) * shift;
        if (bound != total)
        {
            throw new InvalidOperationException($"Pair formation total {total} does not reach its bound {bound}.");
        }
        return new GroupResult(Canonical(groups), total, bound);
    }

    /// <summary>Every grouping with the given sizes, enumerated once each by always placing the lowest free person.</summary>
    private static List<int[]> Exhaustive(long[,] s, int[] sizes)
    {
        var n = s.GetLength(0);
        var bigSize = sizes[0];
        var bigCount = sizes.Count(x => x == bigSize);
        var smallSize = sizes[^1];
        var smallCount = bigSize == smallSize ? 0 : sizes.Length - bigCount;

        var best = long.MinValue;
        List<int[]>? bestGroups = null;
        var current = new List<int[]>();
        // One member buffer per group depth: deeper levels must not overwrite a group still being filled.
        var members = sizes.Select(_ => new int[bigSize]).ToArray();

        void Place(int usedMask, int bigLeft, int smallLeft, long score)
        {
            if (bigLeft == 0 && smallLeft == 0)
            {
                if (score > best)
                {
                    best = score;
                    bestGroups = current.Select(g => (int[])g.Clone()).ToList();
                }
                return;
            }
            var first = System.Numerics.BitOperations.TrailingZeroCount(~usedMask);
            members[current.Count][0] = first;
            if (bigLeft > 0)
            {
                Choose(usedMask | (1 << first), first + 1, 1, bigSize, 0, bigLeft - 1, smallLeft, score);
            }
            if (smallLeft > 0)
            {
                Choose(usedMask | (1 << first), first + 1, 1, smallSize, 0, bigLeft, smallLeft - 1, score);
            }
        }

        void Choose(int usedMask, int from, int filled, int size, long groupScore, int bigLeft, int smallLeft, long score)
        {
            var member = members[current.Count];
            if (filled == size)
            {
                current.Add(member[..size]);
                Place(usedMask, bigLeft, smallLeft, score + groupScore);
                current.RemoveAt(current.Count - 1);
                return;
            }
            for (var x = from; x <= n - (size - filled); x++)
            {
                if ((usedMask & (1 << x)) != 0)
                {
                    continue;
                }
                long added = 0;
                for (var a = 0; a < filled; a++)
                {
                    added += s[member[a], x];
                }
                member[filled] = x;
                Choose(usedMask | (1 << x), x + 1, filled + 1, size, groupScore + added, bigLeft, smallLeft, score);
            }
        }

        Place(0, bigCount, smallCount, 0);
        return bestGroups!;
    }

    /// <summary>Greedy seeding, then swap/move local search, then deterministic perturb-and-improve rounds.</summary>
    private static List<int[]> Heuristic(long[,] s, int[] sizes)
    {
        var n = s.GetLength(0);
        var k = sizes.Length;
        var groupOf = GreedySeed(s, sizes);
        var search = new LocalSearch(s, groupOf, k, sizes[0], sizes[^1]);
        search.Improve();

        var bestScore = search.Score;
        var best = (int[])search.GroupOf.Clone();
        var random = new Random(20_240_601);
        for (var round = 0; round < PerturbationRounds; round++)
        {
            // Kick: a few random swaps between different groups, then climb again; keep the best seen.
            for (var kick = 0; kick < 3; kick++)
            {
                var a = random.Next(n);
                var b = random.Next(n);
                if (search.GroupOf[a] != search.GroupOf[b])
                {
                    search.Swap(a, b);
                }
            }
            search.Improve();
            if (search.Score > bestScore)
            {
                bestScore = search.Score;
                best = (int[])search.GroupOf.Clone();
            }
            else
            {
                search.Reset(best, bestScore);
            }
        }
        return Enumerable.Range(0, k)
            .Select(g => Enumerable.Range(0, n).Where(x => best[x] == g).ToArray())
            .ToList();
    }

    private static int[] GreedySeed(long[,] s, int[] sizes)
    {
        var n = s.GetLength(0);
        var strength = new long[n];
        var keep = sizes[0] - 1;
        var heap = new PriorityQueue<long, long>();
        for (var x = 0; x < n; x++)
        {
            heap.Clear();
            for (var y = 0; y < n; y++)
            {
                if (y != x)
                {
                    heap.Enqueue(s[x, y], s[x, y]);
                    if (heap.Count > keep)
                    {
                        heap.Dequeue();
                    }
                }
            }
            while (heap.Count > 0)
            {
                strength[x] += heap.Dequeue();
            }
        }
        var order = Enumerable.Range(0, n).OrderByDescending(x => strength[x]).ThenBy(x => x).ToArray();
        var groupOf = new int[n];
        Array.Fill(groupOf, -1);
        var gain = new long[n];
        var next = 0;
        for (var g = 0; g < sizes.Length; g++)
        {
            while (groupOf[order[next]] >= 0)
            {
                next++;
            }
            var seed = order[next];
            groupOf[seed] = g;
            for (var x = 0; x < n; x++)
            {
                gain[x] = s[x, seed];
            }
            for (var filled = 1; filled < sizes[g]; filled++)
            {
                var pick = -1;
                for (var x = 0; x < n; x++)
                {
                    if (groupOf[x] < 0 && (pick < 0 || gain[x] > gain[pick]))
                    {
                        pick = x;
                    }
                }
                groupOf[pick] = g;
                for (var x = 0; x < n; x++)
                {
                    gain[x] += s[x, pick];
                }
            }
        }
        return groupOf;
    }

    /// <summary>
    /// Local search state: groupOf, and link[x, g] = Σ of x's scores to the members of group g other than x,
    /// which makes every swap and move gain O(1) to evaluate and O(n) to apply.
    /// </summary>
    private sealed class LocalSearch
    {
        private readonly long[,] s;
        private readonly int n;
        private readonly int k;
        private readonly int bigSize;
        private readonly int smallSize;
        private readonly long[] link;
        private readonly int[] size;

        public LocalSearch(long[,] s, int[] groupOf, int k, int bigSize, int smallSize)
        {
            this.s = s;
            n = s.GetLength(0);
            this.k = k;
            this.bigSize = bigSize;
            this.smallSize = smallSize;
            GroupOf = (int[])groupOf.Clone();
            link = new long[n * k];
            size = new int[k];
            Reset(GroupOf, null);
        }

        public int[] GroupOf { get; }

        public long Score { get; private set; }

        public void Reset(int[] groupOf, long? score)
        {
            if (!ReferenceEquals(groupOf, GroupOf))
            {
                Array.Copy(groupOf, GroupOf, n);
            }
            Array.Clear(link);
            Array.Clear(size);
            long twice = 0;
            for (var x = 0; x < n; x++)
            {
                size[GroupOf[x]]++;
                for (var y = 0; y < n; y++)
                {
                    if (y != x)
                    {
                        link[x * k + GroupOf[y]] += s[x, y];
                    }
                }
            }
            for (var x = 0; x < n; x++)
            {
                twice += link[x * k + GroupOf[x]];
            }
            Score = score ?? twice / 2;
        }

        public void Swap(int p, int q)
        {
            var a = GroupOf[p];
            var b = GroupOf[q];
            Score += link[p * k + b] + link[q * k + a] - 2 * s[p, q] - link[p * k + a] - link[q * k + b];
            for (var x = 0; x < n; x++)
            {
                var row = x * k;
                link[row + a] += (x == q ? 0 : s[x, q]) - (x == p ? 0 : s[x, p]);
                link[row + b] += (x == p ? 0 : s[x, p]) - (x == q ? 0 : s[x, q]);
            }
            GroupOf[p] = b;
            GroupOf[q] = a;
        }

        private void Move(int p, int b)
        {
            var a = GroupOf[p];
            Score += link[p * k + b] - link[p * k + a];
            for (var x = 0; x < n; x++)
            {
                if (x != p)
                {
                    link[x * k + a] -= s[x, p];
                    link[x * k + b] += s[x, p];
                }
            }
            GroupOf[p] = b;
            size[a]--;
            size[b]++;
        }

        /// <summary>First-improvement climbing until no single swap or move gains; every step gains at least 1.</summary>
        public void Improve()
        {
            var improved = true;
            while (improved)
            {
                improved = false;
                for (var p = 0; p < n; p++)
                {
                    var a = GroupOf[p];
                    if (bigSize != smallSize && size[a] == bigSize)
                    {
                        for (var b = 0; b < k; b++)
                        {
                            if (size[b] == smallSize && link[p * k + b] > link[p * k + a])
                            {
                                Move(p, b);
                                improved = true;
                                a = b;
                                break;
                            }
                        }
                    }
                    for (var q = p + 1; q < n; q++)
                    {
                        var b = GroupOf[q];
                        if (b == a)
                        {
                            continue;
                        }
                        var gain = link[p * k + b] + link[q * k + a] - 2 * s[p, q] - link[p * k + a] - link[q * k + b];
                        if (gain > 0)
                        {
                            Swap(p, q);
                            improved = true;
                            a = b;
                        }
                    }
                }
            }
        }
    }
}
