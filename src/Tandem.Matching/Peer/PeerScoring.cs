namespace Tandem.Matching;

/// <summary>
/// How two peers score as a pair: the one rule of the app's peer programs and of the problem JSON's
/// <c>peer-pairs</c> and <c>peer-groups</c> objectives (docs/formats.md, decision record 13). In a peer
/// pool each person both seeks and offers, so a pair has two directions, A seeking from B and B
/// seeking from A, each scored and checked against the hard rules as a mentee and a mentor would be.
/// The pair is allowed when at least one direction passes the hard rules, and its score is the sum of
/// the directions that pass.
/// </summary>
/// <remarks>
/// The sum counts what both people gain: a pair in which each helps the other outscores one in which
/// only one is helped, which the larger of the two directions would rank equal. One passing direction
/// is enough because hard rules written for a one-way exchange (a "gap" of one to three school years,
/// skills sought against skills offered) can hold only one way round; asking both ways would forbid
/// every pair under a gap rule, while symmetric rules (same language, shared free time) give the same
/// answer under either reading.
/// </remarks>
public static class PeerScoring
{
    /// <summary>Scores a peer pair from its two directions.</summary>
    /// <param name="aFromB">Score of A seeking from B (<see cref="PairScores.Forbidden"/> when a hard rule fails).</param>
    /// <param name="bFromA">Score of B seeking from A (<see cref="PairScores.Forbidden"/> when a hard rule fails).</param>
    /// <returns>The sum when both directions pass, the passing direction's score when one does, <see cref="PairScores.Forbidden"/> when neither does.</returns>
    public static int Combine(int aFromB, int bFromA) =>
        aFromB == PairScores.Forbidden ? bFromA
        : bFromA == PairScores.Forbidden ? aFromB
        : aFromB + bFromA;
}
