namespace Tandem.Matching;

/// <summary>
/// A mix that every group should have: at least <paramref name="MinimumDistinct"/> different answers to one
/// question (school, year, a category) among its members.
/// </summary>
/// <param name="ValueOfPerson">Each person's answer as a small integer (equal answers, equal integers); -1 for no answer, which counts as no value.</param>
/// <param name="MinimumDistinct">Different answers wanted in each group, at least 1.</param>
/// <param name="Question">The question's name, for messages.</param>
public sealed record GroupMix(int[] ValueOfPerson, int MinimumDistinct, string Question = "");

/// <summary>The outcome of <see cref="GroupFormation.Solve(GroupProblem, GroupMix)"/>.</summary>
/// <param name="Groups">The groups, members ascending, ordered by first member.</param>
/// <param name="TotalScore">Sum over groups of the scores of all pairs inside a group.</param>
/// <param name="UpperBound">
/// A proven upper bound on the total of any grouping with the same sizes that satisfies the mix in as many
/// groups: the exact optimum for pools small enough to search exhaustively, otherwise the best-partners bound
/// of <see cref="GroupFormation"/> (or the exact unmixed optimum where that is known), which holds with or
/// without the mix.
/// </param>
/// <param name="DistinctValues">Different answers in each group, in the order of <paramref name="Groups"/>.</param>
/// <param name="GroupsShortOfMix">Indexes (into <paramref name="Groups"/>) of the groups with fewer than the wanted different answers.</param>
/// <param name="MixPossibleEverywhere">
/// Whether some grouping gives every group the mix: decided exactly from the answers' counts and the group sizes
/// (a maximum-flow bound); when false no grouping can, and the short groups are unavoidable.
/// </param>
/// <param name="MostGroupsWithMixBound">An upper bound on the different-answer slots all groups together can fill (the flow bound), for the explanation.</param>
public sealed record MixedGroupResult(
    IReadOnlyList<int[]> Groups,
    long TotalScore,
    long UpperBound,
    IReadOnlyList<int> DistinctValues,
    IReadOnlyList<int> GroupsShortOfMix,
    bool MixPossibleEverywhere,
    long MostGroupsWithMixBound)
{
    /// <summary>True when the total reaches the upper bound.</summary>
    public bool IsProvenOptimal => TotalScore == UpperBound;

    /// <summary>
    /// How far below the bound the total is, in percent of the bound ((bound − total) / bound × 100); 0 when
    /// proven optimal; null when the bound is not positive, where a percentage means nothing.
    /// </summary>
    public double? GapPercent => TotalScore == UpperBound ? 0 : UpperBound > 0 ? 100.0 * (UpperBound - TotalScore) / UpperBound : null;

    /// <summary>The distance from the bound as a sentence, e.g. "Within 3.2% of the best possible total (proven bound 412)."</summary>
    public string BoundStatement => IsProvenOptimal
        ? $"Proven optimal: no grouping with the same sizes and mix scores more than {UpperBound}."
        : GapPercent is { } gap
            ? $"Within {gap:0.#}% of the best possible total (proven bound {UpperBound})."
            : $"Total {TotalScore}; no grouping can score more than {UpperBound}.";
}

public static partial class GroupFormation
{
    /// <summary>Groups with a required mix: each group gets at least <see cref="GroupMix.MinimumDistinct"/> different answers when possible.</summary>
    /// <param name="p">The pool, the group size and the pairwise scores.</param>
    /// <param name="mix">The answers and the number of different ones wanted per group.</param>
    /// <returns>
    /// The groups (as many as possible with the mix, then the highest total), the groups short of the mix, whether
    /// the mix was possible everywhere, and a proven upper bound on the total.
    /// </returns>
    /// <exception cref="ArgumentException">The problem is malformed (as for <see cref="Solve(GroupProblem)"/>), or the mix does not give one answer per person or asks for fewer than 1.</exception>
    /// <remarks>
    /// The unmixed groups are kept when they already have the mix (so a mix of 1 with everyone answering changes
    /// nothing). Otherwise pools of at most 12 people are searched exhaustively (fewest missing answers over all
    /// groups, then the highest total: exact); larger pools start both from the unmixed groups and from a
    /// grouping built to have the mix (each answer, most common first, placed in the groups still missing most),
    /// then swap people between groups, never increasing what any group misses, with a fixed number of
    /// perturb-and-improve rounds (deterministic).
    /// </remarks>
    public static MixedGroupResult Solve(GroupProblem p, GroupMix mix) => Solve(p, mix, ExhaustiveLimit, PairMatchingLimit);

