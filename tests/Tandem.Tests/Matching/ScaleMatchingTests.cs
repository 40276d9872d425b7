using System.Text.RegularExpressions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

/// <summary>
/// `tandem seed scale` and `tandem match` on a pool larger than the old 5,000-person cap (issue 14, items 1 and 2), through
/// the command line as an operator runs them, on a database of its own.
/// </summary>
public sealed class ScaleMatchingTests
{
    private static string[] Database(string connection) =>
        [$"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true", $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning"];

    [Fact]
    public async Task APoolOfMoreThanFiveThousandPeopleIsSeededAndMatchedWithAProofAndThePhasesTimes()
    {
        var connection = TestDatabase.NewMigratedConnectionString();
        var output = new StringWriter();

        var seeded = await TandemCli.RunAsync(["seed", "scale", "--mentees", "4200", "--mentors", "1400", .. Database(connection)], output, output);

        Assert.True(seeded == 0, output.ToString());
        var text = output.ToString();
        Assert.Contains("A program with 4,200 mentees and 1,400 mentors is ready for matching. Sign in with:", text);
        Assert.Matches(@"Coordinator\s+coordinator-[0-9a-f]{6}@scale\.example\s+\S{16,}", text);
        var programId = Regex.Match(text, @"Program\s+([0-9a-f-]{36})").Groups[1].Value;
        Assert.NotEmpty(programId);

        output = new StringWriter();
        var matched = await TandemCli.RunAsync(["match", "--program", programId, .. Database(connection)], output, output);

        text = output.ToString();
        Assert.True(matched == 0, text);
        Assert.Matches(@"Draft 1 for program " + programId, text);
        Assert.Contains("proven optimal:           yes", text);
        // Every phase is timed: loading, scoring, solving, certifying, checking, saving.
        Assert.Matches(@"phases \(ms\):\s+loading \d+, scoring \d+, (solving|certifying) \d+, (solving|certifying) \d+, checking \d+, saving \d+", text);
        // 1,400 mentors offer 1 to 4 places each (about 3,500), so most of the 4,200 mentees are matched and the rest are explained.
        var matchedCount = int.Parse(Regex.Match(text, @"matched:\s+(\d+)").Groups[1].Value);
        var unmatchedCount = int.Parse(Regex.Match(text, @"unmatched:\s+(\d+)").Groups[1].Value);
        Assert.InRange(matchedCount, 2_500, 4_200);
        Assert.True(unmatchedCount > 0, text);
        Assert.Matches(@"not matched: .+ \(mentee\): (the \d+ mentor\(s\) who fit are full with other mentees|no mentor meets the hard rules)", text);

        // The pool as a problem file, each mentee's best 5 mentors: opaque ids and scores, solvable by `tandem solve`.
        var file = Path.Combine(Path.GetTempPath(), $"tandem-export-{Guid.NewGuid():N}.json");
        try
        {
            output = new StringWriter();
            Assert.Equal(0, await TandemCli.RunAsync(["match", "--program", programId, "--export", file, "--candidates", "5", .. Database(connection)], output, output));
            Assert.Matches(@"Exported \d+ mentees, \d+ mentors and \d+ allowed pairs \(each mentee's best 5\)", output.ToString());
            using (var problem = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(file)))
            {
                var pairs = problem.RootElement.GetProperty("pairs").EnumerateArray().ToList();
                Assert.All(pairs.GroupBy(p => p.GetProperty("mentee").GetString()), g => Assert.InRange(g.Count(), 1, 5));
                // The export is taken after the first draft, which matched nobody yet (drafts are proposals): the whole pool.
                Assert.Equal(4_200, problem.RootElement.GetProperty("mentees").GetArrayLength());
                Assert.Equal(1_400, problem.RootElement.GetProperty("mentors").GetArrayLength());
            }
            var solved = new StringWriter();
            Assert.Equal(0, await TandemCli.RunAsync(["solve", file, "--compact"], solved, solved));
            Assert.Contains("\"optimal\":true", solved.ToString());
        }
        finally
        {
            File.Delete(file);
        }

        // Run again: a second draft, compared with the first.
        output = new StringWriter();
        Assert.Equal(0, await TandemCli.RunAsync(["match", "--program", programId, .. Database(connection)], output, output));
        Assert.Contains("Draft 2 for program", output.ToString());
    }

    [Fact]
    public async Task SeedScaleRefusesANumberOfPeopleItCannotMake()
    {
        var output = new StringWriter();
        var exit = await TandemCli.RunAsync(["seed", "scale", "--mentees", "0", "--mentors", "0", .. Database(TestDatabase.NewConnectionString())], output, output);

        Assert.Equal(2, exit);
        Assert.Contains("Ask for between 1 and 1,000,000 people in all", output.ToString());
    }
}
