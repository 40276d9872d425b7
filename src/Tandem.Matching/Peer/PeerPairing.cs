using System.Runtime.ExceptionServices;

namespace Tandem.Matching;

/// <summary>
/// Pairs people within one peer pool (a non-bipartite matching) to maximise the total score, exactly.
/// </summary>
/// <remarks>
/// Uses Edmonds' weighted blossom algorithm (O(n³) in the number of people). The result carries the dual
/// objective as <see cref="PeerPairResult.UpperBound"/>; the solver checks that dual against every edge and
/// that it equals the total score before returning, so a returned result is proven optimal.
/// People without a positive-score edge stay unpaired.
/// </remarks>
public static class PeerPairing
{
    /// <summary>Largest allowed absolute edge score (2⁴⁰), which keeps every dual sum far from overflow.</summary>
    public const long MaxScoreMagnitude = 1L << 40;

    /// <summary>Finds a maximum-score set of disjoint pairs and proves it optimal.</summary>
    /// <param name="p">The pool and its allowed pairs.</param>
    /// <returns>The chosen pairs, their total score and the matching upper bound (equal to the total).</returns>
    /// <exception cref="ArgumentException">
    /// PeopleCount is negative, an edge is missing, joins a person to itself, has an index out of range or a
    /// score beyond <see cref="MaxScoreMagnitude"/>, or a pair is listed twice; the message names the field.
    /// </exception>
    public static PeerPairResult Solve(PeerPairProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.PeopleCount < 0)
        {
            throw new ArgumentException($"PeopleCount = {p.PeopleCount} is negative.", nameof(PeerPairProblem.PeopleCount));
        }
        if (p.Edges is null)
        {
            throw new ArgumentException("Edges is missing.", nameof(PeerPairProblem.Edges));
        }
        var n = p.PeopleCount;
        var seen = new HashSet<long>(p.Edges.Count);
        var kept = new List<int>();
        for (var k = 0; k < p.Edges.Count; k++)
        {
            var e = p.Edges[k] ?? throw new ArgumentException($"Edges[{k}] is missing.", nameof(PeerPairProblem.Edges));
            if ((uint)e.A >= (uint)n || (uint)e.B >= (uint)n)
            {
                throw new ArgumentException(
                    $"Edges[{k}] = ({e.A}, {e.B}) has a person index outside 0..{n - 1}.", nameof(PeerPairProblem.Edges));
            }
            if (e.A == e.B)
            {
                throw new ArgumentException($"Edges[{k}] pairs person {e.A} with itself.", nameof(PeerPairProblem.Edges));
            }
            if (e.Score > MaxScoreMagnitude || e.Score < -MaxScoreMagnitude)
            {
                throw new ArgumentException(
                    $"Edges[{k}].Score = {e.Score} is beyond ±2^40.", nameof(PeerPairProblem.Edges));
            }
            if (!seen.Add(PairKey(e.A, e.B)))
            {
                throw new ArgumentException(
                    $"Edges[{k}] lists the pair ({e.A}, {e.B}) a second time.", nameof(PeerPairProblem.Edges));
            }
            if (e.Score > 0)
            {
                kept.Add(k);
            }
        }

        var u = new int[kept.Count];
        var v = new int[kept.Count];
        var w = new long[kept.Count];
        for (var x = 0; x < kept.Count; x++)
        {
            var e = p.Edges[kept[x]];
            (u[x], v[x], w[x]) = (e.A, e.B, e.Score);
        }
        var (matchedEdge, upperBound) = MaximumWeightMatching(n, u, v, w);