    internal static MixedGroupResult Solve(GroupProblem p, GroupMix mix, int exhaustiveLimit, int pairMatchingLimit)
    {
        Validate(p);
        ArgumentNullException.ThrowIfNull(mix);
        var n = p.PeopleCount;
        if (mix.ValueOfPerson is null || mix.ValueOfPerson.Length != n)
            throw new ArgumentException($"The mix needs one answer per person ({n}).", nameof(GroupMix.ValueOfPerson));
        if (mix.MinimumDistinct < 1)
            throw new ArgumentException("The mix must ask for at least 1 different answer per group.", nameof(GroupMix.MinimumDistinct));
        var values = Compact(mix.ValueOfPerson, out var valueCount);
        var k = mix.MinimumDistinct;
        var sizes = GroupSizes(n, p.GroupSize);
        var flowBound = MixFlowBound(values, valueCount, sizes, k);
        var demand = sizes.Sum(s => (long)Math.Min(k, s));
        var possible = flowBound >= demand && sizes.All(s => s >= k);

        var plain = Solve(p, exhaustiveLimit, pairMatchingLimit);
        if (plain.Groups.All(g => Distinct(values, g) >= k))
            return Describe(plain.Groups, plain.TotalScore, plain.UpperBound, values, k, possible, flowBound, p.Score);

        if (n <= exhaustiveLimit)
        {
            var exact = ExhaustiveMix(p.Score, sizes, values, k);
            var total = Total(p.Score, exact);
            return Describe(Canonical(exact), total, total, values, k, possible, flowBound, p.Score);
        }

        var bound = plain.IsProvenOptimal ? plain.UpperBound : Math.Min(plain.UpperBound, DegreeBound(p.Score, sizes));
        if (possible) bound = Math.Min(bound, Math.Min(MixDegreeBound(p.Score, sizes, values, k), PairBudgetBound(p.Score, sizes, values, k)));
        var fromPlain = ToGroupOf(plain.Groups, n);
        var fromMix = MixSeed(p.Score, sizes, values, valueCount, k);
        var a = MixSearch(p.Score, sizes, values, k, fromPlain);
        var b = MixSearch(p.Score, sizes, values, k, fromMix);
        var best = (a.Missing, -a.Score).CompareTo((b.Missing, -b.Score)) <= 0 ? a : b;
        var groups = Enumerable.Range(0, sizes.Length).Select(g => Enumerable.Range(0, n).Where(x => best.GroupOf[x] == g).ToArray()).ToList();
        if (best.Score > bound) throw new InvalidOperationException("Internal error: the mixed groups score above the proven bound.");
        return Describe(Canonical(groups), best.Score, bound, values, k, possible, flowBound, p.Score);
    }

    private static MixedGroupResult Describe(IReadOnlyList<int[]> groups, long total, long bound, int[] values, int k, bool possible, long flowBound, long[,] s)
    {
        var distinct = groups.Select(g => Distinct(values, g)).ToArray();
        var shortOf = Enumerable.Range(0, groups.Count).Where(g => distinct[g] < k).ToArray();
        if (Total(s, groups) != total) throw new InvalidOperationException("Internal error: the mixed groups' total is wrong.");
        return new MixedGroupResult(groups, total, bound, distinct, shortOf, possible, flowBound);
    }

    /// <summary>Answers renumbered 0 .. valueCount − 1 (-1 stays: no answer).</summary>
    private static int[] Compact(int[] raw, out int valueCount)
    {
        var map = new Dictionary<int, int>();
        var values = new int[raw.Length];
        for (var x = 0; x < raw.Length; x++)
        {
            if (raw[x] < 0) { values[x] = -1; continue; }
            if (!map.TryGetValue(raw[x], out var v)) map[raw[x]] = v = map.Count;
            values[x] = v;
        }
        valueCount = map.Count;
        return values;
    }

