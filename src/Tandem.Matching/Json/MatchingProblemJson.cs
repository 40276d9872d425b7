using System.Text;
using System.Text.Json;

namespace Tandem.Matching;

/// <summary>
/// Reads the matching problem JSON documented in docs/formats.md, solves it with the engine and
/// writes the result JSON. Every malformed input raises a <see cref="MatchingProblemException"/>
/// naming the field.
/// </summary>
public static class MatchingProblemJson
{
    private static readonly string[] Objectives = ["max-matched-then-score", "max-score", "max-min-then-score", "stable", "peer-pairs", "peer-groups"];

    /// <summary>Solves a problem document and returns the result document.</summary>
    /// <param name="json">The problem, as JSON text.</param>
    /// <param name="indented">Whether to indent the output.</param>
    /// <returns>The result, as JSON text.</returns>
    /// <exception cref="MatchingProblemException">The document is malformed.</exception>
    public static string Solve(string json, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var output = new MemoryStream();
        Solve(Encoding.UTF8.GetBytes(json), output, indented);
        return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
    }

    /// <summary>Solves a problem file and writes the result document to a stream.</summary>
    /// <param name="path">The problem file (UTF-8 JSON). A regular file is mapped into memory, not copied; a pipe is read whole.</param>
    /// <param name="output">Where the result goes; written as it is produced, not flushed or closed.</param>
    /// <param name="indented">Whether to indent the output.</param>
    /// <exception cref="MatchingProblemException">The document is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static void SolveFile(string path, Stream output, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        if (stream.CanSeek && stream.Length > 0)
        {
            using var file = MappedFile.Open(stream);
            Solve(file.Memory, output, indented);
            return;
        }
        // A pipe or a device (`tandem solve /dev/stdin`) cannot be mapped: read it whole.
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Solve(copy.GetBuffer().AsMemory(0, (int)copy.Length), output, indented);
    }

    /// <summary>
    /// Solves a problem document given as UTF-8 bytes and writes the result document to a stream. The
    /// document is read in one pass with <see cref="Utf8JsonReader"/>; an explicit <c>pairs</c> list is
    /// streamed into the solver's arrays without building a document, and errors in it carry their
    /// line and column.
    /// </summary>
    /// <param name="utf8Json">The problem, as UTF-8 JSON.</param>
    /// <param name="output">Where the result goes; written as it is produced, not flushed or closed.</param>
    /// <param name="indented">Whether to indent the output.</param>
    /// <exception cref="MatchingProblemException">The document is malformed.</exception>
    public static void Solve(ReadOnlyMemory<byte> utf8Json, Stream output, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        var doc = ProblemDocument.Read(utf8Json);
        var objective = "max-matched-then-score";
        if (doc.TryGetProperty("objective", out var o))
        {
            if (o.ValueKind != JsonValueKind.String || !Objectives.Contains(o.GetString()))
                throw new MatchingProblemException("objective", $"must be one of {string.Join(", ", Objectives.Select(x => $"\"{x}\""))}");
            objective = o.GetString()!;
        }
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        switch (objective)
        {
            case "peer-pairs":
            case "peer-groups":
                PeerJson.Solve(doc, objective, writer);
                break;
            default:
                SolveBipartite(doc, objective, writer);
                break;
        }
        writer.Flush();
    }

    private static readonly string[] BipartiteProperties = ["objective", "mentors", "mentees", "pairs", "criteria", "locked", "forbidden", "explain"];

    private static void SolveBipartite(ProblemDocument root, string objective, Utf8JsonWriter writer)
    {
        JsonRead.NoUnknownProperties(root, BipartiteProperties);
        var stable = objective == "stable";
        var mentors = JsonRead.Participants(root, "mentors", withCapacity: true, withPreferences: stable);
        var mentees = JsonRead.Participants(root, "mentees", withCapacity: false, withPreferences: stable);
        var mentorIndex = JsonRead.IndexById(mentors, "mentors");
        var menteeIndex = JsonRead.IndexById(mentees, "mentees");
        var caps = mentors.Select(p => p.Capacity).ToArray();
        var hasPairs = root.HasPairs;
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
        PairColumns? pairs = null;
        ExplicitRows? rows = null;
        HashSet<long>? forbiddenSet = forbidden.Count == 0 ? null : forbidden.Select(f => PairColumns.Key(f.Mentee, f.Mentor)).ToHashSet();
        if (hasPairs)
        {
            pairs = root.BipartitePairs(new IdIndex(mentees.Select(p => p.Id).ToList()), new IdIndex(mentors.Select(p => p.Id).ToList()));
            rows = pairs.ToRows(mentees.Count, caps, null);
            var (i, j) = rows.FirstRepeatedPair();
            if (i >= 0) throw new MatchingProblemException($"pairs[{pairs.SecondListing(i, j)}]", "this mentee–mentor pair is listed twice");
            if (forbiddenSet is not null) rows = pairs.ToRows(mentees.Count, caps, forbiddenSet);
        }
        else if (hasCriteria)
        {
            var criteria = JsonRead.Criteria(criteriaEl);
            scorer = JsonRead.Scorer(criteria, mentees, mentors);
        }

        // Locks must be allowed pairs.
        var lockedMentees = new HashSet<int>();
        var lockedLoad = new int[mentors.Count];
        for (var k = 0; k < locked.Count; k++)
        {
            var (i, j) = (locked[k].Mentee, locked[k].Mentor);
            var field = $"locked[{k}]";
            if (!lockedMentees.Add(i)) throw new MatchingProblemException(field, $"mentee '{mentees[i].Id}' is locked more than once");
            if (++lockedLoad[j] > caps[j]) throw new MatchingProblemException(field, $"mentor '{mentors[j].Id}' has more locked mentees than its capacity {caps[j]}");
            var allowed = forbiddenSet?.Contains(PairColumns.Key(i, j)) != true
                && (rows is not null ? rows.ScoreOf(i, j) != long.MinValue : scorer!.Score(i, j) != PairScores.Forbidden);
            if (!allowed) throw new MatchingProblemException(field, $"pair '{mentees[i].Id}'–'{mentors[j].Id}' is not allowed (not listed, forbidden, or failing a required criterion)");
        }

        if (stable)
        {
            StableJson.Solve(mentees, mentors, caps, pairs?.ToList(forbiddenSet), scorer, forbidden.Select(f => (f.Mentee, f.Mentor)).ToHashSet(), menteeIndex, mentorIndex, hasPreferences, writer);
            return;
        }

        var mode = objective switch
        {
            "max-score" => MatchingObjective.MaxScore,
            "max-min-then-score" => MatchingObjective.MaxMinThenScore,
            _ => MatchingObjective.MaxMatchedThenScore,
        };
        AssignmentResult result;
        try
        {
            result = rows is not null
                ? mode == MatchingObjective.MaxMinThenScore ? FairAssignment.Solve(rows, locked) : rows.Solve(mode, locked)
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
            if (writer.BytesPending > 1 << 16) writer.Flush();
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
        if (result.Fairness is { } f) WriteFairness(writer, f, mentees, mentors);
        writer.WriteEndObject();
    }

    private static void WriteFairness(Utf8JsonWriter writer, FairnessProof f, List<ParsedParticipant> mentees, List<ParsedParticipant> mentors)
    {
        writer.WriteStartObject("fairness");
        writer.WriteNumber("matchedBesidesLocked", f.FreeMatched);
        if (f.LowestScore is { } t) writer.WriteNumber("lowestScore", t);
        else writer.WriteNull("lowestScore");
        writer.WriteString("proven", f.Statement);
        WriteCover(writer, "matchedCover", f.MatchedCover, mentees, mentors);
        if (f.AboveCover is { } above) WriteCover(writer, "aboveCover", above, mentees, mentors);
        writer.WriteNumber("thresholdChecks", f.ThresholdChecks);
        writer.WriteNumber("coverRounds", f.CoverRounds);
        writer.WriteEndObject();
    }

    private static void WriteCover(Utf8JsonWriter writer, string name, PairCover c, List<ParsedParticipant> mentees, List<ParsedParticipant> mentors)
    {
        writer.WriteStartObject(name);
        if (c.AtLeast != long.MinValue) writer.WriteNumber("scoresFrom", c.AtLeast);
        writer.WriteNumber("size", c.Size);
        writer.WriteStartArray("mentees");
        foreach (var i in c.Mentees) writer.WriteStringValue(mentees[i].Id);
        writer.WriteEndArray();
        writer.WriteStartArray("mentors");
        foreach (var j in c.Mentors) writer.WriteStringValue(mentors[j].Id);
        writer.WriteEndArray();
        writer.WriteEndObject();
        if (writer.BytesPending > 1 << 16) writer.Flush();
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
