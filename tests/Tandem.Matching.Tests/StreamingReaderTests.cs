using System.Text;
using System.Text.Json;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>
/// The problem reader streams the explicit pairs list (issue 14): whatever the layout of the document,
/// it must solve the same problem as the engine given the same pairs, and point at the line and column
/// of a bad pair in a large file.
/// </summary>
public class StreamingReaderTests
{
    private static MatchingProblemException Malformed(string json) => Assert.Throws<MatchingProblemException>(() => MatchingProblemJson.Solve(json));

    [Fact]
    public void ABadPairNamesItsPathLineAndColumn()
    {
        var json = "{\"mentors\": [{\"id\": \"m1\"}],\n \"mentees\": [{\"id\": \"e1\"}, {\"id\": \"e2\"}],\n \"pairs\": [\n"
            + "{\"mentee\": \"e1\", \"mentor\": \"m1\", \"score\": 3},\n"
            + "{\"mentee\": \"e2\", \"mentor\": \"m7\", \"score\": 4}]}";
        var e = Malformed(json);
        Assert.Equal("pairs[1].mentor", e.Field);
        Assert.Equal("unknown mentor 'm7'", e.Reason);
        Assert.Equal(5, e.Line);
        Assert.Equal(28, e.Column); // the opening quote of "m7"
        Assert.EndsWith("(line 5, column 28)", e.Message);
    }

    [Theory]
    [InlineData("{\"mentee\": \"e1\", \"mentor\": \"m1\", \"score\": 1.5}", "pairs[0].score", "must be a whole number", 43)]
    [InlineData("{\"mentee\": \"e1\", \"mentor\": \"m1\"}", "pairs[0].score", "required", 1)]
    [InlineData("{\"mentee\": \"\", \"mentor\": \"m1\", \"score\": 1}", "pairs[0].mentee", "must be a non-empty string", 12)]
    [InlineData("{\"mentee\": 5, \"mentor\": \"m1\", \"score\": 1}", "pairs[0].mentee", "must be a non-empty string", 12)]
    [InlineData("{\"mentee\": \"e1\", \"mentor\": \"m1\", \"score\": 1, \"note\": \"x\"}", "pairs[0].note", "unknown property", 46)]
    [InlineData("[\"e1\", \"m1\", 1]", "pairs[0]", "must be an object", 1)]
    public void PairErrorsArePlacedOnTheirLine(string pair, string field, string reason, int column)
    {
        var e = Malformed("{\"mentors\": [{\"id\": \"m1\"}], \"mentees\": [{\"id\": \"e1\"}], \"pairs\": [\n" + pair + "\n]}");
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
        Assert.Equal(2, e.Line);
        Assert.Equal(column, e.Column);
    }

    [Theory]
    [InlineData("{\"mentors\": [{\"id\": \"m1\"}], \"mentees\": [{\"id\": \"e1\"}], \"pairs\": [\n{\"mentee\": \"e1\", \"mentor\": \"m1\", \"score\": 1},\n{\"mentee\": \"e1\"", 3)]
    [InlineData("{\"mentors\": [{\"id\": \"m1\"}], \"mentees\": [{\"id\": \"e1\"}],\n\"pairs\": [{\"mentee\": \"e1\", \"mentor\": \"m1\", \"score\": 1}]} trailing", 2)]
    [InlineData("{\"mentors\": [{\"id\": \"m1\"}],\n\n\"mentees\": [{\"id\": \"e1\" \"x\"}], \"pairs\": []}", 3)]
    public void SyntaxErrorsGiveTheLine(string json, int line)
    {
        var e = Malformed(json);
        Assert.StartsWith("not valid JSON", e.Reason);
        Assert.Equal(line, e.Line);
        Assert.NotNull(e.Column);
    }

    [Fact]
    public void AnErrorInPairsListedBeforeTheParticipantsStillHasItsPlace()
    {
        var e = Malformed("{\"pairs\": [{\"mentee\": \"e1\", \"mentor\": \"m1\", \"score\": 1},\n  {\"mentee\": \"e9\", \"mentor\": \"m1\", \"score\": 1}],\n \"mentors\": [{\"id\": \"m1\"}], \"mentees\": [{\"id\": \"e1\"}]}");
        Assert.Equal("pairs[1].mentee", e.Field);
        Assert.Equal(2, e.Line);
        Assert.Equal(14, e.Column);
    }

