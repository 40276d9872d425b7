namespace Tandem.Matching;

/// <summary>
/// Maximum-weight matching in a general graph by Edmonds' blossom method with the primal–dual update,
/// as described by Galil ("Efficient algorithms for finding maximum matching in graphs", ACM Computing
/// Surveys, 1986), following the structure of Joris van Rantwijk's well-known O(n³) implementation.
/// </summary>
/// <remarks>
/// Integer weights only. Vertex duals are stored doubled (dual[v] = 2·u(v)) and blossom duals as z(B), so every
/// quantity stays an integer. Edge endpoints are numbered 2k and 2k + 1 for edge k; a "remote endpoint" p of
/// vertex v is the endpoint at the other end of one of v's edges, and p ^ 1 is v's own endpoint of that edge.
/// Labels: 0 free, 1 S (outer), 2 T (inner); 5 is a temporary breadcrumb while scanning for a blossom base.
/// </remarks>
internal sealed class WeightedBlossom
{
    private readonly int n;
    private readonly int edgeCount;
    private readonly int[] endpoint;
    private readonly long[] weight;
    private readonly int[] neighbourStart;
    private readonly int[] neighbourEnd;
    private readonly int[] mate;
    private readonly int[] label;
    private readonly int[] labelEnd;
    private readonly int[] inBlossom;
    private readonly int[] blossomParent;
    private readonly List<int>?[] blossomChildren;
    private readonly int[] blossomBase;
    private readonly List<int>?[] blossomEndpoints;
    private readonly int[] bestEdge;
    private readonly List<int>?[] blossomBestEdges;
    private readonly Stack<int> unusedBlossoms = new();
    private readonly long[] dual;
    private readonly bool[] allowEdge;
    private readonly List<int> queue = [];
    private readonly List<int> scratch = [];
    private readonly Stack<int> leafStack = new();
    private readonly int[] bestEdgeTo;

    /// <summary>Prepares the graph; weights must be positive (others never help a maximum-weight matching).</summary>
    public WeightedBlossom(int vertexCount, int[] u, int[] v, long[] w)
    {
        n = vertexCount;
        edgeCount = u.Length;
        weight = w;
        endpoint = new int[2 * edgeCount];
        var degree = new int[n + 1];
        for (var k = 0; k < edgeCount; k++)
        {
            endpoint[2 * k] = u[k];
            endpoint[2 * k + 1] = v[k];
            degree[u[k] + 1]++;
            degree[v[k] + 1]++;
        }
        for (var i = 0; i < n; i++)
        {
            degree[i + 1] += degree[i];
        }
        neighbourStart = degree;
        neighbourEnd = new int[2 * edgeCount];
        var fill = new int[n];
        Array.Copy(degree, fill, n);
        for (var k = 0; k < edgeCount; k++)
        {
            neighbourEnd[fill[u[k]]++] = 2 * k + 1;
            neighbourEnd[fill[v[k]]++] = 2 * k;
        }

        mate = new int[n];
        Array.Fill(mate, -1);
        label = new int[2 * n];
        labelEnd = new int[2 * n];
        Array.Fill(labelEnd, -1);
        inBlossom = new int[n];
        for (var i = 0; i < n; i++)
        {
            inBlossom[i] = i;
        }
        blossomParent = new int[2 * n];
        Array.Fill(blossomParent, -1);
        blossomChildren = new List<int>?[2 * n];
        blossomBase = new int[2 * n];
        for (var i = 0; i < 2 * n; i++)
        {
            blossomBase[i] = i < n ? i : -1;
        }
        blossomEndpoints = new List<int>?[2 * n];
        bestEdge = new int[2 * n];
        Array.Fill(bestEdge, -1);
        blossomBestEdges = new List<int>?[2 * n];
        for (var b = 2 * n - 1; b >= n; b--)
        {
            unusedBlossoms.Push(b);
        }
        long maxWeight = 0;
        foreach (var x in w)
        {
            maxWeight = Math.Max(maxWeight, x);
        }
        dual = new long[2 * n];
        Array.Fill(dual, maxWeight, 0, n);
        allowEdge = new bool[edgeCount];
        bestEdgeTo = new int[2 * n];
        Array.Fill(bestEdgeTo, -1);
    }

