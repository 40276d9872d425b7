using System.Text.Json;

namespace Tandem.Matching;

/// <summary>The "peer-pairs" and "peer-groups" objectives: one pool of people who both offer and seek.</summary>
internal static class PeerJson
{
    private static readonly string[] Properties = ["objective", "people", "pairs", "criteria", "groupSize", "mix", "explain"];

    public static void Solve(ProblemDocument root, string objective, Utf8JsonWriter writer)
    {
        JsonRead.NoUnknownProperties(root, Properties);
        var people = JsonRead.Participants(root, "people", withCapacity: false, withPreferences: false);
        var index = JsonRead.IndexById(people, "people");
        var hasPairs = root.TryGetProperty("pairs", out var pairsEl);
        var hasCriteria = root.TryGetProperty("criteria", out var criteriaEl);
        if (hasPairs && hasCriteria) throw new MatchingProblemException("criteria", "give either \"pairs\" or \"criteria\", not both");
        if (!hasPairs && !hasCriteria) throw new MatchingProblemException("pairs", "required: give \"pairs\" ({\"a\", \"b\", \"score\"}) or \"criteria\"");

        // Each person seeks from the other what the other offers: both directions, combined by PeerScoring.
        FeatureScorer? scorer = null;
        var edges = new List<PeerEdge>();
        if (hasPairs)
        {
            if (pairsEl.ValueKind != JsonValueKind.Array) throw new MatchingProblemException("pairs", "must be an array");
            var seen = new HashSet<(int, int)>();
            var k = 0;
            foreach (var el in pairsEl.EnumerateArray())
            {
                var path = $"pairs[{k++}]";
                if (el.ValueKind != JsonValueKind.Object) throw new MatchingProblemException(path, "must be an object {\"a\", \"b\", \"score\"}");
                JsonRead.NoUnknownProperties(el, path, ["a", "b", "score"]);
                var a = Ref(el, path, "a", index);
                var b = Ref(el, path, "b", index);
                if (a == b) throw new MatchingProblemException($"{path}.b", "a person cannot be paired with themselves");
                var s = JsonRead.Integer(el, path, "score", -OptimalAssignment.MaxExplicitScore, OptimalAssignment.MaxExplicitScore);
                if (!seen.Add((Math.Min(a, b), Math.Max(a, b)))) throw new MatchingProblemException(path, "this pair is listed twice");
                edges.Add(new PeerEdge(a, b, s));
            }
        }
        else
        {
            scorer = JsonRead.Scorer(JsonRead.Criteria(criteriaEl, peer: true), people, people);
            var row = new int[people.Count];
            var rows = new int[people.Count][];
            for (var a = 0; a < people.Count; a++)
            {
                scorer.ScoreRow(a, row);
                rows[a] = (int[])row.Clone();
            }
            for (var a = 0; a < people.Count; a++)
                for (var b = a + 1; b < people.Count; b++)
                    if (PeerScoring.Combine(rows[a][b], rows[b][a]) is var score && score != PairScores.Forbidden)
                        edges.Add(new PeerEdge(a, b, score));
        }

        if (objective == "peer-groups")
        {
            PeerGroupsJson.Solve(root, people, edges, writer);
            return;
        }

        if (root.TryGetProperty("mix", out _)) throw new MatchingProblemException("mix", "only read with the \"peer-groups\" objective");
        PeerPairResult result;
        try
        {
            result = PeerPairing.Solve(new PeerPairProblem(people.Count, edges));
        }
        catch (ArgumentException e)
        {
            throw new MatchingProblemException("pairs", e.Message);
        }
        var paired = new bool[people.Count];
        writer.WriteStartObject();
        writer.WriteString("objective", "peer-pairs");
        writer.WriteNumber("paired", result.Pairs.Count * 2);
        writer.WriteNumber("totalScore", result.TotalScore);
        writer.WriteNumber("upperBound", result.UpperBound);
        writer.WriteBoolean("optimal", result.IsOptimal);
        writer.WriteStartArray("pairs");
        foreach (var e in result.Pairs)
        {
            paired[e.A] = paired[e.B] = true;
            writer.WriteStartObject();
            writer.WriteString("a", people[e.A].Id);
            writer.WriteString("b", people[e.B].Id);
            writer.WriteNumber("score", e.Score);
            if (scorer is not null)
            {
                var ab = scorer.Explain(e.A, e.B);
                var ba = scorer.Explain(e.B, e.A);
                writer.WriteString("explanation", $"{people[e.A].Id} from {people[e.B].Id}: {ab.Summary} | {people[e.B].Id} from {people[e.A].Id}: {ba.Summary}");
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("unpaired");
        for (var a = 0; a < people.Count; a++) if (!paired[a]) writer.WriteStringValue(people[a].Id);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static int Ref(JsonElement el, string path, string name, Dictionary<string, int> index)
    {
        var id = JsonRead.RequiredString(el, path, name);
        return index.TryGetValue(id, out var i) ? i : throw new MatchingProblemException($"{path}.{name}", $"unknown person '{id}'");
    }
}
