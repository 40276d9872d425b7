using System.Diagnostics;
using BenchmarkDotNet.Running;
using Tandem.Bench;
using Tandem.Matching;

// dotnet run -c Release --project bench/Tandem.Bench -- whole A|B|C|E|G [--ortools] [--exhaustive] [--k 6] [--kk 0] [--trace] [--fair] [--avx2]
//   --avx2: the feature kernel's AVX2 loop even where AVX-512 is available (what a processor without it runs)
//   --fair: A and E with the max-min-then-score objective (raise the worst-off first), then its proof checked again from scratch
// dotnet run -c Release --project bench/Tandem.Bench -- dense-gen C.i32     (benchmark C's matrix for bench/dense/lapjv.py)
// dotnet run -c Release --project bench/Tandem.Bench -- explicit-gen F.json F.txt     (instance F, issue 14)
// dotnet run -c Release --project bench/Tandem.Bench -- ortools-solve F.json [OUT.json]
// dotnet run -c Release --project bench/Tandem.Bench -- [BenchmarkDotNet arguments, e.g. --filter *]
if (args.Length == 3 && args[0] == "explicit-gen")
{
    ExplicitInstance.Write(args[1], args[2]);
    return 0;
}
if (args.Length == 2 && args[0] == "dense-gen")
{
    // Benchmark C's matrix as raw little-endian int32, row-major, for bench/dense/lapjv.py (scipy).
    var matrix = Workloads.Dense(4000);
    using var file = File.Create(args[1]);
    var row = new int[matrix.MentorCount];
    for (var i = 0; i < matrix.MenteeCount; i++)
    {
        matrix.ScoreRow(i, row);
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
    }
    return 0;
}
if (args.Length >= 1 && args[0] == "kernel")
{
    // Scoring alone: every row of A on one thread, the AVX-512 and AVX2 loops of the feature kernel alternately.
    var (scorer, _) = Workloads.FeaturePool(20_000, 5_000, 4);
    var row = new int[scorer.MentorCount];
    Console.WriteLine($"AVX-512 loop available: {FeatureKernel.WideIsSupported}, Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
    var best = new Dictionary<bool, double> { [true] = double.MaxValue, [false] = double.MaxValue };
    for (var rep = 0; rep < 20; rep++)
        foreach (var wide in new[] { true, false })
        {
            scorer.UseWideKernel = wide;
            var sw = Stopwatch.StartNew();
            var cpu0 = WholeRun.Cpu();
            long sum = 0;
            for (var i = 0; i < scorer.MenteeCount; i++) { scorer.ScoreRow(i, row); sum += row[i % row.Length]; }
            best[wide] = Math.Min(best[wide], WholeRun.Cpu() - cpu0);
            Console.WriteLine($"  {(wide ? "AVX-512" : "AVX2   ")}: {sw.Elapsed.TotalMilliseconds:F0} ms wall, {WholeRun.Cpu() - cpu0:F0} ms CPU for 10^8 pairs ({sum})");
        }
    Console.WriteLine($"  least CPU: AVX-512 {best[true]:F0} ms, AVX2 {best[false]:F0} ms");
    return 0;
}
if (args.Length == 2 && args[0] == "explicit-json") return ExplicitInstance.JsonPhases(args[1]);
if (args.Length == 2 && args[0] == "explicit-core") return ExplicitInstance.SolveCore(args[1]);
if (args.Length is 2 or 3 && args[0] == "ortools-solve") return OrToolsFileSolve.Run(args[1], args.Length == 3 ? args[2] : null);
if (args.Length >= 2 && args[0] == "whole")
{
    var ortools = args.Contains("--ortools");
    var exhaustive = args.Contains("--exhaustive");
    int Arg(string name, int fallback) => Array.IndexOf(args, name) is var at && at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
    WholeRun.Options = new PoolSolveOptions(Arg("--k", 6), Arg("--kk", 0), exhaustive);
    WholeRun.Fair = args.Contains("--fair");
    WholeRun.Narrow = args.Contains("--avx2");
    if (args.Contains("--trace"))
    {
        // Per-round diagnostics of the pool solver (solve and check times, phases, pairs rescored).
        var since = Stopwatch.StartNew();
        PoolSolver.Trace = line => Console.WriteLine($"        [{since.ElapsedMilliseconds,6} ms, CPU {WholeRun.Cpu():F0} ms, GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms] {line}");
    }
    return WholeRun.Run(args[1].ToUpperInvariant(), ortools, exhaustive);
}
BenchmarkSwitcher.FromAssembly(typeof(WholeRun).Assembly).Run(args);
return 0;

/// <summary>One timed run of a whole benchmark, with peak working set, as a separate process per figure.</summary>
internal static class WholeRun
{
    public static PoolSolveOptions Options { get; set; } = new();

    /// <summary>Whether the feature kernel keeps to its AVX2 loop on a processor with AVX-512 (as on one without).</summary>
    public static bool Narrow { get; set; }

    /// <summary>Whether A and E use the max-min-then-score objective.</summary>
    public static bool Fair { get; set; }

    public static int Run(string which, bool ortools, bool exhaustive)
    {
        Console.WriteLine($"{which}: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(ortools ? "with" : "without")} OR-Tools");
        switch (which)
        {
            case "A":
            case "G":
            case "E":
            {
                // G (issue 14): A's generator at 40,000 x 10,000, 4 x A's pairs, between A and E.
                var (mentees, mentors, cap) = which switch { "A" => (20_000, 5_000, 4), "G" => (40_000, 10_000, 4), _ => (100_000, 20_000, 5) };
                var sw = Stopwatch.StartNew();
                var (scorer, caps) = Workloads.FeaturePool(mentees, mentors, cap);
                if (Narrow) scorer.UseWideKernel = false;
                Console.WriteLine($"  scoring kernel: {(scorer.UseWideKernel ? "AVX-512" : "AVX2")}");
                Console.WriteLine($"  pool generated and compiled to bitsets: {sw.ElapsedMilliseconds} ms (participants' features; not in the figure below)");
                Report("before solve");
                sw.Restart();
                var cpu0 = Cpu();
                var pool = new PoolProblem(scorer, caps, Fair ? MatchingObjective.MaxMinThenScore : MatchingObjective.MaxMatchedThenScore);
                var r = OptimalAssignment.Solve(pool, Options);
                var ms = sw.Elapsed.TotalMilliseconds;
                Console.WriteLine($"  ours{(Fair ? " (max-min-then-score)" : "")}: certified optimum in {ms:F0} ms wall, {Cpu() - cpu0:F0} ms CPU (scoring {(long)mentees * mentors:N0} pairs included)");
                var lowest = r.ScoreOfMentee.Where((_, i) => r.MentorOfMentee[i] >= 0).DefaultIfEmpty().Min();
                Console.WriteLine($"        lowest pair score {lowest}, {r.ScoreOfMentee.Count(x => x == lowest):N0} pairs at it");
                if (r.Fairness is { } f)
                {
                    Console.WriteLine($"        lowest score {f.LowestScore}, matched besides locks {f.FreeMatched:N0}, threshold checks {f.ThresholdChecks}, cover rounds {f.CoverRounds}, cover sizes {f.MatchedCover.Size:N0} / {f.AboveCover?.Size:N0}");
                    sw.Restart();
                    cpu0 = Cpu();
                    var failure = FairnessProof.Check(pool, r);
                    Console.WriteLine($"        proof checked again from scratch in {sw.ElapsedMilliseconds} ms wall, {Cpu() - cpu0:F0} ms CPU: {failure ?? "holds"}");
                }
                Console.WriteLine($"        matched {r.Matched:N0}, total score {r.TotalScore:N0}, optimal {r.Optimal}");
                Console.WriteLine($"        allowed pairs {r.Statistics.PairsConsidered:N0}, working graph {r.Statistics.WorkingPairs:N0}, rounds {r.Statistics.Rounds}, pairs re-checked one by one {r.Statistics.PairsRecheckedExactly:N0}, exhaustive={exhaustive}");
                Console.WriteLine($"        scoring + candidates {r.Statistics.ScoringTime.TotalMilliseconds:F0} ms, exact solves {r.Statistics.SolvingTime.TotalMilliseconds:F0} ms, certificate checks {r.Statistics.CertifyingTime.TotalMilliseconds:F0} ms");
                Report("after solve");
                if (ortools)
                {
                    Console.WriteLine("  OR-Tools on the full graph: building all allowed pairs...");
                    var all = new List<ScoredPair>();
                    var row = new int[scorer.MentorCount];
                    for (var i = 0; i < scorer.MenteeCount; i++)
                    {
                        scorer.ScoreRow(i, row);
                        for (var j = 0; j < row.Length; j++) if (row[j] != PairScores.Forbidden) all.Add(new ScoredPair(i, j, row[j]));
                    }
                    sw.Restart();
                    var weight = Workloads.OrToolsMinCostFlow(new AssignmentProblem(mentees, caps, all), r.Certificate.CardinalityBonus);
                    Console.WriteLine($"  OR-Tools MinCostFlow, full graph: {sw.ElapsedMilliseconds} ms, optimal weight {weight:N0} (ours {r.Certificate.PrimalWeight:N0}, equal: {weight == r.Certificate.PrimalWeight})");
                    Report("after OR-Tools");
                }
                break;
            }
            case "B":
            {
                var (scorer, caps) = Workloads.FeaturePool(20_000, 5_000, 4);
                var pool = new PoolProblem(scorer, caps);
                var pruned = OptimalAssignment.CandidatePairs(pool);
                Console.WriteLine($"  pruned graph of A: {pruned.Pairs.Count:N0} pairs");
                for (var rep = 0; rep < 3; rep++)
                {
                    var sw = Stopwatch.StartNew();
                    var cpu0 = Cpu();
                    var ours = OptimalAssignment.Solve(pruned);
                    var oursMs = sw.Elapsed.TotalMilliseconds;
                    var oursCpu = Cpu() - cpu0;
                    Console.Write($"  run {rep + 1}: ours {oursMs:F0} ms wall / {oursCpu:F0} ms CPU (certificate checked on every pair), weight {ours.Certificate.PrimalWeight:N0}");
                    if (ortools)
                    {
                        sw.Restart();
                        cpu0 = Cpu();
                        var weight = Workloads.OrToolsMinCostFlow(pruned, ours.Certificate.CardinalityBonus);
                        var orMs = sw.Elapsed.TotalMilliseconds;
                        var orCpu = Cpu() - cpu0;
                        Console.Write($"; OR-Tools MinCostFlow {orMs:F0} ms wall / {orCpu:F0} ms CPU (graph build included), weight {weight:N0}, same optimum: {weight == ours.Certificate.PrimalWeight}, ratio wall {orMs / oursMs:F1}x, CPU {orCpu / oursCpu:F1}x");
                    }
                    Console.WriteLine();
                }
                break;
            }
            case "C":
            {
                var n = 4000;
                var matrix = Workloads.Dense(n);
                Report("matrix built");
                for (var rep = 0; rep < 2; rep++)
                {
                    var sw = Stopwatch.StartNew();
                    var cpu0 = Cpu();
                    var ours = OptimalAssignment.Solve(new PoolProblem(matrix, Enumerable.Repeat(1, n).ToArray()));
                    var oursMs = sw.Elapsed.TotalMilliseconds;
                    var oursCpu = Cpu() - cpu0;
                    Console.Write($"  run {rep + 1}: ours {oursMs:F0} ms wall / {oursCpu:F0} ms CPU, total {ours.TotalScore:N0}, matched {ours.Matched}, rounds {ours.Statistics.Rounds}, re-checked {ours.Statistics.PairsRecheckedExactly:N0}");
                    if (ortools)
                    {
                        sw.Restart();
                        cpu0 = Cpu();
                        var best = Workloads.OrToolsLinearSumAssignment(matrix);
                        var orMs = sw.Elapsed.TotalMilliseconds;
                        var orCpu = Cpu() - cpu0;
                        Console.Write($"; OR-Tools LinearSumAssignment {orMs:F0} ms wall / {orCpu:F0} ms CPU (arc building included), total {best:N0}, same optimum: {best == ours.TotalScore}, ratio wall {orMs / oursMs:F1}x, CPU {orCpu / oursCpu:F1}x");
                    }
                    Console.WriteLine();
                }
                Report("end");
                break;
            }
            default:
                Console.Error.WriteLine("unknown benchmark; use A, B, C, E or G");
                return 2;
        }
        return 0;
    }

    /// <summary>Process CPU time in ms: less sensitive than wall time when other work shares the machine.</summary>
    internal static double Cpu()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalMilliseconds;
    }

    private static void Report(string when)
    {
        using var p = Process.GetCurrentProcess();
        Console.WriteLine($"  [{when}] CPU {Cpu():F0} ms, peak working set {p.PeakWorkingSet64 / (1024 * 1024):N0} MB, GC heap {GC.GetTotalMemory(false) / (1024 * 1024):N0} MB, collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");
    }
}