    /// <summary>Doubled vertex duals (0 .. n−1) and blossom duals (n .. 2n−1) after <see cref="Run"/>.</summary>
    public long[] Dual => dual;

    /// <summary>Parent blossom of each vertex or blossom after <see cref="Run"/>; -1 at the top level.</summary>
    public int[] BlossomParent => blossomParent;

    /// <summary>Base vertex of each blossom after <see cref="Run"/>; -1 for an unused blossom number.</summary>
    public int[] BlossomBase => blossomBase;

    /// <summary>Runs the algorithm and returns, for each vertex, the index of its matched edge or -1.</summary>
    public int[] Run()
    {
        for (var stage = 0; stage < n; stage++)
        {
            Array.Clear(label);
            Array.Fill(bestEdge, -1);
            Array.Fill(blossomBestEdges, null, n, n);
            Array.Clear(allowEdge);
            queue.Clear();

            for (var v = 0; v < n; v++)
            {
                if (mate[v] == -1 && label[inBlossom[v]] == 0)
                {
                    AssignLabel(v, 1, -1);
                }
            }

            var augmented = false;
            while (true)
            {
                while (queue.Count > 0 && !augmented)
                {
                    var v = queue[^1];
                    queue.RemoveAt(queue.Count - 1);
                    for (var x = neighbourStart[v]; x < neighbourStart[v + 1]; x++)
                    {
                        var p = neighbourEnd[x];
                        var k = p >> 1;
                        var w = endpoint[p];
                        if (inBlossom[v] == inBlossom[w])
                        {
                            continue;
                        }
                        long kslack = 0;
                        if (!allowEdge[k])
                        {
                            kslack = Slack(k);
                            if (kslack <= 0)
                            {
                                allowEdge[k] = true;
                            }
                        }
                        if (allowEdge[k])
                        {
                            if (label[inBlossom[w]] == 0)
                            {
                                // w is free: label it T and its mate S.
                                AssignLabel(w, 2, p ^ 1);
                            }
                            else if (label[inBlossom[w]] == 1)
                            {
                                // Two S-vertices: either a new blossom or an augmenting path.
                                var b = ScanBlossom(v, w);
                                if (b >= 0)
                                {
                                    AddBlossom(b, k);
                                }
                                else
                                {
                                    AugmentMatching(k);
                                    augmented = true;
                                    break;
                                }
                            }
                            else if (label[w] == 0)
                            {
                                // w sits inside a T-blossom but was not reached yet; remember how to reach it
                                // for when that blossom is expanded.
                                label[w] = 2;
                                labelEnd[w] = p ^ 1;
                            }
                        }
                        else if (label[inBlossom[w]] == 1)
                        {
                            var b = inBlossom[v];
                            if (bestEdge[b] == -1 || kslack < Slack(bestEdge[b]))
                            {
                                bestEdge[b] = k;
                            }
                        }
                        else if (label[w] == 0)
                        {
                            if (bestEdge[w] == -1 || kslack < Slack(bestEdge[w]))
                            {
                                bestEdge[w] = k;
                            }
                        }
                    }
                }
                if (augmented)
                {
                    break;
                }

                // No augmenting path with tight edges: move the duals by the largest safe delta.
                var deltaType = 1;
                var delta = long.MaxValue;
                for (var v = 0; v < n; v++)
                {
                    delta = Math.Min(delta, dual[v]);
                }
                var deltaEdge = -1;
                var deltaBlossom = -1;
                for (var v = 0; v < n; v++)
                {
                    if (label[inBlossom[v]] == 0 && bestEdge[v] != -1)
                    {
                        var d = Slack(bestEdge[v]);
                        if (d < delta)
                        {
                            delta = d;
                            deltaType = 2;
                            deltaEdge = bestEdge[v];
                        }
                    }
                }
                for (var b = 0; b < 2 * n; b++)
                {
                    if (blossomParent[b] == -1 && label[b] == 1 && bestEdge[b] != -1)
                    {
                        // S–S slacks are even with integer weights, so halving is exact.
                        var d = Slack(bestEdge[b]) / 2;
                        if (d < delta)
                        {
                            delta = d;
                            deltaType = 3;
                            deltaEdge = bestEdge[b];
                        }
                    }
                }
                for (var b = n; b < 2 * n; b++)
                {
                    if (blossomBase[b] >= 0 && blossomParent[b] == -1 && label[b] == 2 && dual[b] < delta)
                    {
                        delta = dual[b];
                        deltaType = 4;
                        deltaBlossom = b;
                    }
                }

                for (var v = 0; v < n; v++)
                {
                    var l = label[inBlossom[v]];
                    if (l == 1)
                    {
                        dual[v] -= delta;
                    }
                    else if (l == 2)
                    {
                        dual[v] += delta;
                    }
                }
                for (var b = n; b < 2 * n; b++)
                {
                    if (blossomBase[b] >= 0 && blossomParent[b] == -1)
                    {
                        if (label[b] == 1)
                        {
                            dual[b] += delta;
                        }
                        else if (label[b] == 2)
                        {
                            dual[b] -= delta;
                        }
                    }
                }

                if (deltaType == 1)
                {
                    break;
                }
                if (deltaType == 2)
                {
                    allowEdge[deltaEdge] = true;
                    var i = endpoint[2 * deltaEdge];
                    if (label[inBlossom[i]] == 0)
                    {
                        i = endpoint[2 * deltaEdge + 1];
                    }
                    queue.Add(i);
                }
                else if (deltaType == 3)
                {
                    allowEdge[deltaEdge] = true;
                    queue.Add(endpoint[2 * deltaEdge]);
                }
                else
                {
                    ExpandBlossom(deltaBlossom, endStage: false);
                }
            }

            if (!augmented)
            {
                break;
            }

            for (var b = n; b < 2 * n; b++)
            {
                if (blossomParent[b] == -1 && blossomBase[b] >= 0 && label[b] == 1 && dual[b] == 0)
                {
                    ExpandBlossom(b, endStage: true);
                }
            }
        }

        var matchedEdge = new int[n];
        for (var v = 0; v < n; v++)
        {
            matchedEdge[v] = mate[v] >= 0 ? mate[v] >> 1 : -1;
        }
        return matchedEdge;
    }