    [Fact]
    public void ATopLevelPropertyGivenTwiceIsAnError()
    {
        var e = Malformed("""{"mentors": [], "mentees": [], "mentors": [], "pairs": []}""");
        Assert.Equal("mentors", e.Field);
        Assert.Contains("twice", e.Reason);
    }

    [Fact]
    public void EscapedIdsMatchTheirPlainSpelling()
    {
        var r = JsonDocument.Parse(MatchingProblemJson.Solve("""
            {"mentors": [{"id": "m\u00e9"}], "mentees": [{"id": "e1"}],
             "pairs": [{"mentee": "\u0065\u0031", "mentor": "mé", "score": 7}]}
            """)).RootElement;
        Assert.Equal(7, r.GetProperty("totalScore").GetInt64());
        Assert.Equal("mé", r.GetProperty("assignments")[0].GetProperty("mentor").GetString());
    }

    [Fact]
    public void CommentsAndTrailingCommasAreStillAccepted()
    {
        var r = JsonDocument.Parse(MatchingProblemJson.Solve("""
            // a hand-edited file
            {"mentors": [{"id": "m1", "capacity": 2},], /* both */ "mentees": [{"id": "e1"}, {"id": "e2"},],
             "pairs": [{"mentee": "e1", /* first */ "mentor": "m1", "score": 4,},
                       {"mentee": "e2", "mentor": "m1", "score": 5}, // second
                      ],}
            """)).RootElement;
        Assert.Equal(9, r.GetProperty("totalScore").GetInt64());
    }

    [Fact]
    public void AnEmptyDocumentIsNotValidJson()
    {
        Assert.StartsWith("not valid JSON", Malformed("").Reason);
        Assert.StartsWith("not valid JSON", Malformed("   \n ").Reason);
    }

