namespace Tandem.Matching;

/// <summary>A possible pairing of two people in one peer pool, with its compatibility score.</summary>
/// <param name="A">Index of one person (0 ≤ A &lt; PeopleCount).</param>
/// <param name="B">Index of the other person; different from <paramref name="A"/>.</param>
/// <param name="Score">
/// Compatibility of the pair; higher is better. Only positive scores are worth taking. The magnitude may be
/// at most <see cref="PeerPairing.MaxScoreMagnitude"/>.
/// </param>
public sealed record PeerEdge(int A, int B, long Score);

/// <summary>A peer pairing problem: one pool of people, any two of whom may be paired if an edge allows it.</summary>
/// <param name="PeopleCount">Number of people, indexed 0 .. PeopleCount − 1.</param>
/// <param name="Edges">The allowed pairs; a pair not listed is forbidden. No pair may be listed twice.</param>
public sealed record PeerPairProblem(int PeopleCount, IReadOnlyList<PeerEdge> Edges);

/// <summary>The outcome of <see cref="PeerPairing.Solve"/>.</summary>
/// <param name="Pairs">The chosen edges (as given in the problem), ordered by their smaller person index.</param>
/// <param name="TotalScore">Sum of the scores of <paramref name="Pairs"/>.</param>
/// <param name="UpperBound">
/// The objective of a feasible dual solution (Edmonds' matching polytope): no pairing of this pool can score
/// more. The solver checks the dual against every edge before returning, and it equals
/// <paramref name="TotalScore"/>, which proves the pairing optimal.
/// </param>
public sealed record PeerPairResult(IReadOnlyList<PeerEdge> Pairs, long TotalScore, long UpperBound)
{
    /// <summary>True when the total score reaches the upper bound, i.e. the pairing is proven optimal.</summary>
    public bool IsOptimal => TotalScore == UpperBound;
}