    /// <summary>Twice the slack of edge k (valid between different top-level blossoms).</summary>
    private long Slack(int k) => dual[endpoint[2 * k]] + dual[endpoint[2 * k + 1]] - 2 * weight[k];

    private static int Wrap(int j, int count) => j < 0 ? j + count : j;

    /// <summary>Appends the vertices inside blossom b (or b itself for a vertex) to output.</summary>
    private void AddLeaves(int b, List<int> output)
    {
        if (b < n)
        {
            output.Add(b);
            return;
        }
        leafStack.Push(b);
        while (leafStack.Count > 0)
        {
            var t = leafStack.Pop();
            if (t < n)
            {
                output.Add(t);
                continue;
            }
            var children = blossomChildren[t]!;
            for (var c = children.Count - 1; c >= 0; c--)
            {
                leafStack.Push(children[c]);
            }
        }
    }

    private List<int> Leaves(int b)
    {
        var list = new List<int>();
        AddLeaves(b, list);
        return list;
    }

    private void AssignLabel(int w, int t, int p)
    {
        while (true)
        {
            var b = inBlossom[w];
            label[w] = label[b] = t;
            labelEnd[w] = labelEnd[b] = p;
            bestEdge[w] = bestEdge[b] = -1;
            if (t == 1)
            {
                AddLeaves(b, queue);
                return;
            }
            // A T-blossom's base is matched outside it; its mate becomes S.
            var baseMate = mate[blossomBase[b]];
            w = endpoint[baseMate];
            t = 1;
            p = baseMate ^ 1;
        }
    }

    /// <summary>Traces back from v and w; returns the base of a new blossom, or -1 for an augmenting path.</summary>
    private int ScanBlossom(int v, int w)
    {
        scratch.Clear();
        var result = -1;
        while (v != -1 || w != -1)
        {
            var b = inBlossom[v];
            if ((label[b] & 4) != 0)
            {
                result = blossomBase[b];
                break;
            }
            scratch.Add(b);
            label[b] = 5;
            if (labelEnd[b] == -1)
            {
                v = -1;
            }
            else
            {
                v = endpoint[labelEnd[b]];
                b = inBlossom[v];
                v = endpoint[labelEnd[b]];
            }
            if (w != -1)
            {
                (v, w) = (w, v);
            }
        }
        foreach (var b in scratch)
        {
            label[b] = 1;
        }
        return result;
    }