    [Fact]
    public void AFileIsReadAsItsTextIs()
    {
        var path = Path.GetTempFileName();
        try
        {
            var json = Document(Random(5, 40, 12), PropertyOrder.Documented, shuffled: false);
            File.WriteAllText(path, json);
            using var output = new MemoryStream();
            MatchingProblemJson.SolveFile(path, output, indented: false);
            Assert.Equal(MatchingProblemJson.Solve(json, indented: false), Encoding.UTF8.GetString(output.ToArray()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task APipeIsReadWholeInsteadOfMapped()
    {
        var dir = Directory.CreateTempSubdirectory("tandem-pipe-").FullName;
        try
        {
            var fifo = Path.Combine(dir, "problem.json");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
            var json = Document(Random(7, 30, 8), PropertyOrder.Documented, shuffled: false);
            var writer = Task.Run(() => File.WriteAllText(fifo, json));
            using var output = new MemoryStream();
            MatchingProblemJson.SolveFile(fifo, output, indented: false);
            await writer;
            Assert.Equal(MatchingProblemJson.Solve(json, indented: false), Encoding.UTF8.GetString(output.ToArray()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnEmptyFileIsNotValidJson()
    {
        var path = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<MatchingProblemException>(() => MatchingProblemJson.SolveFile(path, Stream.Null));
            Assert.StartsWith("not valid JSON", e.Reason);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public enum PropertyOrder { Documented, PairsFirst, PairsBetween }

    /// <summary>
    /// Random problems (ties, zero capacities, negative scores, locks and forbidden pairs) written with the
    /// pairs grouped or shuffled and before, between or after the participants: the reader's result equals
    /// the engine's on the same pairs, and the text of the result does not depend on the layout.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void EveryLayoutSolvesTheSameProblemAsTheEngine(int seed)
    {
        var problem = Random(seed, 30 + seed * 7, 6 + seed);
        var reference = OptimalAssignment.Solve(new AssignmentProblem(problem.Mentees, problem.Caps, problem.Allowed, problem.Objective, problem.Locked));
        string? first = null;
        foreach (var order in Enum.GetValues<PropertyOrder>())
            foreach (var shuffled in new[] { false, true })
            {
                var text = MatchingProblemJson.Solve(Document(problem, order, shuffled), indented: false);
                first ??= text;
                Assert.Equal(first, text);
                var r = JsonDocument.Parse(text).RootElement;
                Assert.Equal(reference.TotalScore, r.GetProperty("totalScore").GetInt64());
                Assert.Equal(reference.Matched, r.GetProperty("matched").GetInt32());
                Assert.Equal(reference.Certificate.PrimalWeight, r.GetProperty("certificate").GetProperty("primalWeight").GetInt64());
            }
    }

    public sealed record RandomProblem(int Mentees, int[] Caps, List<ScoredPair> Pairs, List<ScoredPair> Allowed, List<MenteeMentor> Locked, List<MenteeMentor> Forbidden, MatchingObjective Objective);

    private static RandomProblem Random(int seed, int mentees, int mentors)
    {
        var rng = new Random(seed);
        var caps = Enumerable.Range(0, mentors).Select(_ => rng.Next(0, 4)).ToArray();
        var pairs = new List<ScoredPair>();
        for (var i = 0; i < mentees; i++)
            foreach (var j in Enumerable.Range(0, mentors).Where(_ => rng.Next(3) == 0))
                pairs.Add(new ScoredPair(i, j, rng.Next(-3, 9)));
        var forbidden = pairs.Where(_ => rng.Next(10) == 0).Select(p => new MenteeMentor(p.Mentee, p.Mentor)).ToList();
        var allowed = pairs.Where(p => !forbidden.Contains(new MenteeMentor(p.Mentee, p.Mentor))).ToList();
        var locked = new List<MenteeMentor>();
        var load = new int[mentors];
        foreach (var p in allowed.Where(_ => rng.Next(15) == 0))
            if (locked.All(l => l.Mentee != p.Mentee) && load[p.Mentor] < caps[p.Mentor])
            {
                locked.Add(new MenteeMentor(p.Mentee, p.Mentor));
                load[p.Mentor]++;
            }
        var objective = seed % 2 == 0 ? MatchingObjective.MaxScore : MatchingObjective.MaxMatchedThenScore;
        return new RandomProblem(mentees, caps, pairs, allowed, locked, forbidden, objective);
    }

    private static string Document(RandomProblem p, PropertyOrder order, bool shuffled)
    {
        var pairs = shuffled ? p.Pairs.OrderBy(x => (x.Mentee * 7919 + x.Mentor * 104729) % 1009).ToList() : p.Pairs;
        var mentors = $"\"mentors\": [{string.Join(",", p.Caps.Select((c, j) => $"{{\"id\": \"m{j}\", \"capacity\": {c}}}"))}]";
        var mentees = $"\"mentees\": [{string.Join(",", Enumerable.Range(0, p.Mentees).Select(i => $"{{\"id\": \"e{i}\"}}"))}]";
        var pairList = $"\"pairs\": [\n{string.Join(",\n", pairs.Select(x => $"{{\"mentee\": \"e{x.Mentee}\", \"mentor\": \"m{x.Mentor}\", \"score\": {x.Score}}}"))}]";
        var rest = $"\"objective\": \"{(p.Objective == MatchingObjective.MaxScore ? "max-score" : "max-matched-then-score")}\", "
            + $"\"locked\": [{string.Join(",", p.Locked.Select(l => $"{{\"mentee\": \"e{l.Mentee}\", \"mentor\": \"m{l.Mentor}\"}}"))}], "
            + $"\"forbidden\": [{string.Join(",", p.Forbidden.Select(l => $"{{\"mentee\": \"e{l.Mentee}\", \"mentor\": \"m{l.Mentor}\"}}"))}]";
        return order switch
        {
            PropertyOrder.Documented => $"{{{rest}, {mentors}, {mentees}, {pairList}}}",
            PropertyOrder.PairsFirst => $"{{{pairList}, {mentees}, {rest}, {mentors}}}",
            _ => $"{{{mentors}, {pairList}, {mentees}, {rest}}}",
        };
    }
}