    private static int Distinct(int[] values, IEnumerable<int> group) => group.Select(x => values[x]).Where(v => v >= 0).Distinct().Count();

    /// <summary>
    /// The most different-answer places all groups can fill together, each group counting at most min(k, size):
    /// a maximum flow from answers (each at most its count, at most once per group) to groups, whose minimum
    /// cut is min over b of Σ_answers min(count, b) + the demands of all but the b largest.
    /// </summary>
    internal static long MixFlowBound(int[] values, int valueCount, int[] sizes, int k)
    {
        var count = new long[valueCount];
        foreach (var v in values) if (v >= 0) count[v]++;
        var demand = sizes.Select(s => (long)Math.Min(k, s)).OrderDescending().ToArray();
        long best = long.MaxValue;
        for (var b = 0; b <= demand.Length; b++)
        {
            long cut = 0;
            foreach (var c in count) cut += Math.Min(c, b);
            for (var g = b; g < demand.Length; g++) cut += demand[g];
            best = Math.Min(best, cut);
        }
        return best;
    }

    /// <summary>
    /// The best-partners bound with the mix: in a group of s with at least k different answers, a person with an
    /// answer shares it with at least k − 1 people whose answers differ from theirs and from each other's (k without
    /// an answer). Their share is then at most the best score to one person of each of k − 1 other answers (the k − 1
    /// best such) plus their s − k best scores to anyone, and never more than their s − 1 best scores. Summed over
    /// people, the best over the group sizes that occur, and halved. Holds for every grouping that gives every group
    /// the mix.
    /// </summary>
    internal static long MixDegreeBound(long[,] s, int[] sizes, int[] values, int k)
    {
        var n = values.Length;
        var mates = sizes.Select(size => size - 1).Distinct().ToArray();
        var keep = mates.Max();
        var valueCount = values.Length == 0 ? 0 : values.Max() + 1;
        var bestOfValue = new long[valueCount];
        long twice = 0;
        for (var x = 0; x < n; x++)
        {
            var all = new List<long>(n);
            Array.Fill(bestOfValue, long.MinValue);
            for (var y = 0; y < n; y++)
            {
                if (y == x) continue;
                all.Add(s[x, y]);
                var w = values[y];
                if (w >= 0 && w != values[x]) bestOfValue[w] = Math.Max(bestOfValue[w], s[x, y]);
            }
            all.Sort(static (a, b) => b.CompareTo(a));
            var others = bestOfValue.Where(b => b != long.MinValue).OrderDescending().ToArray();
            var r = values[x] >= 0 ? k - 1 : k;
            var best = long.MinValue;
            foreach (var m in mates)
            {
                long plain = 0;
                for (var c = 0; c < Math.Min(m, all.Count); c++) plain += all[c];
                var share = plain;
                if (r <= m && r <= others.Length)
                {
                    long mixed = 0;
                    for (var c = 0; c < r; c++) mixed += others[c];
                    for (var c = 0; c < Math.Min(m - r, all.Count); c++) mixed += all[c];
                    share = Math.Min(share, mixed);
                }
                best = Math.Max(best, share);
            }
            twice += best;
        }
        return twice >> 1;
    }

    /// <summary>
    /// A second bound for groupings with the mix everywhere, from how few same-answer pairs they can have: a group of
    /// s with at least k different answers holds at most C(s − k + 1, 2) pairs of people with the same answer (one
    /// answer s − k + 1 times, the others once). So the same-answer pairs add at most the best Σ_g C(s_g − k + 1, 2)
    /// positive same-answer scores of the pool, and the other pairs at most half of Σ over people of their best
    /// scores to people with other answers (or none): k − 1 of them at least (s − 1 without an answer), more only when
    /// positive. The two parts bound disjoint sets of pairs, so they add.
    /// </summary>
    internal static long PairBudgetBound(long[,] s, int[] sizes, int[] values, int k)
    {
        var n = values.Length;
        long budget = 0;
        foreach (var size in sizes)
        {
            var top = (long)Math.Max(0, size - k + 1);
            budget += top * (top - 1) / 2;
        }
        var same = new List<long>();
        for (var a = 0; a < n; a++)
            for (var b = a + 1; b < n; b++)
                if (values[a] >= 0 && values[a] == values[b] && s[a, b] > 0) same.Add(s[a, b]);
        same.Sort(static (x, y) => y.CompareTo(x));
        long sameBound = 0;
        for (var c = 0; c < Math.Min(budget, same.Count); c++) sameBound += same[c];

        var mates = sizes.Select(size => size - 1).Distinct().ToArray();
        long twice = 0;
        var other = new List<long>(n);
        for (var x = 0; x < n; x++)
        {
            other.Clear();
            for (var y = 0; y < n; y++)
                if (y != x && (values[x] < 0 || values[y] != values[x])) other.Add(s[x, y]);
            other.Sort(static (a, b) => b.CompareTo(a));
            var best = long.MinValue;
            foreach (var m in mates)
            {
                var least = values[x] >= 0 ? Math.Min(k - 1, m) : m;
                long share = 0;
                for (var c = 0; c < Math.Min(m, other.Count); c++)
                    if (c < least || other[c] > 0) share += other[c];
                best = Math.Max(best, share);
            }
            twice += best;
        }
        return sameBound + (twice >> 1);
    }