    private void AddBlossom(int baseVertex, int k)
    {
        var v = endpoint[2 * k];
        var w = endpoint[2 * k + 1];
        var bb = inBlossom[baseVertex];
        var bv = inBlossom[v];
        var bw = inBlossom[w];
        var b = unusedBlossoms.Pop();
        blossomBase[b] = baseVertex;
        blossomParent[b] = -1;
        blossomParent[bb] = b;
        var path = new List<int>();
        var endps = new List<int>();
        while (bv != bb)
        {
            blossomParent[bv] = b;
            path.Add(bv);
            endps.Add(labelEnd[bv]);
            v = endpoint[labelEnd[bv]];
            bv = inBlossom[v];
        }
        path.Add(bb);
        path.Reverse();
        endps.Reverse();
        endps.Add(2 * k);
        while (bw != bb)
        {
            blossomParent[bw] = b;
            path.Add(bw);
            endps.Add(labelEnd[bw] ^ 1);
            w = endpoint[labelEnd[bw]];
            bw = inBlossom[w];
        }
        blossomChildren[b] = path;
        blossomEndpoints[b] = endps;
        label[b] = 1;
        labelEnd[b] = labelEnd[bb];
        dual[b] = 0;

        foreach (var leaf in Leaves(b))
        {
            if (label[inBlossom[leaf]] == 2)
            {
                // A T-vertex becomes part of an S-blossom and must be scanned.
                queue.Add(leaf);
            }
            inBlossom[leaf] = b;
        }

        // Least-slack edges from the new blossom to every neighbouring S-blossom.
        var touched = new List<int>();
        foreach (var sub in path)
        {
            var subBest = blossomBestEdges[sub];
            if (subBest is null)
            {
                foreach (var leaf in Leaves(sub))
                {
                    for (var x = neighbourStart[leaf]; x < neighbourStart[leaf + 1]; x++)
                    {
                        ConsiderBestEdge(b, neighbourEnd[x] >> 1, touched);
                    }
                }
            }
            else
            {
                foreach (var e in subBest)
                {
                    ConsiderBestEdge(b, e, touched);
                }
            }
            blossomBestEdges[sub] = null;
            bestEdge[sub] = -1;
        }
        touched.Sort();
        var best = new List<int>(touched.Count);
        bestEdge[b] = -1;
        foreach (var bj in touched)
        {
            var e = bestEdgeTo[bj];
            bestEdgeTo[bj] = -1;
            best.Add(e);
            if (bestEdge[b] == -1 || Slack(e) < Slack(bestEdge[b]))
            {
                bestEdge[b] = e;
            }
        }
        blossomBestEdges[b] = best;
    }

    private void ConsiderBestEdge(int b, int e, List<int> touched)
    {
        var j = endpoint[2 * e + 1];
        if (inBlossom[j] == b)
        {
            j = endpoint[2 * e];
        }
        var bj = inBlossom[j];
        if (bj != b && label[bj] == 1)
        {
            if (bestEdgeTo[bj] == -1)
            {
                touched.Add(bj);
                bestEdgeTo[bj] = e;
            }
            else if (Slack(e) < Slack(bestEdgeTo[bj]))
            {
                bestEdgeTo[bj] = e;
            }
        }
    }

