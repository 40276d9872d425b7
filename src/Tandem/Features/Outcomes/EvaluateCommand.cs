using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tandem.Features.Outcomes;

/// <summary>
/// `tandem evaluate FILE.csv`: the outcome comparison offline. Reads an outcome CSV, prints the
/// analysis as JSON (docs/formats.md, "Outcome CSV"). Exit codes: 0 analysed, 2 the file is missing,
/// unreadable or malformed (every problem on stderr, naming its line; nothing on stdout).
/// </summary>
public static class EvaluateCommand
{
    public const int MalformedFile = 2;

    /// <summary>A file with a systematic mistake (decimal commas) would otherwise print one line per row.</summary>
    private const int ErrorsShown = 100;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The outcome CSV with the header person,group,measure,pre,post (docs/formats.md, \"Outcome CSV\")." };
        var compact = new Option<bool>("--compact") { Description = "Print the result on one line instead of indented." };
        var command = new Command("evaluate", "Compare the program group's change with the comparison group's, per measure, and print the statistics as JSON.");
        command.Arguments.Add(file);
        command.Options.Add(compact);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string text;
            try
            {
                text = await File.ReadAllTextAsync(path.FullName, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"outcomes: cannot read '{path.FullName}': {e.Message}");
                return MalformedFile;
            }

            var read = OutcomeCsv.Read(new StringReader(text));
            if (!read.IsValid)
            {
                await error.WriteLineAsync($"{path.Name}: {read.Errors.Count} problem(s); nothing was analysed.");
                foreach (var e in read.Errors.Take(ErrorsShown))
                {
                    await error.WriteLineAsync($"  {e}");
                }
                if (read.Errors.Count > ErrorsShown)
                {
                    await error.WriteLineAsync($"  … and {read.Errors.Count - ErrorsShown} more.");
                }
                return MalformedFile;
            }

            var analysis = await new AnalyseOutcomes().RunAsync(read.Observations, ct);
            await output.WriteLineAsync(ToJson(analysis, indented: !parse.GetValue(compact)));
            return 0;
        });
        return command;
    }

    /// <summary>The JSON of docs/formats.md, written field by field so the names and order are exactly the documented ones.</summary>
    public static string ToJson(OutcomeAnalysis analysis, bool indented)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: this goes to a terminal or a file, not into HTML, and "Hedges' g" reads better than "Hedges\u0027 g".
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("measures");
            foreach (var m in analysis.Measures)
            {
                json.WriteStartObject();
                json.WriteString("measure", m.Measure);
                WriteGroup(json, "program", m.Program);
                WriteGroup(json, "comparison", m.Comparison);
                WriteNumber(json, "difference", m.Difference);
                WriteNumber(json, "welchT", m.WelchT);
                WriteNumber(json, "df", m.Df);
                WriteNumber(json, "p", m.P);
                WriteNumber(json, "hedgesG", m.HedgesG);
                if (m.Ci95 is { } ci)
                {
                    json.WriteStartArray("ci95");
                    json.WriteNumberValue(ci.Low);
                    json.WriteNumberValue(ci.High);
                    json.WriteEndArray();
                }
                else
                {
                    json.WriteNull("ci95");
                }
                json.WriteStartObject("pairedProgram");
                WriteNumber(json, "t", m.PairedProgram?.T);
                WriteNumber(json, "df", m.PairedProgram?.Df);
                WriteNumber(json, "p", m.PairedProgram?.P);
                json.WriteEndObject();
                WriteStrings(json, "notes", m.Notes);
                WriteStrings(json, "reading", m.Reading);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteGroup(Utf8JsonWriter json, string name, GroupChange group)
    {
        json.WriteStartObject(name);
        json.WriteNumber("n", group.N);
        WriteNumber(json, "meanChange", group.MeanChange);
        WriteNumber(json, "sdChange", group.SdChange);
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }
}
