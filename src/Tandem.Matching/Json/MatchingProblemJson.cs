using System.Text.Json;

namespace Tandem.Matching;

/// <summary>
/// Reads the matching problem JSON documented in docs/formats.md, solves it with the engine and
/// writes the result JSON. Every malformed input raises a <see cref="MatchingProblemException"/>
/// naming the field.
/// </summary>
public static class MatchingProblemJson
{
    private static readonly string[] Objectives = ["max-matched-then-score", "max-score", "stable", "peer-pairs", "peer-groups"];

    /// <summary>Solves a problem document and returns the result document.</summary>
    /// <param name="json">The problem, as JSON text.</param>
    /// <param name="indented">Whether to indent the output.</param>
    /// <returns>The result, as JSON text.</returns>
    /// <exception cref="MatchingProblemException">The document is malformed.</exception>
    public static string Solve(string json, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new MatchingProblemException("", $"not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new MatchingProblemException("", "the problem must be a JSON object");
            var objective = "max-matched-then-score";
            if (root.TryGetProperty("objective", out var o))
            {
                if (o.ValueKind != JsonValueKind.String || !Objectives.Contains(o.GetString()))
                    throw new MatchingProblemException("objective", $"must be one of {string.Join(", ", Objectives.Select(x => $"\"{x}\""))}");
                objective = o.GetString()!;
            }
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                switch (objective)
                {
                    case "peer-pairs":
                    case "peer-groups":
                        PeerJson.Solve(root, objective, writer);
                        break;
                    default:
                        SolveBipartite(root, objective, writer);
                        break;
                }
            }
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }
    }

    private static readonly string[] BipartiteProperties = ["objective", "mentors", "mentees", "pairs", "criteria", "locked", "forbidden", "explain"];

    private static void SolveBipartite(JsonElement root, string objective, Utf8JsonWriter writer)
    {
        JsonRead.NoUnknownProperties(root, "", BipartiteProperties);
        var stable = objective == "stable";
        var mentors = JsonRead.Participants(root, "mentors", withCapacity: true, withPreferences: stable);
        var mentees = JsonRead.Participants(root, "mentees", withCapacity: false, withPreferences: stable);
        var mentorIndex = JsonRead.IndexById(mentors, "mentors");
        var menteeIndex = JsonRead.IndexById(mentees, "mentees");
        var caps = mentors.Select(p => p.Capacity).ToArray();
        var hasPairs = root.TryGetProperty("pairs", out var pairsEl);
        var hasCriteria = root.TryGetProperty("criteria", out var criteriaEl);
        if (hasPairs && hasCriteria) throw new MatchingProblemException("criteria", "give either \"pairs\" or \"criteria\", not both");
        var hasPreferences = stable && (mentees.Any(p => p.Preferences is not null) || mentors.Any(p => p.Preferences is not null));
        if (!hasPairs && !hasCriteria && !hasPreferences)
            throw new MatchingProblemException("pairs", stable
                ? "required: \"pairs\" with scores, \"criteria\" with participant features, or \"preferences\" on every participant"
                : "required: give \"pairs\" (allowed pairs with scores) or \"criteria\" (scores from participant features)");

        var locked = JsonRead.PairRefs(root, "locked", menteeIndex, mentorIndex);
        var forbidden = JsonRead.PairRefs(root, "forbidden", menteeIndex, mentorIndex);
        if (stable && locked.Count > 0) throw new MatchingProblemException("locked", "not supported with the \"stable\" objective");
        var explain = true;
        if (root.TryGetProperty("explain", out var ex))
        {
            if (ex.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new MatchingProblemException("explain", "must be true or false");
            explain = ex.GetBoolean();
        }

        FeatureScorer? scorer = null;
        List<ScoredPair>? pairs = null;
        if (hasPairs)
        {
            pairs = JsonRead.ScoredPairs(pairsEl, menteeIndex, mentorIndex);
            var forbiddenSet = forbidden.Select(f => ((long)f.Mentee << 32) | (uint)f.Mentor).ToHashSet();
            pairs.RemoveAll(p => forbiddenSet.Contains(((long)p.Mentee << 32) | (uint)p.Mentor));
        }
        else if (hasCriteria)
        {
            var criteria = JsonRead.Criteria(criteriaEl);
            scorer = JsonRead.Scorer(criteria, mentees, mentors);
        }

        // Locks must be allowed pairs.
        var forbidSet = forbidden.Select(f => (f.Mentee, f.Mentor)).ToHashSet();
        var pairLookup = pairs?.ToDictionary(p => (p.Mentee, p.Mentor), p => p.Score);
        var lockedMentees = new HashSet<int>();
        var lockedLoad = new int[mentors.Count];
        for (var k = 0; k < locked.Count; k++)
        {
            var (i, j) = (locked[k].Mentee, locked[k].Mentor);
            var field = $"locked[{k}]";
            if (!lockedMentees.Add(i)) throw new MatchingProblemException(field, $"mentee '{mentees[i].Id}' is locked more than once");
            if (++lockedLoad[j] > caps[j]) throw new MatchingProblemException(field, $"mentor '{mentors[j].Id}' has more locked mentees than its capacity {caps[j]}");
            var allowed = !forbidSet.Contains((i, j)) && (pairLookup is not null ? pairLookup.ContainsKey((i, j)) : scorer!.Score(i, j) != PairScores.Forbidden);
            if (!allowed) throw new MatchingProblemException(field, $"pair '{mentees[i].Id}'–'{mentors[j].Id}' is not allowed (not listed, forbidden, or failing a required criterion)");
        }

        if (stable)
        {
            StableJson.Solve(mentees, mentors, caps, pairs, scorer, forbidSet, menteeIndex, mentorIndex, hasPreferences, writer);
            return;
        }

        var mode = objective == "max-score" ? MatchingObjective.MaxScore : MatchingObjective.MaxMatchedThenScore;
        AssignmentResult result;
        try
        {
            result = pairs is not null
                ? OptimalAssignment.Solve(new AssignmentProblem(mentees.Count, caps, pairs, mode, locked))
                : OptimalAssignment.Solve(new PoolProblem(scorer!, caps, mode, locked, forbidden));
        }
        catch (ArgumentException e)
        {
            throw new MatchingProblemException(pairs is not null ? "pairs" : "criteria", e.Message);
        }

        var lockedSet = locked.Select(l => l.Mentee).ToHashSet();
        writer.WriteStartObject();
        writer.WriteString("objective", objective);
        writer.WriteNumber("matched", result.Matched);
        writer.WriteNumber("totalScore", result.TotalScore);
        writer.WriteBoolean("optimal", result.Optimal);
        writer.WriteStartArray("assignments");
        for (var i = 0; i < mentees.Count; i++)
        {
            var j = result.MentorOfMentee[i];
            if (j < 0) continue;
            writer.WriteStartObject();
            writer.WriteString("mentee", mentees[i].Id);
            writer.WriteString("mentor", mentors[j].Id);
            writer.WriteNumber("score", result.ScoreOfMentee[i]);
            if (lockedSet.Contains(i)) writer.WriteBoolean("locked", true);
            if (scorer is not null && explain) WriteExplanation(writer, scorer.Explain(i, j));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("unmatched");
        for (var i = 0; i < mentees.Count; i++) if (result.MentorOfMentee[i] < 0) writer.WriteStringValue(mentees[i].Id);
        writer.WriteEndArray();
        var c = result.Certificate;
        writer.WriteStartObject("certificate");
        writer.WriteString("kind", "linear-programming dual, checked against every allowed pair");
        writer.WriteNumber("cardinalityBonus", c.CardinalityBonus);
        writer.WriteNumber("primalWeight", c.PrimalWeight);
        writer.WriteNumber("dualObjective", c.DualObjective);
        writer.WriteNumber("pairsConsidered", result.Statistics.PairsConsidered);
        writer.WriteNumber("workingPairs", result.Statistics.WorkingPairs);
        writer.WriteNumber("rounds", result.Statistics.Rounds);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    internal static void WriteExplanation(Utf8JsonWriter writer, PairExplanation e)
    {
        writer.WriteStartObject("explanation");
        writer.WriteString("summary", e.Summary);
        writer.WriteStartArray("criteria");
        foreach (var c in e.Criteria)
        {
            writer.WriteStartObject();
            writer.WriteString("criterion", c.Criterion);
            writer.WriteNumber("points", c.Points);
            writer.WriteBoolean("met", c.Met);
            if (c.Required) writer.WriteBoolean("required", true);
            writer.WriteString("text", c.Text);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