    private static int[] ToGroupOf(IReadOnlyList<int[]> groups, int n)
    {
        var groupOf = new int[n];
        for (var g = 0; g < groups.Count; g++) foreach (var x in groups[g]) groupOf[x] = g;
        return groupOf;
    }

    /// <summary>
    /// A grouping built for the mix: answers, most common first, each put in the groups that still miss the most
    /// different answers (one person per group), then everyone left placed where they add the most score.
    /// </summary>
    private static int[] MixSeed(long[,] s, int[] sizes, int[] values, int valueCount, int k)
    {
        var n = values.Length;
        var g = sizes.Length;
        var groupOf = new int[n];
        Array.Fill(groupOf, -1);
        var filled = new int[g];
        var missing = sizes.Select(size => Math.Min(k, size)).ToArray();
        var byValue = Enumerable.Range(0, valueCount).Select(_ => new List<int>()).ToArray();
        for (var x = 0; x < n; x++) if (values[x] >= 0) byValue[values[x]].Add(x);
        foreach (var people in byValue.OrderByDescending(l => l.Count))
        {
            var targets = Enumerable.Range(0, g).Where(t => missing[t] > 0).OrderByDescending(t => missing[t]).ThenBy(t => t).Take(people.Count).ToArray();
            for (var c = 0; c < targets.Length; c++)
            {
                groupOf[people[c]] = targets[c];
                filled[targets[c]]++;
                missing[targets[c]]--;
            }
        }
        for (var x = 0; x < n; x++)
        {
            if (groupOf[x] >= 0) continue;
            var pick = -1;
            long bestGain = long.MinValue;
            for (var t = 0; t < g; t++)
            {
                if (filled[t] >= sizes[t]) continue;
                long gain = 0;
                for (var y = 0; y < n; y++) if (groupOf[y] == t) gain += s[x, y];
                if (pick < 0 || gain > bestGain) { pick = t; bestGain = gain; }
            }
            groupOf[x] = pick;
            filled[pick]++;
        }
        return groupOf;
    }

    private sealed record MixState(int[] GroupOf, long Score, int Missing);

    /// <summary>Local search on (answers missing over all groups, then score), with perturb-and-improve rounds.</summary>
    private static MixState MixSearch(long[,] s, int[] sizes, int[] values, int k, int[] start)
    {
        var search = new MixLocalSearch(s, sizes, values, k, start);
        search.Improve();
        var best = new MixState((int[])search.GroupOf.Clone(), search.Score, search.Missing);
        var random = new Random(20_251_204);
        var n = values.Length;
        for (var round = 0; round < PerturbationRounds; round++)
        {
            for (var kick = 0; kick < 3; kick++)
            {
                var a = random.Next(n);
                var b = random.Next(n);
                if (search.GroupOf[a] != search.GroupOf[b] && search.MissingAfterSwap(a, b) <= search.Missing) search.Swap(a, b);
            }
            search.Improve();
            if ((search.Missing, -search.Score).CompareTo((best.Missing, -best.Score)) < 0)
                best = new MixState((int[])search.GroupOf.Clone(), search.Score, search.Missing);
            else search.Reset(best.GroupOf);
        }
        return best;
    }

