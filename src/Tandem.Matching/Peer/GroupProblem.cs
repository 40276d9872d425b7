namespace Tandem.Matching;

/// <summary>A study-group formation problem: split one pool into groups with high within-group compatibility.</summary>
/// <param name="PeopleCount">Number of people, indexed 0 .. PeopleCount − 1.</param>
/// <param name="GroupSize">
/// Target group size, at least 2. When PeopleCount is not a multiple of it, some groups are smaller; see
/// <see cref="GroupFormation.GroupSizes"/>.
/// </param>
/// <param name="Score">
/// Symmetric PeopleCount × PeopleCount matrix of pairwise compatibility (higher is better; negative allowed,
/// magnitude at most <see cref="GroupFormation.MaxScoreMagnitude"/>). The diagonal is ignored. A group's score
/// is the sum of the scores of all pairs inside it.
/// </param>
public sealed record GroupProblem(int PeopleCount, int GroupSize, long[,] Score);

/// <summary>The outcome of <see cref="GroupFormation.Solve(GroupProblem)"/>.</summary>
/// <param name="Groups">The groups, each listing its members in ascending order, ordered by first member.</param>
/// <param name="TotalScore">Sum over groups of the scores of all pairs inside a group.</param>
/// <param name="UpperBound">
/// A proven upper bound on the best possible total for the same group sizes. It equals
/// <paramref name="TotalScore"/> when the solver was exact; otherwise it is the degree bound described on
/// <see cref="GroupFormation"/>, and the gap bounds how far from optimal the groups can be.
/// </param>
public sealed record GroupResult(IReadOnlyList<int[]> Groups, long TotalScore, long UpperBound)
{
    /// <summary>True when the total reaches the upper bound, so the grouping is proven optimal.</summary>
    public bool IsProvenOptimal => TotalScore == UpperBound;
}
