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
        var mix = Mix(root, people);
        GroupResult result;
        MixedGroupResult? mixed = null;
        try
        {
            if (mix is null) result = GroupFormation.Solve(new GroupProblem(n, size, score));
            else
            {
                mixed = GroupFormation.Solve(new GroupProblem(n, size, score), mix);
                result = new GroupResult(mixed.Groups, mixed.TotalScore, mixed.UpperBound);
            }
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
        if (mixed is not null)
        {
            if (mixed.GapPercent is { } gap) writer.WriteNumber("gapPercent", Math.Round(gap, 1));
            else writer.WriteNull("gapPercent");
            writer.WriteString("bound", mixed.BoundStatement);
            writer.WriteStartObject("mix");
            writer.WriteString("question", mix!.Question);
            writer.WriteNumber("atLeast", mix.MinimumDistinct);
            writer.WriteBoolean("possibleEverywhere", mixed.MixPossibleEverywhere);
            writer.WriteNumber("groupsShort", mixed.GroupsShortOfMix.Count);
            writer.WriteEndObject();
        }
        writer.WriteStartArray("groups");
        for (var index = 0; index < result.Groups.Count; index++)
        {
            var g = result.Groups[index];
            writer.WriteStartObject();
            writer.WriteStartArray("members");
            foreach (var p in g) writer.WriteStringValue(people[p].Id);
            writer.WriteEndArray();
            long s = 0;
            for (var a = 0; a < g.Length; a++)
                for (var b = a + 1; b < g.Length; b++) s += score[g[a], g[b]];
            writer.WriteNumber("score", s);
            if (mixed is not null)
            {
                writer.WriteNumber("different", mixed.DistinctValues[index]);
                writer.WriteBoolean("mixMet", mixed.DistinctValues[index] >= mix!.MinimumDistinct);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads <c>"mix": {"question": FIELD, "atLeast": K}</c>: each person's one value of FIELD (none: no answer).</summary>
    private static GroupMix? Mix(ProblemDocument root, List<ParsedParticipant> people)
    {
        if (!root.TryGetProperty("mix", out var el)) return null;
        if (el.ValueKind != JsonValueKind.Object) throw new MatchingProblemException("mix", "must be an object {\"question\", \"atLeast\"}");
        JsonRead.NoUnknownProperties(el, "mix", ["question", "atLeast"]);
        var question = JsonRead.RequiredString(el, "mix", "question");
        if (!el.TryGetProperty("atLeast", out var k) || k.ValueKind != JsonValueKind.Number || !k.TryGetInt32(out var atLeast) || atLeast < 1)
            throw new MatchingProblemException("mix.atLeast", "must be a whole number of at least 1");
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var values = new int[people.Count];
        for (var x = 0; x < people.Count; x++)
        {
            var answers = people[x].Features.Values is { } v && v.TryGetValue(question, out var list) ? list : [];
            if (answers.Count > 1) throw new MatchingProblemException($"{people[x].Path}.values.{question}", "the mix question takes one value per person");
            if (answers.Count == 0) { values[x] = -1; continue; }
            if (!ids.TryGetValue(answers[0], out var id)) ids[answers[0]] = id = ids.Count;
            values[x] = id;
        }
        return new GroupMix(values, atLeast, question);
    }
}