        var pairs = new List<PeerEdge>();
        long total = 0;
        for (var person = 0; person < n; person++)
        {
            var x = matchedEdge[person];
            if (x >= 0 && Math.Min(u[x], v[x]) == person)
            {
                var e = p.Edges[kept[x]];
                pairs.Add(e);
                total += e.Score;
            }
        }
        return new PeerPairResult(pairs, total, upperBound);
    }

    private static long PairKey(int a, int b) => ((long)Math.Min(a, b) << 32) | (uint)Math.Max(a, b);

    /// <summary>
    /// Maximum-weight matching on positive integer weights (|w| ≤ 2⁴² keeps the doubled duals in range), with
    /// its verified dual bound. Returns, per vertex, the index of its matched edge or -1.
    /// </summary>
    /// <exception cref="InvalidOperationException">The certificate does not hold, which would be a bug.</exception>
    internal static (int[] MatchedEdge, long UpperBound) MaximumWeightMatching(int n, int[] u, int[] v, long[] w)
    {
        var solver = new WeightedBlossom(n, u, v, w);
        int[] matchedEdge;
        // Blossom nesting can be deep on large pools; the recursive expand and augment steps get a
        // generous stack of their own rather than risk the caller's.
        if (n > 2_000)
        {
            int[]? result = null;
            ExceptionDispatchInfo? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    result = solver.Run();
                }
                catch (Exception ex)
                {
                    failure = ExceptionDispatchInfo.Capture(ex);
                }
            }, maxStackSize: 256 * 1024 * 1024);
            thread.Start();
            thread.Join();
            failure?.Throw();
            matchedEdge = result!;
        }
        else
        {
            matchedEdge = solver.Run();
        }
        var bound = VerifiedBound(n, u, v, w, matchedEdge, solver.Dual, solver.BlossomParent, solver.BlossomBase);
        return (matchedEdge, bound);
    }

    /// <summary>
    /// Checks the primal matching and the dual solution independently of the solver's bookkeeping and
    /// returns the dual objective Σ u(v) + Σ z(B)·⌊|B|/2⌋, which bounds every matching by weak duality.
    /// </summary>
    private static long VerifiedBound(
        int n, int[] u, int[] v, long[] w, int[] matchedEdge, long[] dual, int[] parent, int[] blossomBase)
    {
        // Primal: each matched edge is claimed by both of its endpoints.
        long total = 0;
        for (var person = 0; person < n; person++)
        {
            var x = matchedEdge[person];
            if (x < 0)
            {
                continue;
            }
            var other = u[x] == person ? v[x] : u[x];
            if ((u[x] != person && v[x] != person) || matchedEdge[other] != x)
            {
                throw new InvalidOperationException("Peer pairing produced an inconsistent matching.");
            }
            if (person < other)
            {
                total += w[x];
            }
        }

        // Dual feasibility: non-negative duals, and every edge's reduced cost u(i) + u(j) − w + Σ z(B ∋ i, j) ≥ 0.
        var size = new int[2 * n];
        long twiceBound = 0;
        for (var x = 0; x < n; x++)
        {
            if (dual[x] < 0)
            {
                throw new InvalidOperationException("Peer pairing produced a negative vertex dual.");
            }
            twiceBound += dual[x];
            for (var b = parent[x]; b != -1; b = parent[b])
            {
                size[b]++;
            }
        }
        for (var b = n; b < 2 * n; b++)
        {
            if (blossomBase[b] < 0)
            {
                continue;
            }
            if (dual[b] < 0 || size[b] % 2 == 0)
            {
                throw new InvalidOperationException("Peer pairing produced an invalid blossom dual.");
            }
            twiceBound += dual[b] * (size[b] - 1);
        }
        var chainI = new List<int>();
        var chainJ = new List<int>();
        for (var k = 0; k < u.Length; k++)
        {
            var twiceSlack = dual[u[k]] + dual[v[k]] - 2 * w[k];
            chainI.Clear();
            chainJ.Clear();
            for (var b = parent[u[k]]; b != -1; b = parent[b])
            {
                chainI.Add(b);
            }
            for (var b = parent[v[k]]; b != -1; b = parent[b])
            {
                chainJ.Add(b);
            }
            for (int a = chainI.Count - 1, c = chainJ.Count - 1; a >= 0 && c >= 0 && chainI[a] == chainJ[c]; a--, c--)
            {
                twiceSlack += 2 * dual[chainI[a]];
            }
            if (twiceSlack < 0)
            {
                throw new InvalidOperationException($"Peer pairing dual is infeasible on edge {k}.");
            }
        }
        var bound = twiceBound / 2;
        if (bound != total)
        {
            throw new InvalidOperationException(
                $"Peer pairing total {total} does not reach its dual bound {bound}; the result is unproven.");
        }
        return bound;
    }
}