    /// <summary>Swap and move climbing that never increases the answers missing, with O(1) gains from a link table.</summary>
    private sealed class MixLocalSearch
    {
        private readonly long[,] _s;
        private readonly int[] _values;
        private readonly int _k;
        private readonly int _n;
        private readonly int _g;
        private readonly int _big;
        private readonly int _small;
        private readonly long[] _link;
        private readonly int[] _size;
        private readonly int[][] _count;
        private readonly int[] _distinct;

        public MixLocalSearch(long[,] s, int[] sizes, int[] values, int k, int[] start)
        {
            _s = s;
            _values = values;
            _k = k;
            _n = values.Length;
            _g = sizes.Length;
            _big = sizes[0];
            _small = sizes[^1];
            _link = new long[_n * _g];
            _size = new int[_g];
            var valueCount = values.Length == 0 ? 0 : values.Max() + 1;
            _count = Enumerable.Range(0, _g).Select(_ => new int[valueCount]).ToArray();
            _distinct = new int[_g];
            GroupOf = (int[])start.Clone();
            Reset(start);
        }

        public int[] GroupOf { get; }
        public long Score { get; private set; }
        public int Missing { get; private set; }

        private int MissingOf(int distinct) => Math.Max(0, _k - distinct);

        public void Reset(int[] groupOf)
        {
            Array.Copy(groupOf, GroupOf, _n);
            Array.Clear(_link);
            Array.Clear(_size);
            Array.Clear(_distinct);
            foreach (var c in _count) Array.Clear(c);
            long twice = 0;
            for (var x = 0; x < _n; x++)
            {
                var g = GroupOf[x];
                _size[g]++;
                if (_values[x] >= 0 && _count[g][_values[x]]++ == 0) _distinct[g]++;
                for (var y = 0; y < _n; y++) if (y != x) _link[x * _g + GroupOf[y]] += _s[x, y];
            }
            for (var x = 0; x < _n; x++) twice += _link[x * _g + GroupOf[x]];
            Score = twice / 2;
            Missing = 0;
            for (var g = 0; g < _g; g++) Missing += MissingOf(_distinct[g]);
        }

        /// <summary>Distinct answers of group g after one person with answer out leaves and one with answer into joins (-1: nobody).</summary>
        private int DistinctAfter(int g, int outValue, int inValue)
        {
            var d = _distinct[g];
            if (outValue == inValue) return d;
            if (outValue >= 0 && _count[g][outValue] == 1) d--;
            if (inValue >= 0 && _count[g][inValue] == 0) d++;
            return d;
        }

        public int MissingAfterSwap(int p, int q)
        {
            int a = GroupOf[p], b = GroupOf[q];
            return Missing - MissingOf(_distinct[a]) - MissingOf(_distinct[b])
                + MissingOf(DistinctAfter(a, _values[p], _values[q])) + MissingOf(DistinctAfter(b, _values[q], _values[p]));
        }

        private int MissingAfterMove(int p, int b)
        {
            var a = GroupOf[p];
            return Missing - MissingOf(_distinct[a]) - MissingOf(_distinct[b])
                + MissingOf(DistinctAfter(a, _values[p], -1)) + MissingOf(DistinctAfter(b, -1, _values[p]));
        }

        private void Leave(int x, int g)
        {
            var v = _values[x];
            if (v >= 0 && --_count[g][v] == 0) _distinct[g]--;
        }

        private void Join(int x, int g)
        {
            var v = _values[x];
            if (v >= 0 && _count[g][v]++ == 0) _distinct[g]++;
        }

        public void Swap(int p, int q)
        {
            int a = GroupOf[p], b = GroupOf[q];
            var missing = MissingAfterSwap(p, q);
            Score += _link[p * _g + b] + _link[q * _g + a] - 2 * _s[p, q] - _link[p * _g + a] - _link[q * _g + b];
            for (var x = 0; x < _n; x++)
            {
                var row = x * _g;
                _link[row + a] += (x == q ? 0 : _s[x, q]) - (x == p ? 0 : _s[x, p]);
                _link[row + b] += (x == p ? 0 : _s[x, p]) - (x == q ? 0 : _s[x, q]);
            }
            Leave(p, a); Leave(q, b); Join(p, b); Join(q, a);
            GroupOf[p] = b;
            GroupOf[q] = a;
            Missing = missing;
        }

