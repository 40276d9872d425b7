namespace Tandem.Matching;

/// <summary>
/// Stable matching of mentees to mentors with capacities (the college admissions / hospital–residents
/// problem), by mentee-proposing deferred acceptance (Gale and Shapley, 1962).
/// </summary>
/// <remarks>
/// The result is stable (no mentee–mentor pair would both rather be together than keep what they have)
/// and mentee-optimal: every mentee gets the best mentor it has in any stable matching. Time is linear in
/// the total length of the preference lists plus a logarithmic factor in mentor capacity.
/// </remarks>
public static class StableMatching
{
    /// <summary>
    /// Runs mentee-proposing deferred acceptance and then checks the outcome independently for blocking pairs.
    /// </summary>
    /// <param name="p">The problem; see <see cref="StableProblem"/> for the meaning of each list.</param>
    /// <returns>The mentee-optimal stable matching and its (empty) list of blocking pairs.</returns>
    /// <exception cref="ArgumentException">
    /// A list is missing, an index is out of range or repeated within one list, a capacity is negative, or
    /// the capacity count differs from the mentor count; the message names the field.
    /// </exception>
    public static StableResult Solve(StableProblem p)
    {
        Validate(p);
        var mentorOfMentee = DeferredAcceptance(p);
        var blocking = FindBlockingPairsCore(p, mentorOfMentee);
        return new StableResult(mentorOfMentee, blocking);
    }

    /// <summary>
    /// Lists every blocking pair of an arbitrary assignment: a mentee and a mentor who accept each other,
    /// where the mentee prefers that mentor to its current one (or is unmatched) and the mentor has a free
    /// place or prefers the mentee to the worst mentee it holds.
    /// </summary>
    /// <param name="p">The problem the assignment belongs to.</param>
    /// <param name="mentorOfMentee">For each mentee, its mentor index or -1 for unmatched.</param>
    /// <returns>The blocking pairs, ordered by mentee and then by the mentee's preference; empty when stable.</returns>
    /// <remarks>
    /// The check is computed from the assignment alone, not from the solver's state, so it can audit a
    /// coordinator's manual matching or another objective's result. A pair in the assignment that is not
    /// acceptable to both sides is allowed here; its mentee is treated as preferring every listed mentor to it,
    /// and its mentor as preferring every listed mentee to it. Such a pair is not itself reported.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The problem is malformed, the assignment has the wrong length or an index out of range, or a mentor
    /// holds more mentees than its capacity.
    /// </exception>
    public static IReadOnlyList<(int Mentee, int Mentor)> FindBlockingPairs(StableProblem p, int[] mentorOfMentee)
    {
        Validate(p);
        ArgumentNullException.ThrowIfNull(mentorOfMentee);
        if (mentorOfMentee.Length != p.MenteeCount)
        {
            throw new ArgumentException(
                $"mentorOfMentee has {mentorOfMentee.Length} entries but there are {p.MenteeCount} mentees.",
                nameof(mentorOfMentee));
        }
        for (var i = 0; i < mentorOfMentee.Length; i++)
        {
            var j = mentorOfMentee[i];
            if (j < -1 || j >= p.MentorCount)
            {
                throw new ArgumentException(
                    $"mentorOfMentee[{i}] = {j} is neither -1 nor a mentor index (0..{p.MentorCount - 1}).",
                    nameof(mentorOfMentee));
            }
        }
        return FindBlockingPairsCore(p, mentorOfMentee);
    }