    private void ExpandBlossom(int b, bool endStage)
    {
        var children = blossomChildren[b]!;
        var endps = blossomEndpoints[b]!;
        foreach (var s in children)
        {
            blossomParent[s] = -1;
            if (s < n)
            {
                inBlossom[s] = s;
            }
            else if (endStage && dual[s] == 0)
            {
                ExpandBlossom(s, endStage);
            }
            else
            {
                foreach (var leaf in Leaves(s))
                {
                    inBlossom[leaf] = s;
                }
            }
        }

        if (!endStage && label[b] == 2)
        {
            // The expanding T-blossom's sub-blossoms must be relabelled along the even path from the
            // sub-blossom through which it was reached to its base.
            var count = children.Count;
            var entryChild = inBlossom[endpoint[labelEnd[b] ^ 1]];
            var j = children.IndexOf(entryChild);
            int step, trick;
            if ((j & 1) != 0)
            {
                j -= count;
                step = 1;
                trick = 0;
            }
            else
            {
                step = -1;
                trick = 1;
            }
            var p = labelEnd[b];
            while (j != 0)
            {
                label[endpoint[p ^ 1]] = 0;
                label[endpoint[endps[Wrap(j - trick, count)] ^ trick ^ 1]] = 0;
                AssignLabel(endpoint[p ^ 1], 2, p);
                allowEdge[endps[Wrap(j - trick, count)] >> 1] = true;
                j += step;
                p = endps[Wrap(j - trick, count)] ^ trick;
                allowEdge[p >> 1] = true;
                j += step;
            }
            var bv = children[Wrap(j, count)];
            label[endpoint[p ^ 1]] = label[bv] = 2;
            labelEnd[endpoint[p ^ 1]] = labelEnd[bv] = p;
            bestEdge[bv] = -1;
            j += step;
            while (children[Wrap(j, count)] != entryChild)
            {
                bv = children[Wrap(j, count)];
                if (label[bv] == 1)
                {
                    j += step;
                    continue;
                }
                var leaves = Leaves(bv);
                var reached = leaves.FindIndex(x => label[x] != 0);
                if (reached >= 0)
                {
                    var v = leaves[reached];
                    label[v] = 0;
                    label[endpoint[mate[blossomBase[bv]]]] = 0;
                    AssignLabel(v, 2, labelEnd[v]);
                }
                j += step;
            }
        }

        label[b] = labelEnd[b] = -1;
        blossomChildren[b] = null;
        blossomEndpoints[b] = null;
        blossomBase[b] = -1;
        blossomBestEdges[b] = null;
        bestEdge[b] = -1;
        unusedBlossoms.Push(b);
    }

    /// <summary>Swaps matched and unmatched edges along the even path from v to the base of blossom b.</summary>
    private void AugmentBlossom(int b, int v)
    {
        var t = v;
        while (blossomParent[t] != b)
        {
            t = blossomParent[t];
        }
        if (t >= n)
        {
            AugmentBlossom(t, v);
        }
        var children = blossomChildren[b]!;
        var endps = blossomEndpoints[b]!;
        var count = children.Count;
        var i = children.IndexOf(t);
        var j = i;
        int step, trick;
        if ((i & 1) != 0)
        {
            j -= count;
            step = 1;
            trick = 0;
        }
        else
        {
            step = -1;
            trick = 1;
        }
        while (j != 0)
        {
            j += step;
            t = children[Wrap(j, count)];
            var p = endps[Wrap(j - trick, count)] ^ trick;
            if (t >= n)
            {
                AugmentBlossom(t, endpoint[p]);
            }
            j += step;
            t = children[Wrap(j, count)];
            if (t >= n)
            {
                AugmentBlossom(t, endpoint[p ^ 1]);
            }
            mate[endpoint[p]] = p ^ 1;
            mate[endpoint[p ^ 1]] = p;
        }
        // Rotate so the new base comes first.
        blossomChildren[b] = [.. children.Skip(i), .. children.Take(i)];
        blossomEndpoints[b] = [.. endps.Skip(i), .. endps.Take(i)];
        blossomBase[b] = blossomBase[blossomChildren[b]![0]];
    }

    private void AugmentMatching(int k)
    {
        for (var side = 0; side < 2; side++)
        {
            var s = endpoint[2 * k + side];
            var p = 2 * k + 1 - side;
            while (true)
            {
                var bs = inBlossom[s];
                if (bs >= n)
                {
                    AugmentBlossom(bs, s);
                }
                mate[s] = p;
                if (labelEnd[bs] == -1)
                {
                    break;
                }
                var t = endpoint[labelEnd[bs]];
                var bt = inBlossom[t];
                s = endpoint[labelEnd[bt]];
                var j = endpoint[labelEnd[bt] ^ 1];
                if (bt >= n)
                {
                    AugmentBlossom(bt, j);
                }
                mate[j] = labelEnd[bt];
                p = labelEnd[bt] ^ 1;
            }
        }
    }
}
