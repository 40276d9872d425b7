using Tandem.Infrastructure.Text;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>Where a proposed pair stands in each side's ranking (1 = first choice), and why, in a sentence for coordinators.</summary>
public sealed record StableChoice(int MenteeChoice, int MentorChoice, string Note);

/// <summary>A stable match's sentence for the draft and each proposed pair's choices (by mentee and mentor index).</summary>
public sealed record StableOutcome(string Statement, IReadOnlyDictionary<MenteeMentor, StableChoice> Choices, int BlockingPairs);

/// <summary>
/// The goal <see cref="MatchingGoal.Stable"/>: mentee-proposing deferred acceptance (the engine's <see cref="StableMatching"/>)
/// over the candidates offered to each mentee, ordered by each side's own ranking (candidates a person did not rank come after
/// the ranked ones, best score first; "not for me" is never proposed). Locked pairs are kept and take their mentor's places
/// first. The result is checked independently for blocking pairs, and each pair says which choice it is for both people and why
/// nobody got a better one.
/// </summary>
internal static class StablePool
{
    /// <summary>Listing more than this many better-ranked candidates in a note ends with "and N more".</summary>
    private const int NamedInNote = 3;

    public static PoolMatch Run(PoolScoring scoring, int[] caps, HashSet<MenteeMentor> forbidden, IReadOnlyList<MenteeMentor> locks)
    {
        var pool = scoring.Pool;
        var n = pool.Mentees.Count;
        var m = pool.Mentors.Count;
        var menteeIndex = pool.Mentees.Select((x, i) => (x.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var mentorIndex = pool.Mentors.Select((x, j) => (x.EnrolmentId, j)).ToDictionary(x => x.EnrolmentId, x => x.j);
        var lockedMentees = locks.Select(l => l.Mentee).ToHashSet();
        var free = (int[])caps.Clone();
        foreach (var l in locks)
        {
            free[l.Mentor]--;
        }

        var menteeSide = Enumerable.Range(0, n).Select(_ => new List<(int Other, int? Rank, long Score)>()).ToArray();
        var mentorSide = Enumerable.Range(0, m).Select(_ => new List<(int Other, int? Rank, long Score)>()).ToArray();
        var offeredToMentee = new int[n];
        var offeredToMentor = new int[m];
        var menteeRanked = new bool[n];
        var mentorRanked = new bool[m];
        foreach (var o in pool.Offers ?? [])
        {
            if (!menteeIndex.TryGetValue(o.MenteeEnrolmentId, out var i) || !mentorIndex.TryGetValue(o.MentorEnrolmentId, out var j)
                || lockedMentees.Contains(i) || forbidden.Contains(new MenteeMentor(i, j)) || scoring.Score(i, j) == PairScores.Forbidden)
            {
                // Matched since, locked by the coordinator, or ruled out after the offer: not a candidate any more.
                continue;
            }
            offeredToMentee[i]++;
            offeredToMentor[j]++;
            menteeRanked[i] |= o.MenteeRank is not null;
            mentorRanked[j] |= o.MentorRank is not null;
            if (o.MenteeRank != RankingOffer.LeftOut)
            {
                menteeSide[i].Add((j, o.MenteeRank, o.Score));
            }
            if (o.MentorRank != RankingOffer.LeftOut)
            {
                mentorSide[j].Add((i, o.MentorRank, o.Score));
            }
        }
        var menteePrefs = menteeSide.Select(Ordered).ToArray();
        var mentorPrefs = mentorSide.Select(Ordered).ToArray();
        var accepts = Enumerable.Range(0, m).SelectMany(j => mentorPrefs[j].Select(i => new MenteeMentor(i, j))).ToHashSet();
        var problem = new StableProblem(menteePrefs, mentorPrefs, free.Select(f => Math.Max(0, f)).ToArray());
        var result = StableMatching.Solve(problem);
        var mentorOf = result.MentorOfMentee;

        var groups = Programs.MentoringFormat.MentorsLeadGroups(pool.Program);
        var pairs = new List<IndexedPair>();
        var groupOf = new Dictionary<int, int>();
        void Add(int i, int j, bool locked)
        {
            if (!groupOf.TryGetValue(j, out var g))
            {
                g = groupOf[j] = groupOf.Count + 1;
            }
            pairs.Add(new IndexedPair(groups ? g : pairs.Count + 1, j, i, locked));
        }
        foreach (var l in locks)
        {
            Add(l.Mentee, l.Mentor, true);
        }
        var menteesOf = new List<int>[m];
        for (var i = 0; i < n; i++)
        {
            if (mentorOf[i] >= 0)
            {
                Add(i, mentorOf[i], false);
                (menteesOf[mentorOf[i]] ??= []).Add(i);
            }
        }

        var choices = new Dictionary<MenteeMentor, StableChoice>();
        var firstChoices = 0;
        for (var i = 0; i < n; i++)
        {
            var j = mentorOf[i];
            if (j < 0)
            {
                continue;
            }
            var menteeChoice = Array.IndexOf(menteePrefs[i], j) + 1;
            var mentorChoice = Array.IndexOf(mentorPrefs[j], i) + 1;
            if (menteeChoice == 1)
            {
                firstChoices++;
            }
            var note = $"{MenteeNote(pool, i, menteeChoice, menteePrefs, accepts, menteeRanked[i])} {MentorNote(pool, j, i, mentorChoice, menteePrefs, mentorPrefs, mentorOf, mentorRanked[j])}";
            choices[new MenteeMentor(i, j)] = new StableChoice(menteeChoice, mentorChoice, note);
        }

        var unmatched = new List<(PoolMember, string)>();
        for (var i = 0; i < n; i++)
        {
            if (mentorOf[i] >= 0 || lockedMentees.Contains(i))
            {
                continue;
            }
            unmatched.Add((pool.Mentees[i], offeredToMentee[i] == 0
                ? "no candidates were offered to them to rank (they joined later, or none fits them); offer candidates again to include them"
                : menteePrefs[i].Length == 0
                    ? "they marked every candidate offered to them \"not for me\""
                    : "every mentor they ranked either left them out or is full with mentees that mentor ranked higher"));
        }
        for (var j = 0; j < m; j++)
        {
            if (groupOf.ContainsKey(j))
            {
                continue;
            }
            unmatched.Add((pool.Mentors[j], offeredToMentor[j] == 0
                ? "no mentee was offered them as a candidate"
                : mentorPrefs[j].Length == 0
                    ? "they marked every mentee offered to them \"not for me\""
                    : "every mentee offered to them has a mentor they ranked higher, or left them out"));
        }

        var matched = pairs.Count(p => !p.Locked);
        var acceptable = Enumerable.Range(0, n).Sum(i => menteePrefs[i].Count(j => accepts.Contains(new MenteeMentor(i, j))));
        var notRanked = Enumerable.Range(0, n).Count(i => offeredToMentee[i] > 0 && !menteeRanked[i])
            + Enumerable.Range(0, m).Count(j => offeredToMentor[j] > 0 && !mentorRanked[j]);
        var statement = result.IsStable
            ? $"Stable: no mentee and mentor would both rather be together than keep what this draft gives them (checked against all {acceptable:N0} pairs who accept each other). It is the best stable matching for every mentee."
            : $"Not stable: {result.BlockingPairs.Count:N0} pairs would both rather be together; tell your administrator.";
        statement += $" {firstChoices:N0} of {matched:N0} matched mentees got their first choice.";
        if (notRanked > 0)
        {
            statement += $" {Counted.Of(notRanked, "person", "people")} with candidates did not rank them; their candidates count best score first.";
        }
        if (locks.Count > 0)
        {
            statement += $" {Counted.Of(locks.Count, "locked pair")} kept as set, outside the check.";
        }
        return new PoolMatch(pairs, unmatched, pairs.Count, Stable: new StableOutcome(statement, choices, result.BlockingPairs.Count));
    }

    /// <summary>Ranked candidates first (by rank), then the rest by score, then by index: the person's preference list.</summary>
    private static int[] Ordered(List<(int Other, int? Rank, long Score)> list) =>
        list.OrderBy(x => x.Rank ?? int.MaxValue).ThenByDescending(x => x.Score).ThenBy(x => x.Other).Select(x => x.Other).ToArray();

    private static string MenteeNote(PoolData pool, int i, int choice, int[][] menteePrefs, HashSet<MenteeMentor> accepts, bool ranked)
    {
        var name = pool.Mentees[i].Name;
        var order = ranked ? "" : " (by score: they did not rank)";
        if (choice == 1)
        {
            return $"{name} got their first choice{order}.";
        }
        var better = menteePrefs[i].Take(choice - 1)
            .Select((k, r) => $"{pool.Mentors[k].Name} ({Ordinal.Of(r + 1)}) {(accepts.Contains(new MenteeMentor(i, k)) ? "is full with mentees they ranked higher" : "left them out")}")
            .ToList();
        return $"{name} got their {Ordinal.Of(choice)} choice{order}: {Listed(better)}.";
    }

    private static string MentorNote(PoolData pool, int j, int i, int choice, int[][] menteePrefs, int[][] mentorPrefs, int[] mentorOf, bool ranked)
    {
        var name = pool.Mentors[j].Name;
        var order = ranked ? "" : " (by score: they did not rank)";
        var mentee = pool.Mentees[i].Name;
        if (choice == 1)
        {
            return $"For {name}, {mentee} is their first choice{order}.";
        }
        var better = mentorPrefs[j].Take(choice - 1)
            .Where(h => mentorOf[h] != j)
            .Select(h => $"{pool.Mentees[h].Name} {(menteePrefs[h].Contains(j) ? "has a mentor they ranked higher" : "left them out")}")
            .ToList();
        return better.Count == 0
            ? $"For {name}, {mentee} is their {Ordinal.Of(choice)} choice{order}; the ones they ranked higher are theirs too."
            : $"For {name}, {mentee} is their {Ordinal.Of(choice)} choice{order}: {Listed(better)}.";
    }

    private static string Listed(List<string> parts) =>
        parts.Count <= NamedInNote ? string.Join("; ", parts) : $"{string.Join("; ", parts.Take(NamedInNote))}; and {parts.Count - NamedInNote} more";
}
