using System.Text.Json;

namespace Tandem.Matching;

/// <summary>The "peer-groups" objective: study groups of a given size with high within-group compatibility.</summary>
internal static class PeerGroupsJson
{
    public static void Solve(ProblemDocument root, List<ParsedParticipant> people, List<PeerEdge> edges, Utf8JsonWriter writer)
    {
        if (!root.TryGetProperty("groupSize", out var gs)) throw new MatchingProblemException("groupSize", "required with the \"peer-groups\" objective");
        if (gs.ValueKind != JsonValueKind.Number || !gs.TryGetInt32(out var size) || size < 2 || size > Math.Max(2, people.Count))
            throw new MatchingProblemException("groupSize", "must be a whole number from 2 to the number of people");
        var n = people.Count;
        // Pairs not listed (or failing a required criterion) count 0 inside a group.
        var score = new long[n, n];
        foreach (var e in edges)
        {
            if (Math.Abs(e.Score) > GroupFormation.MaxScoreMagnitude)
                throw new MatchingProblemException("pairs", $"a score's magnitude exceeds {GroupFormation.MaxScoreMagnitude} for peer-groups");
            score[e.A, e.B] = score[e.B, e.A] = e.Score;
        }
        GroupResult result;
        try
        {
            result = GroupFormation.Solve(new GroupProblem(n, size, score));
        }
        catch (ArgumentException e)
        {
            throw new MatchingProblemException("groupSize", e.Message);
        }
        writer.WriteStartObject();
        writer.WriteString("objective", "peer-groups");
        writer.WriteNumber("groupSize", size);
        writer.WriteNumber("totalScore", result.TotalScore);
        writer.WriteNumber("upperBound", result.UpperBound);
        writer.WriteBoolean("optimal", result.IsProvenOptimal);
        writer.WriteStartArray("groups");
        foreach (var g in result.Groups)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("members");
            foreach (var p in g) writer.WriteStringValue(people[p].Id);
            writer.WriteEndArray();
            long s = 0;
            for (var a = 0; a < g.Length; a++)
                for (var b = a + 1; b < g.Length; b++) s += score[g[a], g[b]];
            writer.WriteNumber("score", s);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
