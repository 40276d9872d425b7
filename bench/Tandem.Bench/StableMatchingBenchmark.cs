using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Tandem.Matching;

namespace Tandem.Bench;

/// <summary>
/// D: stable matching at national residency scale — 45,000 applicants, 6,400 programs, 41,500 positions,
/// 12-entry applicant lists. The measured call is the public <see cref="StableMatching.Solve"/>: input
/// validation, mentee-proposing deferred acceptance and the independent blocking-pair check.
/// The cold job measures the first call in each of five fresh processes (JIT included), as `tandem solve` sees it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(id: "Steady")]
[SimpleJob(RunStrategy.ColdStart, launchCount: 5, warmupCount: 0, iterationCount: 1, id: "Cold")]
public class StableMatchingBenchmark
{
    private StableProblem problem = null!;
    private int[] assignment = null!;

    /// <summary>Builds the instance once (about 0.3 s, not measured); the solver is not called, so the cold job
    /// really measures a first call.</summary>
    [GlobalSetup(Target = nameof(Solve))]
    public void SetupSolve() => problem = StableResidencyInstance.Create();

    /// <summary>Builds the instance and solves it once, to have an assignment to check.</summary>
    [GlobalSetup(Target = nameof(FindBlockingPairs))]
    public void SetupCheck()
    {
        problem = StableResidencyInstance.Create();
        var result = StableMatching.Solve(problem);
        if (!result.IsStable)
        {
            throw new InvalidOperationException("D: the result is not stable.");
        }
        assignment = result.MentorOfMentee;
    }

    /// <summary>The whole solve, as `tandem solve` and the app call it.</summary>
    [Benchmark]
    public StableResult Solve() => StableMatching.Solve(problem);

    /// <summary>Only the independent stability check of a given assignment (included in <see cref="Solve"/>).</summary>
    [Benchmark]
    public int FindBlockingPairs() => StableMatching.FindBlockingPairs(problem, assignment).Count;
}

/// <summary>A residency-match-sized stable matching instance, generated deterministically from a seed.</summary>
public static class StableResidencyInstance
{
    /// <summary>
    /// Program quality drives popularity and sizes are skewed (many small programs, a few large ones).
    /// Each applicant lists <paramref name="listLength"/> distinct programs drawn by popularity and ranks them by
    /// quality plus personal taste; each program ranks about 90% of its applicants (the rest are not acceptable)
    /// by applicant strength plus program-specific fit.
    /// </summary>
    public static StableProblem Create(
        int applicants = 45_000, int programs = 6_400, int positions = 41_500, int listLength = 12, int seed = 2026)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

        var quality = new double[programs];
        var popularity = new double[programs];
        var sizeWeight = new double[programs];
        double totalSizeWeight = 0;
        for (var j = 0; j < programs; j++)
        {
            quality[j] = Normal();
            popularity[j] = Math.Exp(0.8 * quality[j]);
            sizeWeight[j] = Math.Exp(0.7 * Normal());
            totalSizeWeight += sizeWeight[j];
        }
        var capacities = new int[programs];
        var assigned = 0;
        for (var j = 0; j < programs; j++)
        {
            capacities[j] = Math.Max(1, (int)(positions * sizeWeight[j] / totalSizeWeight));
            assigned += capacities[j];
        }
        while (assigned != positions)
        {
            var j = random.Next(programs);
            if (assigned < positions)
            {
                capacities[j]++;
                assigned++;
            }
            else if (capacities[j] > 1)
            {
                capacities[j]--;
                assigned--;
            }
        }

        var cumulative = new double[programs];
        double running = 0;
        for (var j = 0; j < programs; j++)
        {
            running += popularity[j];
            cumulative[j] = running;
        }
        var strength = new double[applicants];
        var applicantLists = new int[applicants][];
        var appliedTo = new List<int>[programs];
        for (var j = 0; j < programs; j++)
        {
            appliedTo[j] = [];
        }
        var chosen = new HashSet<int>();
        var utility = new double[listLength];
        var descending = Comparer<double>.Create(static (a, b) => b.CompareTo(a));
        for (var i = 0; i < applicants; i++)
        {
            strength[i] = Normal();
            chosen.Clear();
            while (chosen.Count < listLength)
            {
                var at = Array.BinarySearch(cumulative, random.NextDouble() * running);
                chosen.Add(at < 0 ? Math.Min(~at, programs - 1) : at);
            }
            var list = chosen.ToArray();
            for (var r = 0; r < list.Length; r++)
            {
                utility[r] = quality[list[r]] + Normal();
            }
            Array.Sort(utility, list, descending);
            applicantLists[i] = list;
            foreach (var j in list)
            {
                appliedTo[j].Add(i);
            }
        }

        var programLists = new int[programs][];
        for (var j = 0; j < programs; j++)
        {
            var ranked = appliedTo[j].Where(_ => random.Next(10) > 0).ToArray();
            var fit = ranked.Select(i => strength[i] + 0.7 * Normal()).ToArray();
            Array.Sort(fit, ranked, descending);
            programLists[j] = ranked;
        }
        return new StableProblem(applicantLists, programLists, capacities);
    }
}
