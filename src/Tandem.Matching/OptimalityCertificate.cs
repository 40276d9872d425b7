namespace Tandem.Matching;

/// <summary>
/// A proof that an assignment is optimal: a feasible solution of the dual linear program whose
/// value equals the assignment's value.
/// </summary>
/// <remarks>
/// <para>The solver works with pair weights <c>w = score + CardinalityBonus</c>; the bonus is 0 for
/// <see cref="MatchingObjective.MaxScore"/> and, for <see cref="MatchingObjective.MaxMatchedThenScore"/>,
/// large enough that one more matched mentee always outweighs any difference in total score.</para>
/// <para>The certificate holds when, for the mentees and mentor capacities left after locked pairs:
/// every dual is non-negative; <c>u[mentee] + v[mentor] &gt;= w</c> for every allowed pair, including
/// pairs the solver never put in its working graph; equality holds on every assigned pair; an
/// unmatched mentee has <c>u = 0</c>; a mentor with free capacity has <c>v = 0</c>. By linear
/// programming duality no assignment can then have a greater total weight.</para>
/// </remarks>
public sealed class OptimalityCertificate
{
    internal OptimalityCertificate(long[] menteeDuals, long[] mentorDuals, long cardinalityBonus, long primalWeight, long dualObjective, bool verified)
    {
        MenteeDuals = menteeDuals;
        MentorDuals = mentorDuals;
        CardinalityBonus = cardinalityBonus;
        PrimalWeight = primalWeight;
        DualObjective = dualObjective;
        Verified = verified;
    }

    /// <summary>Dual value <c>u</c> of each mentee (0 for mentees in locked pairs, which are fixed).</summary>
    public IReadOnlyList<long> MenteeDuals { get; }

    /// <summary>Dual value <c>v</c> of each mentor (the price of one of its remaining places).</summary>
    public IReadOnlyList<long> MentorDuals { get; }

    /// <summary>The constant added to every pair's score to make matching more mentees dominate (0 for max-score).</summary>
    public long CardinalityBonus { get; }

    /// <summary>Total weight (score plus bonus) of the assigned pairs that are not locked.</summary>
    public long PrimalWeight { get; }

    /// <summary>Value of the dual solution: sum of mentee duals plus each mentor dual times its remaining capacity.</summary>
    public long DualObjective { get; }

    /// <summary>Whether every condition was checked and held (the primal weight equals the dual objective).</summary>
    public bool Verified { get; }
}
