using BenchmarkDotNet.Attributes;
using Tandem.Matching;

namespace Tandem.Bench;

/// <summary>
/// BenchmarkDotNet view of benchmarks A, B and C (E is whole-run only: one run is minutes of work).
/// Run: dotnet run -c Release --project bench/Tandem.Bench -- --filter '*MatchingBenchmarks*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class MatchingBenchmarks
{
    private FeatureScorer _scorer = null!;
    private int[] _caps = [];
    private AssignmentProblem _pruned = null!;
    private long _bonus;
    private DenseScoreMatrix _dense = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_scorer, _caps) = Workloads.FeaturePool(20_000, 5_000, 4);
        _pruned = OptimalAssignment.CandidatePairs(new PoolProblem(_scorer, _caps));
        _bonus = OptimalAssignment.Solve(_pruned).Certificate.CardinalityBonus;
        _dense = Workloads.Dense(4_000);
    }

    /// <summary>A: 20,000 x 5,000 pool scored from features, certified optimum (scoring included).</summary>
    [Benchmark]
    public long A_Ours_FeaturePool() => OptimalAssignment.Solve(new PoolProblem(_scorer, _caps)).TotalScore;

    /// <summary>B: the pruned graph of A, ours (with its certificate check).</summary>
    [Benchmark]
    public long B_Ours_PrunedGraph() => OptimalAssignment.Solve(_pruned).TotalScore;

    /// <summary>B: the pruned graph of A, OR-Tools MinCostFlow (graph building included).</summary>
    [Benchmark]
    public long B_OrTools_PrunedGraph() => Workloads.OrToolsMinCostFlow(_pruned, _bonus);

    /// <summary>C: dense 4,000 x 4,000 assignment, ours.</summary>
    [Benchmark]
    public long C_Ours_Dense4000() => OptimalAssignment.Solve(new PoolProblem(_dense, Enumerable.Repeat(1, 4_000).ToArray())).TotalScore;

    /// <summary>C: dense 4,000 x 4,000 assignment, OR-Tools LinearSumAssignment (arc building included).</summary>
    [Benchmark]
    public long C_OrTools_Dense4000() => Workloads.OrToolsLinearSumAssignment(_dense);
}
