using System.Text.Json;
using Google.OrTools.Graph;

namespace Tandem.Bench;

/// <summary>
/// The OR-Tools side of instance F: reads an explicit-pair problem file (docs/formats.md, objective
/// max-matched-then-score or max-score) as a competent caller would, streaming it with Utf8JsonReader
/// and resolving ids with a dictionary, solves it with OR-Tools' MinCostFlow (source → mentee → mentor
/// → sink plus an "unmatched" arc per mentee, costs -(score + K)), and writes the assignments as JSON.
/// Whole process, reading and writing included, like `tandem solve`.
/// </summary>
public static class OrToolsFileSolve
{
    public static int Run(string path, string? outPath)
    {
        var bytes = File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var mentorIds = new List<string>();
        var caps = new List<int>();
        var menteeIds = new List<string>();
        var mentorIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var menteeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var pi = new List<int>();
        var pj = new List<int>();
        var ps = new List<long>();
        var maxScore = false;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "objective":
                    maxScore = reader.GetString() == "max-score";
                    break;
                case "mentors":
                case "mentees":
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        string? id = null;
                        var cap = 1;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var p = reader.GetString();
                            reader.Read();
                            if (p == "id") id = reader.GetString();
                            else if (p == "capacity") cap = reader.GetInt32();
                            else reader.Skip();
                        }
                        if (name == "mentors") { mentorIndex.Add(id!, mentorIds.Count); mentorIds.Add(id!); caps.Add(cap); }
                        else { menteeIndex.Add(id!, menteeIds.Count); menteeIds.Add(id!); }
                    }
                    break;
                case "pairs":
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        int i = -1, j = -1;
                        long s = 0;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var p = reader.GetString();
                            reader.Read();
                            if (p == "mentee") i = menteeIndex[reader.GetString()!];
                            else if (p == "mentor") j = mentorIndex[reader.GetString()!];
                            else if (p == "score") s = reader.GetInt64();
                        }
                        pi.Add(i);
                        pj.Add(j);
                        ps.Add(s);
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        var n = menteeIds.Count;
        var m = mentorIds.Count;
        long bonus = 0;
        if (!maxScore && ps.Count > 0)
        {
            long smin = ps.Min(), smax = ps.Max();
            bonus = (smax - smin) * Math.Min(n, caps.Sum()) + Math.Max(0, -smin) + 1;
        }
        var source = n + m;
        var sink = source + 1;
        var flow = new MinCostFlow();
        for (var i = 0; i < n; i++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, i, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(i, sink, 1, 0);
        }
        var firstPairArc = -1;
        var arcPair = new List<int>(ps.Count);
        for (var k = 0; k < ps.Count; k++)
        {
            var w = ps[k] + bonus;
            if (w <= 0) continue;
            var arc = flow.AddArcWithCapacityAndUnitCost(pi[k], n + pj[k], 1, -w);
            if (firstPairArc < 0) firstPairArc = arc;
            arcPair.Add(k);
        }
        for (var j = 0; j < m; j++) flow.AddArcWithCapacityAndUnitCost(n + j, sink, caps[j], 0);
        flow.SetNodeSupply(source, n);
        flow.SetNodeSupply(sink, -n);
        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL)
        {
            Console.Error.WriteLine($"OR-Tools: {status}");
            return 1;
        }

        var mentorOf = new int[n];
        var scoreOf = new long[n];
        Array.Fill(mentorOf, -1);
        for (var a = 0; a < arcPair.Count; a++)
            if (flow.Flow(firstPairArc + a) > 0)
            {
                var k = arcPair[a];
                mentorOf[pi[k]] = pj[k];
                scoreOf[pi[k]] = ps[k];
            }
        using var output = outPath is null ? Console.OpenStandardOutput() : File.Create(outPath);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteNumber("matched", mentorOf.Count(j => j >= 0));
        writer.WriteNumber("totalScore", scoreOf.Sum());
        writer.WriteNumber("optimalWeight", -flow.OptimalCost());
        writer.WriteStartArray("assignments");
        for (var i = 0; i < n; i++)
        {
            if (mentorOf[i] < 0) continue;
            writer.WriteStartObject();
            writer.WriteString("mentee", menteeIds[i]);
            writer.WriteString("mentor", mentorIds[mentorOf[i]]);
            writer.WriteNumber("score", scoreOf[i]);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        output.WriteByte((byte)'\n');
        return 0;
    }
}
