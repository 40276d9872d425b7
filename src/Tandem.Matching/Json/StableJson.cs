using System.Text.Json;

namespace Tandem.Matching;

/// <summary>The "stable" objective of the problem document: deferred acceptance with mentor capacities.</summary>
internal static class StableJson
{
    public static void Solve(
        List<ParsedParticipant> mentees, List<ParsedParticipant> mentors, int[] caps,
        List<ScoredPair>? pairs, FeatureScorer? scorer, HashSet<(int, int)> forbidden,
        Dictionary<string, int> menteeIndex, Dictionary<string, int> mentorIndex, bool hasPreferences, Utf8JsonWriter writer)
    {
        Dictionary<(int, int), long>? scores = pairs?.ToDictionary(p => (p.Mentee, p.Mentor), p => p.Score);
        StableProblem problem;
        try
        {
            if (hasPreferences)
            {
                problem = new StableProblem(
                    Lists(mentees, mentorIndex, "mentor", (i, j) => !forbidden.Contains((i, j))),
                    Lists(mentors, menteeIndex, "mentee", (j, i) => !forbidden.Contains((i, j))),
                    caps);
            }
            else
            {
                var list = new List<(int, int, long)>();
                if (pairs is not null)
                {
                    foreach (var p in pairs) list.Add((p.Mentee, p.Mentor, p.Score));
                }
                else
                {
                    var row = new int[mentors.Count];
                    for (var i = 0; i < mentees.Count; i++)
                    {
                        scorer!.ScoreRow(i, row);
                        for (var j = 0; j < row.Length; j++)
                            if (row[j] != PairScores.Forbidden && !forbidden.Contains((i, j))) list.Add((i, j, row[j]));
                    }
                }
                problem = StableMatching.RanksFromScores(mentees.Count, caps, list);
            }
        }
        catch (ArgumentException e)
        {
            throw new MatchingProblemException(hasPreferences ? "preferences" : "pairs", e.Message);
        }

        var result = StableMatching.Solve(problem);
        long? Score(int i, int j) =>
            scores is not null ? (scores.TryGetValue((i, j), out var s) ? s : null)
            : scorer is not null ? scorer.Score(i, j) : null;

        writer.WriteStartObject();
        writer.WriteString("objective", "stable");
        writer.WriteNumber("matched", result.MatchedCount);
        long total = 0;
        var anyScore = false;
        for (var i = 0; i < mentees.Count; i++)
            if (result.MentorOfMentee[i] is var j && j >= 0 && Score(i, j) is { } s && s != PairScores.Forbidden) { total += s; anyScore = true; }
        if (anyScore || scores is not null || scorer is not null) writer.WriteNumber("totalScore", total);
        writer.WriteBoolean("stable", result.IsStable);
        writer.WriteStartArray("assignments");
        for (var i = 0; i < mentees.Count; i++)
        {
            var j = result.MentorOfMentee[i];
            if (j < 0) continue;
            writer.WriteStartObject();
            writer.WriteString("mentee", mentees[i].Id);
            writer.WriteString("mentor", mentors[j].Id);
            if (Score(i, j) is { } s) writer.WriteNumber("score", s);
            if (scorer is not null) MatchingProblemJson.WriteExplanation(writer, scorer.Explain(i, j));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("unmatched");
        for (var i = 0; i < mentees.Count; i++) if (result.MentorOfMentee[i] < 0) writer.WriteStringValue(mentees[i].Id);
        writer.WriteEndArray();
        writer.WriteStartArray("blockingPairs");
        foreach (var (i, j) in result.BlockingPairs)
        {
            writer.WriteStartObject();
            writer.WriteString("mentee", mentees[i].Id);
            writer.WriteString("mentor", mentors[j].Id);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static int[][] Lists(List<ParsedParticipant> side, Dictionary<string, int> otherIndex, string other, Func<int, int, bool> allowed)
    {
        var lists = new int[side.Count][];
        for (var a = 0; a < side.Count; a++)
        {
            var prefs = side[a].Preferences ?? [];
            var seen = new HashSet<int>();
            var list = new List<int>();
            for (var x = 0; x < prefs.Length; x++)
            {
                var path = $"{side[a].Path}.preferences[{x}]";
                if (!otherIndex.TryGetValue(prefs[x], out var b)) throw new MatchingProblemException(path, $"unknown {other} '{prefs[x]}'");
                if (!seen.Add(b)) throw new MatchingProblemException(path, $"'{prefs[x]}' is listed twice");
                if (allowed(a, b)) list.Add(b);
            }
            lists[a] = list.ToArray();
        }
        return lists;
    }
}