    /// <summary>
    /// Derives both sides' preference lists from one compatibility score per allowed pair: each side ranks
    /// the pairs it takes part in by descending score.
    /// </summary>
    /// <param name="menteeCount">Number of mentees.</param>
    /// <param name="mentorCapacities">Capacity of each mentor; its length is the mentor count.</param>
    /// <param name="pairs">The allowed pairs with their scores; a pair not listed is not acceptable.</param>
    /// <returns>A problem whose lists hold exactly the listed pairs, best score first.</returns>
    /// <remarks>
    /// Ties are broken deterministically by index: a mentee ranks the lower mentor index first among equal
    /// scores, and a mentor ranks the lower mentee index first.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// A count is negative, an index is out of range, a capacity is negative, or a pair is listed twice.
    /// </exception>
    public static StableProblem RanksFromScores(
        int menteeCount, int[] mentorCapacities, IEnumerable<(int Mentee, int Mentor, long Score)> pairs)
    {
        ArgumentNullException.ThrowIfNull(mentorCapacities);
        ArgumentNullException.ThrowIfNull(pairs);
        if (menteeCount < 0)
        {
            throw new ArgumentException($"menteeCount = {menteeCount} is negative.", nameof(menteeCount));
        }
        var mentorCount = mentorCapacities.Length;
        var list = pairs as IReadOnlyList<(int Mentee, int Mentor, long Score)> ?? pairs.ToList();
        var menteeSide = new List<(long Score, int Other)>[menteeCount];
        var mentorSide = new List<(long Score, int Other)>[mentorCount];
        for (var k = 0; k < list.Count; k++)
        {
            var (i, j, s) = list[k];
            if (i < 0 || i >= menteeCount)
            {
                throw new ArgumentException(
                    $"pairs[{k}].Mentee = {i} is not a mentee index (0..{menteeCount - 1}).", nameof(pairs));
            }
            if (j < 0 || j >= mentorCount)
            {
                throw new ArgumentException(
                    $"pairs[{k}].Mentor = {j} is not a mentor index (0..{mentorCount - 1}).", nameof(pairs));
            }
            (menteeSide[i] ??= []).Add((s, j));
            (mentorSide[j] ??= []).Add((s, i));
        }
        var menteePrefs = SortedLists(menteeSide, mentorCount, "mentee", "mentor");
        var mentorPrefs = SortedLists(mentorSide, menteeCount, "mentor", "mentee");
        var problem = new StableProblem(menteePrefs, mentorPrefs, (int[])mentorCapacities.Clone());
        Validate(problem);
        return problem;
    }

    /// <summary>
    /// Derives both sides' preference lists from a score function over all mentee–mentor pairs: each side
    /// ranks by descending score; a pair whose score is <see langword="null"/> is not acceptable.
    /// </summary>
    /// <param name="menteeCount">Number of mentees.</param>
    /// <param name="mentorCapacities">Capacity of each mentor; its length is the mentor count.</param>
    /// <param name="score">Score of (mentee, mentor), or null for a forbidden pair. Called once per pair.</param>
    /// <returns>A problem whose lists hold every allowed pair, best score first.</returns>
    /// <remarks>Ties are broken by the lower index first, as in the pair-list overload.</remarks>
    /// <exception cref="ArgumentException">A count or capacity is negative.</exception>
    public static StableProblem RanksFromScores(int menteeCount, int[] mentorCapacities, Func<int, int, long?> score)
    {
        ArgumentNullException.ThrowIfNull(mentorCapacities);
        ArgumentNullException.ThrowIfNull(score);
        if (menteeCount < 0)
        {
            throw new ArgumentException($"menteeCount = {menteeCount} is negative.", nameof(menteeCount));
        }
        return RanksFromScores(menteeCount, mentorCapacities, AllPairs(menteeCount, mentorCapacities.Length, score));
    }

    private static IEnumerable<(int Mentee, int Mentor, long Score)> AllPairs(
        int menteeCount, int mentorCount, Func<int, int, long?> score)
    {
        for (var i = 0; i < menteeCount; i++)
        {
            for (var j = 0; j < mentorCount; j++)
            {
                if (score(i, j) is long s)
                {
                    yield return (i, j, s);
                }
            }
        }
    }

