using System.Text.Json;

namespace Tandem.Tests.Outcomes;

/// <summary>`tandem evaluate FILE.csv` end to end: exit codes, the JSON's shape, edge cases, and errors naming their line.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private const string Header = "person,group,measure,pre,post\n";
    private readonly Evaluate _evaluate = new();

    public void Dispose() => _evaluate.Dispose();

    private async Task<Dictionary<string, JsonElement>> Analyse(string csv)
    {
        var (code, stdout, stderr) = await _evaluate.Csv(csv);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        return Evaluate.Measures(stdout);
    }

    [Fact]
    public async Task PrintsEveryMeasureInOrderOfFirstAppearanceWithTheDocumentedFields()
    {
        var (code, stdout, _) = await _evaluate.Csv(Header + """
            s1,program,reading,10,14
            s1,program,maths,50,58
            s2,program,maths,40,41
            s2,program,reading,12,13
            n1,comparison,maths,45,47
            n2,comparison,maths,52,50
            n1,comparison,reading,11,12
            n2,comparison,reading,9,11
            """);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(["measures"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        var measures = doc.RootElement.GetProperty("measures").EnumerateArray().ToList();
        Assert.Equal(["reading", "maths"], measures.Select(m => m.GetProperty("measure").GetString()));
        var maths = measures[1];
        Assert.Equal(
            ["measure", "program", "comparison", "difference", "welchT", "df", "p", "hedgesG", "ci95", "pairedProgram", "notes", "reading"],
            maths.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["n", "meanChange", "sdChange"], maths.GetProperty("program").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["n", "meanChange", "sdChange"], maths.GetProperty("comparison").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["t", "df", "p"], maths.GetProperty("pairedProgram").EnumerateObject().Select(p => p.Name));
        // Changes: program +8, +1 (mean 4.5); comparison +2, −2 (mean 0). Difference = program − comparison.
        Assert.Equal(2, maths.GetProperty("program").GetProperty("n").GetInt32());
        Assert.Equal(4.5, maths.GetProperty("program").GetProperty("meanChange").GetDouble());
        Assert.Equal(0, maths.GetProperty("comparison").GetProperty("meanChange").GetDouble());
        Assert.Equal(4.5, maths.GetProperty("difference").GetDouble());
        Assert.Equal(2, maths.GetProperty("ci95").GetArrayLength());
        Assert.True(maths.GetProperty("ci95")[0].GetDouble() < 4.5 && maths.GetProperty("ci95")[1].GetDouble() > 4.5);
        Assert.Equal(1, maths.GetProperty("pairedProgram").GetProperty("df").GetInt32());
        Assert.Empty(maths.GetProperty("notes").EnumerateArray());
        Assert.NotEmpty(maths.GetProperty("reading").EnumerateArray());
    }

    [Fact]
    public async Task RowsWithAnEmptyPreOrPostAreLeftOutAndCounted()
    {
        var maths = (await Analyse(Header + """
            s1,program,maths,50,58
            s2,program,maths,,41
            s3,program,maths,40,44
            s4,program,maths,47,
            n1,comparison,maths,45,47
            n2,comparison,maths,52,50
            n3,comparison,maths, , 
            """))["maths"];
        Assert.Equal(2, maths.GetProperty("program").GetProperty("n").GetInt32());
        Assert.Equal(6, maths.GetProperty("program").GetProperty("meanChange").GetDouble());
        Assert.Equal(2, maths.GetProperty("comparison").GetProperty("n").GetInt32());
        Assert.Contains(maths.GetProperty("notes").EnumerateArray(),
            n => n.GetString() == "Left out for a missing pre or post value: 2 people in the program group, 1 person in the comparison group.");
    }

    [Fact]
    public async Task AGroupOfOneGetsNoComparisonAndTheNotesSayWhy()
    {
        var maths = (await Analyse(Header + """
            s1,program,maths,50,58
            s2,program,maths,40,41
            s3,program,maths,40,44
            n1,comparison,maths,45,47
            """))["maths"];
        Assert.Equal(1, maths.GetProperty("comparison").GetProperty("n").GetInt32());
        Assert.Equal(2, maths.GetProperty("comparison").GetProperty("meanChange").GetDouble());
        Assert.Equal(JsonValueKind.Null, maths.GetProperty("comparison").GetProperty("sdChange").ValueKind);
        Assert.Equal(13.0 / 3 - 2, maths.GetProperty("difference").GetDouble(), 12);
        foreach (var name in new[] { "welchT", "df", "p", "hedgesG", "ci95" })
        {
            Assert.Equal(JsonValueKind.Null, maths.GetProperty(name).ValueKind);
        }
        Assert.Contains(maths.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("at least 2 people with both values in each group"));
        // The program group alone still gets its paired test.
        Assert.Equal(2, maths.GetProperty("pairedProgram").GetProperty("df").GetInt32());
        Assert.Equal(JsonValueKind.Number, maths.GetProperty("pairedProgram").GetProperty("p").ValueKind);
    }

    [Fact]
    public async Task AMeasureWithNoComparisonGroupReportsTheProgramGroupAlone()
    {
        var maths = (await Analyse(Header + "s1,program,maths,50,58\ns2,program,maths,40,41\nn1,comparison,reading,3,4\n"))["maths"];
        Assert.Equal(0, maths.GetProperty("comparison").GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Null, maths.GetProperty("comparison").GetProperty("meanChange").ValueKind);
        Assert.Equal(JsonValueKind.Null, maths.GetProperty("difference").ValueKind);
        Assert.Contains(maths.GetProperty("reading").EnumerateArray(), r => r.GetString()!.StartsWith("Without a comparison group", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoVariationInEitherGroupLeavesTheTestsUndefined()
    {
        var maths = (await Analyse(Header + """
            s1,program,maths,50,52
            s2,program,maths,40,42
            n1,comparison,maths,45,46
            n2,comparison,maths,52,53
            """))["maths"];
        Assert.Equal(0, maths.GetProperty("program").GetProperty("sdChange").GetDouble());
        Assert.Equal(1, maths.GetProperty("difference").GetDouble());
        Assert.Equal(JsonValueKind.Null, maths.GetProperty("welchT").ValueKind);
        Assert.Equal(JsonValueKind.Null, maths.GetProperty("hedgesG").ValueKind);
        Assert.Equal(JsonValueKind.Null, maths.GetProperty("pairedProgram").GetProperty("t").ValueKind);
        var notes = maths.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(notes, n => n.Contains("no variation within the groups"));
        Assert.Contains(notes, n => n.Contains("Everyone in the program group changed by the same amount"));
    }

    [Fact]
    public async Task NoVariationInOneGroupStillComparesWithTheOthersDegreesOfFreedom()
    {
        var maths = (await Analyse(Header + """
            s1,program,maths,50,52
            s2,program,maths,40,42
            s3,program,maths,41,43
            n1,comparison,maths,45,46
            n2,comparison,maths,52,50
            n3,comparison,maths,30,34
            n4,comparison,maths,30,30
            """))["maths"];
        // With the program group's variance 0, Welch–Satterthwaite reduces to the comparison group's n − 1.
        Assert.Equal(3, maths.GetProperty("df").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Number, maths.GetProperty("hedgesG").ValueKind);
        Assert.Equal(JsonValueKind.Null, maths.GetProperty("pairedProgram").GetProperty("p").ValueKind);
    }

    [Fact]
    public async Task ValuesTooLargeToSubtractGiveNullsNotInfinity()
    {
        var huge = (await Analyse(Header + """
            s1,program,huge,-1e308,1e308
            s2,program,huge,-1e308,1.5e308
            n1,comparison,huge,1,2
            n2,comparison,huge,1,4
            """))["huge"];
        Assert.Equal(JsonValueKind.Null, huge.GetProperty("program").GetProperty("meanChange").ValueKind);
        Assert.Equal(JsonValueKind.Null, huge.GetProperty("difference").ValueKind);
        Assert.Equal(JsonValueKind.Null, huge.GetProperty("welchT").ValueKind);
        Assert.Equal(JsonValueKind.Null, huge.GetProperty("pairedProgram").GetProperty("t").ValueKind);
        Assert.Contains(huge.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("too large"));
    }

    [Fact]
    public async Task HeaderCaseOrderSpacesAndAByteOrderMarkAreAccepted()
    {
        var maths = (await Analyse("\uFEFFMeasure, Person ,GROUP,post,pre\nmaths,s1,Program,58,50\nmaths,s2,program,41,40\nmaths,n1,COMPARISON,47,45\nmaths,n2,comparison,50,52,,\n"))["maths"];
        Assert.Equal(4.5, maths.GetProperty("program").GetProperty("meanChange").GetDouble());
        Assert.Equal(0, maths.GetProperty("comparison").GetProperty("meanChange").GetDouble());
    }

    [Fact]
    public async Task CompactPrintsOneLine()
    {
        var (code, stdout, _) = await Evaluate.File(_evaluate.Write(Header + "s1,program,maths,1,2\n"), "--compact");
        Assert.Equal(0, code);
        Assert.Single(stdout.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("s1,program,maths,abc,5\n", "line 2, pre: 'abc' is not a number")]
    [InlineData("s1,program,maths,4,NaN\n", "line 2, post: 'NaN' is not a number")]
    [InlineData("s1,program,maths,\"3,5\",4\n", "line 2, pre: '3,5' is not a number")]
    [InlineData("s1,control,maths,3,5\n", "line 2, group: Unknown group 'control': use program or comparison.")]
    [InlineData("s1,,maths,3,5\n", "line 2, group: The group is missing")]
    [InlineData(",program,maths,3,5\n", "line 2, person: The person is missing.")]
    [InlineData("s1,program,,3,5\n", "line 2, measure: The measure is missing.")]
    [InlineData("s1,program,maths,3,5\nS1,program,Maths,4,6\n", "line 3: 'S1' already has a 'Maths' row on line 2")]
    [InlineData("s1,program,maths,3,5\ns1,comparison,reading,4,6\n", "line 3, group: 's1' is in the program group on line 2; a person belongs to one group.")]
    [InlineData("s1,program,maths,3\n", "line 2: This line has 4 values; the header has 5 columns.")]
    [InlineData("s1,program,maths,3,5,7\n", "line 2: This line has 6 values; the header has 5 columns.")]
    [InlineData("\n\"s\n1\",program,maths,3,5\ns2,program,maths,x,5\n", "line 5, pre: 'x' is not a number")]
    [InlineData("s1,program,maths,\"3,5\n", "line 2: Malformed quoting")]
    public async Task AMalformedRowExitsWithCode2AndNamesItsLine(string rows, string error)
    {
        var (code, stdout, stderr) = await _evaluate.Csv(Header + rows);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(error, stderr);
    }

    [Theory]
    [InlineData("", "line 1: The file is empty; its first line must be the header person,group,measure,pre,post.")]
    [InlineData("person,group,measure,pre\ns1,program,maths,3\n", "line 1, post: The column 'post' is missing.")]
    [InlineData("person,group,measure,pre,post,school\n", "line 1, school: Unknown column 'school'.")]
    [InlineData("person,group,measure,pre,pre,post\n", "line 1, pre: The column 'pre' appears twice.")]
    [InlineData("person,group,measure,pre,post\n", "line 2: The file has a header but no data lines.")]
    public async Task AMalformedHeaderOrAnEmptyFileExitsWithCode2(string csv, string error)
    {
        var (code, stdout, stderr) = await _evaluate.Csv(csv);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(error, stderr);
    }

    [Fact]
    public async Task EveryProblemInTheFileIsListed()
    {
        var (code, _, stderr) = await _evaluate.Csv(Header + "s1,program,maths,3,5\ns2,program,maths,3,five\ns3,program,maths,3,5\ns4,peer,maths,3,5\n");
        Assert.Equal(2, code);
        Assert.Contains("2 problem(s); nothing was analysed.", stderr);
        Assert.Contains("line 3, post: 'five' is not a number", stderr);
        Assert.Contains("line 5, group: Unknown group 'peer'", stderr);
    }

    [Fact]
    public async Task AMissingFileExitsWithCode2()
    {
        var (code, stdout, stderr) = await Evaluate.File(Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.csv"));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("cannot read", stderr);
    }
}
