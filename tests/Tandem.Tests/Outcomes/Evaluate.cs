using System.Globalization;
using System.Text.Json;

namespace Tandem.Tests.Outcomes;

/// <summary>Runs `tandem evaluate` in-process on a CSV written to a temporary folder, and compares figures.</summary>
public sealed class Evaluate : IDisposable
{
    public static readonly string ReferenceDirectory = Path.Combine(AppContext.BaseDirectory, "Outcomes", "Reference");

    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-evaluate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public string Write(string csv)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.csv");
        System.IO.File.WriteAllText(path, csv);
        return path;
    }

    public async Task<(int Code, string Out, string Err)> Csv(string csv) => await File(Write(csv));

    public static async Task<(int Code, string Out, string Err)> File(string path, params string[] options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await TandemCli.RunAsync(["evaluate", path, .. options], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The measures of a successful run, by name.</summary>
    public static Dictionary<string, JsonElement> Measures(string stdout) =>
        JsonDocument.Parse(stdout).RootElement.GetProperty("measures").EnumerateArray()
            .ToDictionary(m => m.GetProperty("measure").GetString()!, m => m.Clone());

    /// <summary>
    /// Every field of <paramref name="expected"/> is in <paramref name="actual"/> with the same value:
    /// numbers to 6 significant figures (within half a unit of the reference's sixth digit), nulls and
    /// integers exactly.
    /// </summary>
    public static void AssertSameFigures(JsonElement expected, JsonElement actual, string path)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected an object, got {actual}");
                foreach (var property in expected.EnumerateObject())
                {
                    Assert.True(actual.TryGetProperty(property.Name, out var value), $"{path}.{property.Name} is missing");
                    AssertSameFigures(property.Value, value, $"{path}.{property.Name}");
                }
                break;
            case JsonValueKind.Array:
                Assert.True(actual.ValueKind == JsonValueKind.Array, $"{path}: expected an array, got {actual}");
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    AssertSameFigures(expected[i], actual[i], $"{path}[{i}]");
                }
                break;
            case JsonValueKind.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{path}: expected {expected}, got {actual}");
                AssertSixFigures(expected.GetDouble(), actual.GetDouble(), path);
                break;
            default:
                Assert.True(expected.ValueKind == actual.ValueKind && expected.ToString() == actual.ToString(), $"{path}: expected {expected}, got {actual}");
                break;
        }
    }

    public static void AssertSixFigures(double expected, double actual, string what)
    {
        if (expected == 0)
        {
            Assert.True(actual == 0, $"{what}: expected 0, got {actual.ToString("R", CultureInfo.InvariantCulture)}");
            return;
        }
        var halfUnit = 0.5 * Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(expected))) - 5);
        Assert.True(Math.Abs(actual - expected) <= halfUnit,
            $"{what}: expected {expected.ToString("R", CultureInfo.InvariantCulture)}, got {actual.ToString("R", CultureInfo.InvariantCulture)} (6 significant figures)");
    }
}
