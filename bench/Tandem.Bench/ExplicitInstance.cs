using System.Globalization;
using System.Text;

namespace Tandem.Bench;

/// <summary>
/// Instance F (issue 14): an explicit-pair problem file of the documented JSON format, 20,000 mentees x
/// 5,000 mentors, 50–70 distinct candidate mentors per mentee (about 60), integer scores uniform in
/// 0–100, capacities uniform in 1–4 (about 1.2 million pairs, about 55 MB). The same graph is also
/// written as text for the LEMON baseline (bench/lemon): a header line "mentees mentors pairs", one
/// line of mentor capacities, then one line "mentee mentor score" per pair (0-based indices).
/// </summary>
public static class ExplicitInstance
{
    public static void Write(string jsonPath, string lemonPath, int mentees = 20_000, int mentors = 5_000, int seed = 14)
    {
        var rng = new Random(seed);
        var caps = new int[mentors];
        for (var j = 0; j < mentors; j++) caps[j] = rng.Next(1, 5);
        var rows = new List<(int Mentor, int Score)>[mentees];
        var pick = new HashSet<int>();
        long total = 0;
        for (var i = 0; i < mentees; i++)
        {
            var count = rng.Next(50, 71);
            pick.Clear();
            var row = new List<(int, int)>(count);
            while (row.Count < count)
            {
                var j = rng.Next(mentors);
                if (pick.Add(j)) row.Add((j, rng.Next(0, 101)));
            }
            rows[i] = row;
            total += count;
        }

        // One pair per line, so that an error's line number points at one pair.
        using (var json = new StreamWriter(jsonPath, false, new UTF8Encoding(false), 1 << 20))
        {
            json.Write("{\"objective\": \"max-matched-then-score\",\n\"mentors\": [");
            for (var j = 0; j < mentors; j++)
                json.Write($"{(j == 0 ? "" : ",")}\n{{\"id\":\"m{j}\",\"capacity\":{caps[j]}}}");
            json.Write("],\n\"mentees\": [");
            for (var i = 0; i < mentees; i++) json.Write($"{(i == 0 ? "" : ",")}\n{{\"id\":\"e{i}\"}}");
            json.Write("],\n\"pairs\": [");
            var first = true;
            for (var i = 0; i < mentees; i++)
                foreach (var (j, s) in rows[i])
                {
                    json.Write(first ? "\n" : ",\n");
                    first = false;
                    json.Write($"{{\"mentee\":\"e{i}\",\"mentor\":\"m{j}\",\"score\":{s}}}");
                }
            json.Write("]}\n");
        }
        using (var text = new StreamWriter(lemonPath, false, new UTF8Encoding(false), 1 << 20))
        {
            text.Write(string.Create(CultureInfo.InvariantCulture, $"{mentees} {mentors} {total}\n"));
            text.Write(string.Join(' ', caps));
            text.Write('\n');
            for (var i = 0; i < mentees; i++)
                foreach (var (j, s) in rows[i]) text.Write(string.Create(CultureInfo.InvariantCulture, $"{i} {j} {s}\n"));
        }
        Console.WriteLine($"F: {mentees:N0} mentees x {mentors:N0} mentors, {total:N0} pairs, capacity {caps.Sum():N0}; " +
            $"{new FileInfo(jsonPath).Length / 1e6:F1} MB JSON ({jsonPath}), {new FileInfo(lemonPath).Length / 1e6:F1} MB text ({lemonPath})");
    }

    /// <summary>The engine's solver core alone on instance F's text form, timed in-process (three runs).</summary>
    public static int SolveCore(string lemonPath)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var lines = File.ReadAllLines(lemonPath);
        var head = lines[0].Split(' ').Select(int.Parse).ToArray();
        var caps = lines[1].Split(' ').Select(int.Parse).ToArray();
        var pairs = new List<Tandem.Matching.ScoredPair>(head[2]);
        for (var k = 2; k < lines.Length; k++)
        {
            var f = lines[k].Split(' ');
            pairs.Add(new Tandem.Matching.ScoredPair(int.Parse(f[0]), int.Parse(f[1]), long.Parse(f[2])));
        }
        Console.WriteLine($"read {pairs.Count:N0} pairs in {sw.ElapsedMilliseconds} ms");
        for (var rep = 0; rep < 3; rep++)
        {
            sw.Restart();
            var r = Tandem.Matching.OptimalAssignment.Solve(new Tandem.Matching.AssignmentProblem(head[0], caps, pairs));
            Console.WriteLine($"run {rep + 1}: OptimalAssignment.Solve {sw.ElapsedMilliseconds} ms, matched {r.Matched:N0}, total {r.TotalScore:N0}, weight {r.Certificate.PrimalWeight:N0}");
        }
        return 0;
    }

    /// <summary>Where `tandem solve` spends its time on instance F, in-process: the reader alone, then the whole solve (three runs each).</summary>
    public static int JsonPhases(string jsonPath)
    {
        var since = System.Diagnostics.Stopwatch.StartNew();
        Tandem.Matching.PoolSolver.Trace = line => Console.WriteLine($"        [{since.ElapsedMilliseconds,6} ms] {line}");
        using var stream = File.OpenRead(jsonPath);
        using var file = Tandem.Matching.MappedFile.Open(stream);
        for (var rep = 0; rep < 3; rep++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var doc = Tandem.Matching.ProblemDocument.Read(file.Memory);
            Console.WriteLine($"run {rep + 1}: top level and pairs read {sw.ElapsedMilliseconds} ms");
            sw.Restart();
            using var output = new MemoryStream();
            Tandem.Matching.MatchingProblemJson.Solve(file.Memory, output, indented: false);
            Console.WriteLine($"run {rep + 1}: whole MatchingProblemJson.Solve {sw.ElapsedMilliseconds} ms, {output.Length / 1e6:F1} MB written");
        }
        return 0;
    }
}
