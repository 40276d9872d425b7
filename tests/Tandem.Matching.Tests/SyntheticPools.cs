using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>
/// Reproducible synthetic pools shaped like a school district's: 64 interest values with popular
/// and rare ones, a few blocks of weekly free hours, school years, languages and backgrounds.
/// Shared by the tests and bench/Tandem.Bench (linked there).
/// </summary>
public static class SyntheticPools
{
    /// <summary>The criteria used for synthetic pools: three hard rules (common hour, language, mentor older) and two soft ones.</summary>
    public static readonly Criterion[] Criteria =
    [
        new("interests", CriterionKind.SharedValues, 3, MenteeField: "interests", MentorField: "interests"),
        new("time", CriterionKind.AvailabilityOverlap, 1, Minimum: 1),
        new("language", CriterionKind.SameValue, 0, Required: true, MenteeField: "language", MentorField: "language"),
        new("background", CriterionKind.DifferentValue, 2, MenteeField: "background", MentorField: "background"),
        new("year", CriterionKind.NumericGap, 2, Required: true, MenteeField: "year", MentorField: "year", Minimum: 1, Maximum: 4),
    ];

    private static readonly string[] Interests = Enumerable.Range(0, 64).Select(i => $"interest-{i:00}").ToArray();
    private static readonly string[] Backgrounds = ["a", "b", "c", "d"];

    /// <summary>Builds a pool.</summary>
    public static (List<Participant> Mentees, List<Participant> Mentors, int[] Capacities) Features(int seed, int mentees, int mentors, int minCapacity, int maxCapacity)
    {
        var rng = new Random(seed);
        var es = Enumerable.Range(0, mentees).Select(i => Person(rng, $"e{i}", mentor: false)).ToList();
        var ms = Enumerable.Range(0, mentors).Select(j => Person(rng, $"m{j}", mentor: true)).ToList();
        var caps = Enumerable.Range(0, mentors).Select(_ => rng.Next(minCapacity, maxCapacity + 1)).ToArray();
        return (es, ms, caps);
    }

    private static Participant Person(Random rng, string id, bool mentor)
    {
        var interests = new HashSet<string>();
        var count = rng.Next(3, 9);
        while (interests.Count < count)
        {
            // Skewed popularity: low-numbered interests are more common.
            var x = rng.NextDouble();
            interests.Add(Interests[(int)(x * x * 64)]);
        }
        var slots = new List<int>();
        var blocks = rng.Next(2, 5);
        for (var b = 0; b < blocks; b++)
        {
            var day = rng.Next(0, 7);
            var start = rng.Next(15, 20);
            var len = rng.Next(1, 4);
            for (var h = start; h < Math.Min(24, start + len); h++) slots.Add(day * 24 + h);
        }
        var languages = new List<string> { rng.NextDouble() < 0.85 ? "en" : rng.NextDouble() < 0.7 ? "es" : "fr" };
        if (mentor && rng.NextDouble() < 0.3) languages.Add(rng.NextDouble() < 0.7 ? "es" : "fr");
        var year = mentor ? rng.Next(10, 14) : rng.Next(7, 12);
        return new Participant(id,
            new Dictionary<string, IReadOnlyList<string>>
            {
                ["interests"] = interests.ToArray(),
                ["language"] = languages,
                ["background"] = [Backgrounds[rng.Next(Backgrounds.Length)]],
            },
            slots.Distinct().ToArray(),
            new Dictionary<string, double> { ["year"] = year });
    }

    /// <summary>A sparse explicit problem: each mentee gets a few random allowed mentors with random scores.</summary>
    public static AssignmentProblem Sparse(int seed, int mentees, int mentors, int degree, int minCapacity, int maxCapacity, MatchingObjective objective, int maxScore = 100)
    {
        var rng = new Random(seed);
        var caps = Enumerable.Range(0, mentors).Select(_ => rng.Next(minCapacity, maxCapacity + 1)).ToArray();
        var pairs = new List<ScoredPair>();
        for (var i = 0; i < mentees; i++)
            foreach (var j in Enumerable.Range(0, degree).Select(_ => rng.Next(mentors)).Distinct())
                pairs.Add(new ScoredPair(i, j, rng.Next(-maxScore / 10, maxScore + 1)));
        return new AssignmentProblem(mentees, caps, pairs, objective);
    }
}