    private static int[][] SortedLists(
        List<(long Score, int Other)>[] side, int otherCount, string ownerName, string otherName)
    {
        var result = new int[side.Length][];
        var seen = new int[otherCount];
        for (var x = 0; x < side.Length; x++)
        {
            var entries = side[x];
            if (entries is null)
            {
                result[x] = [];
                continue;
            }
            // Descending score, then ascending index: the documented deterministic tie-break.
            entries.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Other.CompareTo(b.Other));
            var prefs = new int[entries.Count];
            for (var r = 0; r < prefs.Length; r++)
            {
                prefs[r] = entries[r].Other;
                if (seen[prefs[r]] == x + 1)
                {
                    throw new ArgumentException(
                        $"pairs lists {ownerName} {x} with {otherName} {prefs[r]} more than once.", "pairs");
                }
                seen[prefs[r]] = x + 1;
            }
            result[x] = prefs;
        }
        return result;
    }

    /// <summary>Checks shape, ranges, duplicates and capacities; throws naming the offending field.</summary>
    internal static void Validate(StableProblem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.MenteePreferences is null)
        {
            throw new ArgumentException("MenteePreferences is missing.", nameof(StableProblem.MenteePreferences));
        }
        if (p.MentorPreferences is null)
        {
            throw new ArgumentException("MentorPreferences is missing.", nameof(StableProblem.MentorPreferences));
        }
        if (p.MentorCapacities is null)
        {
            throw new ArgumentException("MentorCapacities is missing.", nameof(StableProblem.MentorCapacities));
        }
        var n = p.MenteePreferences.Length;
        var m = p.MentorPreferences.Length;
        if (p.MentorCapacities.Length != m)
        {
            throw new ArgumentException(
                $"MentorCapacities has {p.MentorCapacities.Length} entries but MentorPreferences has {m} mentors.",
                nameof(StableProblem.MentorCapacities));
        }
        for (var j = 0; j < m; j++)
        {
            if (p.MentorCapacities[j] < 0)
            {
                throw new ArgumentException(
                    $"MentorCapacities[{j}] = {p.MentorCapacities[j]} is negative.", nameof(StableProblem.MentorCapacities));
            }
        }
        CheckLists(p.MenteePreferences, m, nameof(StableProblem.MenteePreferences), "mentor");
        CheckLists(p.MentorPreferences, n, nameof(StableProblem.MentorPreferences), "mentee");
    }

    private static void CheckLists(int[][] lists, int otherCount, string field, string otherName)
    {
        // seen[x] == owner + 1 marks "x already appears in owner's list" without clearing between lists.
        var seen = new int[otherCount];
        for (var owner = 0; owner < lists.Length; owner++)
        {
            var list = lists[owner];
            if (list is null)
            {
                throw new ArgumentException($"{field}[{owner}] is missing.", field);
            }
            for (var r = 0; r < list.Length; r++)
            {
                var x = list[r];
                if ((uint)x >= (uint)otherCount)
                {
                    throw new ArgumentException(
                        $"{field}[{owner}][{r}] = {x} is not a {otherName} index (0..{otherCount - 1}).", field);
                }
                if (seen[x] == owner + 1)
                {
                    throw new ArgumentException($"{field}[{owner}] lists {otherName} {x} twice.", field);
                }
                seen[x] = owner + 1;
            }
        }
    }

    /// <summary>Mentee-proposing deferred acceptance on a validated problem.</summary>
    private static int[] DeferredAcceptance(StableProblem p)
    {
        var n = p.MenteeCount;
        var m = p.MentorCount;

        // Flatten mentee lists: entry e is mentee i's proposal to entryMentor[e].
        var start = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            start[i + 1] = start[i] + p.MenteePreferences[i].Length;
        }
        var total = start[n];
        var entryMentor = new int[total];
        var perMentor = new int[m + 1];
        for (var i = 0; i < n; i++)
        {
            var list = p.MenteePreferences[i];
            list.CopyTo(entryMentor, start[i]);
            foreach (var j in list)
            {
                perMentor[j + 1]++;
            }
        }
        for (var j = 0; j < m; j++)
        {
            perMentor[j + 1] += perMentor[j];
        }

        // Bucket the entries by mentor so each mentor's ranking can be stamped once and read for every
        // mentee who proposes to it: entryRank[e] = the mentor's rank of the proposing mentee, or -1.
        var bucketEntry = new int[total];
        var bucketMentee = new int[total];
        var cursor = new int[m];
        Array.Copy(perMentor, cursor, m);
        for (var i = 0; i < n; i++)
        {
            for (var e = start[i]; e < start[i + 1]; e++)
            {
                var c = cursor[entryMentor[e]]++;
                bucketEntry[c] = e;
                bucketMentee[c] = i;
            }
        }
        var entryRank = new int[total];
        var stamp = new int[n];
        var stampedRank = new int[n];
        for (var j = 0; j < m; j++)
        {
            var prefs = p.MentorPreferences[j];
            for (var r = 0; r < prefs.Length; r++)
            {
                stamp[prefs[r]] = j + 1;
                stampedRank[prefs[r]] = r;
            }
            for (var c = perMentor[j]; c < perMentor[j + 1]; c++)
            {
                var i = bucketMentee[c];
                entryRank[bucketEntry[c]] = stamp[i] == j + 1 ? stampedRank[i] : -1;
            }
        }

        // Each mentor holds its tentative mentees in a max-heap on rank, so the one to reject is on top.
        // A mentor never holds more mentees than propose to it, which bounds the heap storage.
        var heapStart = new int[m + 1];
        for (var j = 0; j < m; j++)
        {
            heapStart[j + 1] = heapStart[j] + Math.Min(p.MentorCapacities[j], perMentor[j + 1] - perMentor[j]);
        }
        var heapRank = new int[heapStart[m]];
        var heapMentee = new int[heapStart[m]];
        var heapSize = new int[m];

        var mentorOf = new int[n];
        Array.Fill(mentorOf, -1);
        var next = new int[n];
        Array.Copy(start, next, n);
        var free = new int[n];
        var freeCount = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            free[freeCount++] = i;
        }

        while (freeCount > 0)
        {
            var i = free[--freeCount];
            var end = start[i + 1];
            while (next[i] < end)
            {
                var e = next[i]++;
                var r = entryRank[e];
                if (r < 0)
                {
                    continue;
                }
                var j = entryMentor[e];
                var b = heapStart[j];
                var cap = heapStart[j + 1] - b;
                if (heapSize[j] < cap)
                {
                    HeapPush(heapRank, heapMentee, b, ref heapSize[j], r, i);
                    mentorOf[i] = j;
                    break;
                }
                if (cap > 0 && heapRank[b] > r)
                {
                    var rejected = heapMentee[b];
                    HeapReplaceTop(heapRank, heapMentee, b, heapSize[j], r, i);
                    mentorOf[rejected] = -1;
                    free[freeCount++] = rejected;
                    mentorOf[i] = j;
                    break;
                }
            }
        }
        return mentorOf;
    }

    private static void HeapPush(int[] rank, int[] who, int b, ref int size, int r, int i)
    {
        var k = size++;
        while (k > 0)
        {
            var parent = (k - 1) >> 1;
            if (rank[b + parent] >= r)
            {
                break;
            }
            rank[b + k] = rank[b + parent];
            who[b + k] = who[b + parent];
            k = parent;
        }
        rank[b + k] = r;
        who[b + k] = i;
    }

    private static void HeapReplaceTop(int[] rank, int[] who, int b, int size, int r, int i)
    {
        var k = 0;
        while (true)
        {
            var child = 2 * k + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && rank[b + child + 1] > rank[b + child])
            {
                child++;
            }
            if (rank[b + child] <= r)
            {
                break;
            }
            rank[b + k] = rank[b + child];
            who[b + k] = who[b + child];
            k = child;
        }
        rank[b + k] = r;
        who[b + k] = i;
    }

    /// <summary>
    /// Blocking pairs of a validated problem and an in-range assignment, derived from the assignment alone.
    /// </summary>
    private static IReadOnlyList<(int Mentee, int Mentor)> FindBlockingPairsCore(StableProblem p, int[] mentorOfMentee)
    {
        var n = p.MenteeCount;
        var m = p.MentorCount;

        // Mentees grouped by their assigned mentor, with a capacity check.
        var heldStart = new int[m + 1];
        foreach (var j in mentorOfMentee)
        {
            if (j >= 0)
            {
                heldStart[j + 1]++;
            }
        }
        for (var j = 0; j < m; j++)
        {
            if (heldStart[j + 1] > p.MentorCapacities[j])
            {
                throw new ArgumentException(
                    $"mentorOfMentee gives mentor {j} {heldStart[j + 1]} mentees but its capacity is {p.MentorCapacities[j]}.",
                    nameof(mentorOfMentee));
            }
            heldStart[j + 1] += heldStart[j];
        }
        var held = new int[heldStart[m]];
        var fill = new int[m];
        Array.Copy(heldStart, fill, m);
        for (var i = 0; i < n; i++)
        {
            var j = mentorOfMentee[i];
            if (j >= 0)
            {
                held[fill[j]++] = i;
            }
        }

        // Candidates: (mentee, position in its list) for every mentor the mentee prefers to its own.
        // An unmatched mentee, or one holding an unlisted mentor, prefers its whole list.
        var candidateCount = new int[m + 1];
        var prefixEnd = new int[n];
        for (var i = 0; i < n; i++)
        {
            var list = p.MenteePreferences[i];
            var own = mentorOfMentee[i];
            var k = 0;
            while (k < list.Length && list[k] != own)
            {
                candidateCount[list[k] + 1]++;
                k++;
            }
            prefixEnd[i] = k;
        }
        for (var j = 0; j < m; j++)
        {
            candidateCount[j + 1] += candidateCount[j];
        }
        var candidateMentee = new int[candidateCount[m]];
        var candidatePosition = new int[candidateCount[m]];
        Array.Copy(candidateCount, fill, m);
        for (var i = 0; i < n; i++)
        {
            var list = p.MenteePreferences[i];
            for (var k = 0; k < prefixEnd[i]; k++)
            {
                var c = fill[list[k]]++;
                candidateMentee[c] = i;
                candidatePosition[c] = k;
            }
        }

        var stamp = new int[n];
        var stampedRank = new int[n];
        var found = new List<(int Mentee, int Position, int Mentor)>();
        for (var j = 0; j < m; j++)
        {
            if (candidateCount[j + 1] == candidateCount[j])
            {
                continue;
            }
            var prefs = p.MentorPreferences[j];
            for (var r = 0; r < prefs.Length; r++)
            {
                stamp[prefs[r]] = j + 1;
                stampedRank[prefs[r]] = r;
            }
            // The mentor takes a listed mentee ranked above threshold: anyone listed while it has room,
            // otherwise anyone it prefers to its worst current mentee (unlisted mentees are worst of all).
            int threshold;
            if (heldStart[j + 1] - heldStart[j] < p.MentorCapacities[j])
            {
                threshold = int.MaxValue;
            }
            else
            {
                threshold = -1;
                for (var h = heldStart[j]; h < heldStart[j + 1]; h++)
                {
                    var i = held[h];
                    threshold = Math.Max(threshold, stamp[i] == j + 1 ? stampedRank[i] : int.MaxValue);
                }
            }
            for (var c = candidateCount[j]; c < candidateCount[j + 1]; c++)
            {
                var i = candidateMentee[c];
                if (stamp[i] == j + 1 && stampedRank[i] < threshold)
                {
                    found.Add((i, candidatePosition[c], j));
                }
            }
        }
        if (found.Count == 0)
        {
            return [];
        }
        found.Sort(static (a, b) => a.Mentee != b.Mentee ? a.Mentee.CompareTo(b.Mentee) : a.Position.CompareTo(b.Position));
        return found.Select(static f => (f.Mentee, f.Mentor)).ToArray();
    }
}