        private void Move(int p, int b)
        {
            var a = GroupOf[p];
            var missing = MissingAfterMove(p, b);
            Score += _link[p * _g + b] - _link[p * _g + a];
            for (var x = 0; x < _n; x++)
            {
                if (x == p) continue;
                _link[x * _g + a] -= _s[x, p];
                _link[x * _g + b] += _s[x, p];
            }
            Leave(p, a); Join(p, b);
            GroupOf[p] = b;
            _size[a]--;
            _size[b]++;
            Missing = missing;
        }

        /// <summary>Takes any swap or move that lowers the answers missing, or keeps them and gains score.</summary>
        public void Improve()
        {
            var improved = true;
            while (improved)
            {
                improved = false;
                for (var p = 0; p < _n; p++)
                {
                    var a = GroupOf[p];
                    if (_big != _small && _size[a] == _big)
                    {
                        for (var b = 0; b < _g; b++)
                        {
                            if (_size[b] != _small) continue;
                            var missing = MissingAfterMove(p, b);
                            var gain = _link[p * _g + b] - _link[p * _g + a];
                            if (missing < Missing || (missing == Missing && gain > 0))
                            {
                                Move(p, b);
                                improved = true;
                                a = b;
                                break;
                            }
                        }
                    }
                    for (var q = p + 1; q < _n; q++)
                    {
                        var b = GroupOf[q];
                        if (b == a) continue;
                        var missing = MissingAfterSwap(p, q);
                        if (missing > Missing) continue;
                        var gain = _link[p * _g + b] + _link[q * _g + a] - 2 * _s[p, q] - _link[p * _g + a] - _link[q * _g + b];
                        if (missing < Missing || gain > 0)
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

    /// <summary>Every grouping with the given sizes (pools of at most 12): fewest answers missing, then the highest total.</summary>
    private static List<int[]> ExhaustiveMix(long[,] s, int[] sizes, int[] values, int k)
    {
        var n = values.Length;
        var bigSize = sizes[0];
        var bigCount = sizes.Count(x => x == bigSize);
        var smallSize = sizes[^1];
        var smallCount = bigSize == smallSize ? 0 : sizes.Length - bigCount;
        (int Missing, long Score) best = (int.MaxValue, long.MinValue);
        List<int[]>? bestGroups = null;
        var current = new List<int[]>();
        var members = sizes.Select(_ => new int[bigSize]).ToArray();

        void Place(int used, int bigLeft, int smallLeft, int missing, long score)
        {
            if (bigLeft == 0 && smallLeft == 0)
            {
                if (missing < best.Missing || (missing == best.Missing && score > best.Score))
                {
                    best = (missing, score);
                    bestGroups = current.Select(g => (int[])g.Clone()).ToList();
                }
                return;
            }
            var first = System.Numerics.BitOperations.TrailingZeroCount(~used);
            members[current.Count][0] = first;
            if (bigLeft > 0) Choose(used | (1 << first), first + 1, 1, bigSize, 0, bigLeft - 1, smallLeft, missing, score);
            if (smallLeft > 0) Choose(used | (1 << first), first + 1, 1, smallSize, 0, bigLeft, smallLeft - 1, missing, score);
        }

        void Choose(int used, int from, int filled, int size, long groupScore, int bigLeft, int smallLeft, int missing, long score)
        {
            var member = members[current.Count];
            if (filled == size)
            {
                var group = member[..size];
                current.Add(group);
                Place(used, bigLeft, smallLeft, missing + Math.Max(0, k - Distinct(values, group)), score + groupScore);
                current.RemoveAt(current.Count - 1);
                return;
            }
            for (var x = from; x <= n - (size - filled); x++)
            {
                if ((used & (1 << x)) != 0) continue;
                long added = 0;
                for (var a = 0; a < filled; a++) added += s[member[a], x];
                member[filled] = x;
                Choose(used | (1 << x), x + 1, filled + 1, size, groupScore + added, bigLeft, smallLeft, missing, score);
            }
        }

        Place(0, bigCount, smallCount, 0, 0);
        return bestGroups!;
    }
}
