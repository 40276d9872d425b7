using System.Text.Json;

namespace Tandem.Tests.Matching;

public sealed class SolveCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-solve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Out, string Err)> Solve(string problemJson)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, problemJson);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await TandemCli.RunAsync(["solve", path], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task SolvePrintsTheOptimalAssignmentOfAnExplicitPairsProblem()
    {
        var (code, stdout, stderr) = await Solve("""
            {"objective": "max-matched-then-score",
             "mentors": [{"id": "m1", "capacity": 2}, {"id": "m2"}],
             "mentees": [{"id": "e1"}, {"id": "e2"}, {"id": "e3"}],
             "pairs": [{"mentee": "e1", "mentor": "m1", "score": 17},
                       {"mentee": "e2", "mentor": "m1", "score": 9},
                       {"mentee": "e2", "mentor": "m2", "score": 3},
                       {"mentee": "e3", "mentor": "m1", "score": 4}]}
            """);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        Assert.Equal(3, r.GetProperty("matched").GetInt32());
        Assert.Equal(17 + 3 + 4, r.GetProperty("totalScore").GetInt64());
        Assert.True(r.GetProperty("optimal").GetBoolean());
        var assignments = r.GetProperty("assignments").EnumerateArray()
            .Select(a => (a.GetProperty("mentee").GetString(), a.GetProperty("mentor").GetString(), a.GetProperty("score").GetInt64()))
            .ToArray();
        Assert.Equal([("e1", "m1", 17L), ("e2", "m2", 3L), ("e3", "m1", 4L)], assignments);
        Assert.Empty(r.GetProperty("unmatched").EnumerateArray());
    }

    [Fact]
    public async Task SolveExplainsEachPairOfAFeaturesProblem()
    {
        var (code, stdout, _) = await Solve("""
            {"mentors": [{"id": "m1", "values": {"interests": ["robotics", "chess"]}, "availability": ["Tue 16-18", "Thu 17"], "numbers": {"year": 11}}],
             "mentees": [{"id": "e1", "values": {"interests": ["chess", "robotics", "art"]}, "availability": ["Tue 16-18", "Thu 17-19"], "numbers": {"year": 9}}],
             "criteria": [{"kind": "shared", "field": "interests", "weight": 3},
                          {"kind": "availability", "weight": 1, "minimum": 2},
                          {"kind": "gap", "field": "year", "minimum": 1, "required": true}]}
            """);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var a = doc.RootElement.GetProperty("assignments")[0];
        Assert.Equal(3 * 2 + 3 + 1, a.GetProperty("score").GetInt64());
        Assert.Equal("both: chess, robotics; 3 common free hours on Tue/Thu; mentor is 2 years ahead",
            a.GetProperty("explanation").GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData("""{"mentors": [{"id": "m1"}], "mentees": [{"id": "e1"}], "pairs": [{"mentee": "e1", "mentor": "m9", "score": 1}]}""", "pairs[0].mentor")]
    [InlineData("""{"mentors": [{"id": "m1", "capacity": -1}], "mentees": [], "pairs": []}""", "mentors[0].capacity")]
    [InlineData("""{"mentors": [{"id": "m1"}], "mentees": [{"id": "e1"}], "pairs": [{"mentee": "e1", "mentor": "m1", "score": "high"}]}""", "pairs[0].score")]
    [InlineData("""{"objective": "fastest", "mentors": [], "mentees": [], "pairs": []}""", "objective")]
    [InlineData("""{"mentees": [], "pairs": []}""", "mentors")]
    [InlineData("""{"mentors": [], "mentees": [{"id": "e1"}, {"id": "e1"}], "pairs": []}""", "mentees[1].id")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task MalformedProblemExitsWithCode2AndNamesTheField(string problem, string field)
    {
        var (code, stdout, stderr) = await Solve(problem);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(field, stderr);
    }

    [Fact]
    public async Task MissingFileExitsWithCode2()
    {
        var stderr = new StringWriter();
        var code = await TandemCli.RunAsync(["solve", Path.Combine(_dir, "absent.json")], new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("cannot read", stderr.ToString());
    }

    [Fact]
    public async Task ABadPairInALargeFileIsReportedWithItsLineAndColumn()
    {
        var pairs = string.Join(",\n", Enumerable.Range(0, 500).Select(i => $"{{\"mentee\": \"e{i % 50}\", \"mentor\": \"m{i / 50}\", \"score\": {i % 7}}}"));
        var mentees = string.Join(", ", Enumerable.Range(0, 50).Select(i => $"{{\"id\": \"e{i}\"}}"));
        var mentors = string.Join(", ", Enumerable.Range(0, 10).Select(j => $"{{\"id\": \"m{j}\", \"capacity\": 5}}"));
        var (code, stdout, stderr) = await Solve($"{{\"mentors\": [{mentors}],\n\"mentees\": [{mentees}],\n\"pairs\": [\n{pairs},\n{{\"mentee\": \"e1\", \"mentor\": \"m99\", \"score\": 1}}]}}");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("malformed problem: pairs[500].mentor: unknown mentor 'm99' (line 504, column 28)", stderr.Trim());
    }

    [Fact]
    public async Task CompactMayComeBeforeTheFile()
    {
        var path = Path.Combine(_dir, "small.json");
        await File.WriteAllTextAsync(path, """{"mentors": [{"id": "m1"}], "mentees": [{"id": "e1"}], "pairs": [{"mentee": "e1", "mentor": "m1", "score": 5}]}""");
        var stdout = new StringWriter();
        var code = await TandemCli.RunAsync(["solve", "--compact", path], stdout, new StringWriter());
        Assert.Equal(0, code);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Equal(5, JsonDocument.Parse(lines[0]).RootElement.GetProperty("totalScore").GetInt64());
    }

    [Fact]
    public async Task SolveHelpStillDescribesTheCommand()
    {
        var stdout = new StringWriter();
        var code = await TandemCli.RunAsync(["solve", "--help"], stdout, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("--compact", stdout.ToString());
    }
}
