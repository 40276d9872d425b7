using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tandem.Tests.Outcomes;

/// <summary>
/// `tandem evaluate` against figures computed without Tandem: R's published output for Student's
/// sleep data, SciPy's figures for fixed data sets (Reference/*.expected.json, written by
/// Reference/outcome_reference.py), and SciPy run live on data generated here.
/// </summary>
public sealed class OutcomeReferenceTests : IDisposable
{
    private readonly Evaluate _evaluate = new();

    public void Dispose() => _evaluate.Dispose();

    [Fact]
    public async Task SleepDataGiveTheFiguresRPrintsForIt()
    {
        // R's `t.test(extra ~ group, data = sleep)`: t = -1.8608, df = 17.776, p-value = 0.07939,
        // 95 percent confidence interval -3.3654832 0.2054832, means 0.75 and 2.33 (group 1 minus
        // group 2; here the program group is drug 2, so the signs turn round). The paired test
        // `paired = TRUE`: t = -4.0621, df = 9, p-value = 0.002833.
        var (code, stdout, stderr) = await Evaluate.File(Path.Combine(Evaluate.ReferenceDirectory, "sleep.csv"));
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var welch = Evaluate.Measures(stdout)["sleep-welch"];
        Assert.Equal(2.33, Math.Round(welch.GetProperty("program").GetProperty("meanChange").GetDouble(), 2));
        Assert.Equal(0.75, Math.Round(welch.GetProperty("comparison").GetProperty("meanChange").GetDouble(), 2));
        Assert.Equal(1.8608, Math.Round(welch.GetProperty("welchT").GetDouble(), 4));
        Assert.Equal(17.776, Math.Round(welch.GetProperty("df").GetDouble(), 3));
        Assert.Equal(0.07939, Math.Round(welch.GetProperty("p").GetDouble(), 5));
        Assert.Equal(-0.2054832, Math.Round(welch.GetProperty("ci95")[0].GetDouble(), 7));
        Assert.Equal(3.3654832, Math.Round(welch.GetProperty("ci95")[1].GetDouble(), 7));

        var paired = Evaluate.Measures(stdout)["sleep-paired"].GetProperty("pairedProgram");
        Assert.Equal(4.0621, Math.Round(paired.GetProperty("t").GetDouble(), 4));
        Assert.Equal(9, paired.GetProperty("df").GetInt32());
        Assert.Equal(0.002833, Math.Round(paired.GetProperty("p").GetDouble(), 6));
    }

    [Theory]
    [InlineData("sleep")]
    [InlineData("school")]
    public async Task FixedDataSetsMatchSciPyToSixSignificantFigures(string name)
    {
        var (code, stdout, stderr) = await Evaluate.File(Path.Combine(Evaluate.ReferenceDirectory, name + ".csv"));
        Assert.True(code == 0, stderr);
        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Evaluate.ReferenceDirectory, name + ".expected.json")));
        using var actual = JsonDocument.Parse(stdout);
        Assert.Equal(
            expected.RootElement.GetProperty("measures").EnumerateArray().Select(m => m.GetProperty("measure").GetString()),
            actual.RootElement.GetProperty("measures").EnumerateArray().Select(m => m.GetProperty("measure").GetString()));
        Evaluate.AssertSameFigures(expected.RootElement, actual.RootElement, name);
    }

    [Fact]
    public async Task GeneratedDataMatchSciPyRunLive()
    {
        // Sizes from the smallest testable (2 and 2) to a thousand, scales from thousandths to
        // millions, effects from none (a large p) to huge (p far below 1e-100, yet above 0), and missing values.
        var random = new Random(11);
        var csv = new StringBuilder("person,group,measure,pre,post\n");
        var shapes = new (int Program, int Comparison, double Scale, double Gain)[]
        {
            (2, 2, 1, 0.5), (3, 5, 10, 1), (8, 30, 100, 0), (50, 47, 1, 0.3), (250, 300, 0.001, 0.4),
            (12, 9, 1_000_000, 0.8), (1000, 900, 5, 0.9), (17, 2, 3, -0.6), (40, 40, 20, 0.01),
        };
        for (var s = 0; s < shapes.Length; s++)
        {
            var (nProgram, nComparison, scale, gain) = shapes[s];
            foreach (var (group, n, effect) in new[] { ("program", nProgram, gain), ("comparison", nComparison, 0.0) })
            {
                var changeSd = scale * (0.5 + random.NextDouble());
                for (var i = 0; i < n; i++)
                {
                    var pre = scale * (10 + Normal(random));
                    var post = pre + changeSd * (effect * 2 + Normal(random));
                    var missing = random.Next(40) == 0;
                    csv.Append(CultureInfo.InvariantCulture, $"{group[0]}{i},{group},m{s},{pre.ToString("R", CultureInfo.InvariantCulture)},{(missing ? "" : post.ToString("R", CultureInfo.InvariantCulture))}\n");
                }
            }
        }
        var path = _evaluate.Write(csv.ToString());

        var (code, stdout, stderr) = await Evaluate.File(path);
        Assert.True(code == 0, stderr);
        using var expected = JsonDocument.Parse(await SciPyAsync(path));
        using var actual = JsonDocument.Parse(stdout);
        Evaluate.AssertSameFigures(expected.RootElement, actual.RootElement, "generated");
        // The set really reaches the extremes it claims to.
        var ps = actual.RootElement.GetProperty("measures").EnumerateArray().Select(m => m.GetProperty("p").GetDouble()).ToList();
        Assert.True(ps.Any(p => p is > 0 and < 1e-100), string.Join(" ", ps));
        Assert.True(ps.Any(p => p > 0.3), string.Join(" ", ps));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static async Task<string> SciPyAsync(string csvPath)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { Path.Combine(Evaluate.ReferenceDirectory, "outcome_reference.py"), csvPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"/usr/bin/python3 with SciPy is needed (test.sh installs python3-scipy): {await stderr}");
        return await stdout;
    }
}
