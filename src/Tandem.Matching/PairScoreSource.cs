namespace Tandem.Matching;

/// <summary>
/// Scores of every mentee–mentor pair of a pool, produced one mentee at a time so that a pool of
/// 100 million pairs never has to be held in memory.
/// </summary>
public interface IPairScoreSource
{
    /// <summary>Number of mentees.</summary>
    int MenteeCount { get; }

    /// <summary>Number of mentors.</summary>
    int MentorCount { get; }

    /// <summary>
    /// Writes the score of <paramref name="mentee"/> with every mentor into <paramref name="scores"/>
    /// (length <see cref="MentorCount"/>): an integer of magnitude below 2^30, or
    /// <see cref="PairScores.Forbidden"/> when a hard rule forbids the pair. Must be safe to call
    /// from several threads at once for different mentees.
    /// </summary>
    /// <param name="mentee">Index of the mentee.</param>
    /// <param name="scores">Destination, one entry per mentor.</param>
    void ScoreRow(int mentee, Span<int> scores);

    /// <summary>
    /// Writes the score of every mentee with <paramref name="mentor"/> into <paramref name="scores"/>
    /// (length <see cref="MenteeCount"/>), as <see cref="ScoreRow"/> would. The default scores every row,
    /// so sources should override it when they can do better.
    /// </summary>
    /// <param name="mentor">Index of the mentor.</param>
    /// <param name="scores">Destination, one entry per mentee.</param>
    void ScoreColumn(int mentor, Span<int> scores)
    {
        var row = new int[MentorCount];
        for (var i = 0; i < MenteeCount; i++)
        {
            ScoreRow(i, row);
            scores[i] = row[mentor];
        }
    }
}

/// <summary>
/// A score source that can score a few consecutive mentors of one mentee without scoring the whole row:
/// the certificate check asks for the blocks its compact score cache cannot settle.
/// </summary>
internal interface IRangeScoreSource
{
    /// <summary>Writes the scores of <paramref name="mentee"/> with mentors <c>from .. from + scores.Length - 1</c>, as <see cref="IPairScoreSource.ScoreRow"/> would.</summary>
    void ScoreRange(int mentee, int from, Span<int> scores);
}

/// <summary>Constants shared by score sources.</summary>
public static class PairScores
{
    /// <summary>Marks a forbidden pair in a score row.</summary>
    public const int Forbidden = int.MinValue;

    /// <summary>Largest score magnitude a source may produce.</summary>
    public const int MaxMagnitude = (1 << 30) - 1;
}

/// <summary>A dense score matrix (row per mentee) as a score source; handy for tests and dense benchmarks.</summary>
public sealed class DenseScoreMatrix : IPairScoreSource, IRangeScoreSource
{
    private readonly int[] _scores;

    /// <summary>Wraps a row-major matrix of <paramref name="menteeCount"/> x <paramref name="mentorCount"/> scores.</summary>
    /// <param name="menteeCount">Number of rows.</param>
    /// <param name="mentorCount">Number of columns.</param>
    /// <param name="rowMajorScores">The scores; <see cref="PairScores.Forbidden"/> marks a forbidden pair.</param>
    public DenseScoreMatrix(int menteeCount, int mentorCount, int[] rowMajorScores)
    {
        if (rowMajorScores.Length != (long)menteeCount * mentorCount)
            throw new ArgumentException("The matrix must hold menteeCount x mentorCount scores.", nameof(rowMajorScores));
        MenteeCount = menteeCount;
        MentorCount = mentorCount;
        _scores = rowMajorScores;
    }

    /// <inheritdoc />
    public int MenteeCount { get; }

    /// <inheritdoc />
    public int MentorCount { get; }

    /// <summary>Score of one pair (or <see cref="PairScores.Forbidden"/>).</summary>
    /// <param name="mentee">Row.</param>
    /// <param name="mentor">Column.</param>
    public int this[int mentee, int mentor] => _scores[(long)mentee * MentorCount + mentor];

    /// <inheritdoc />
    public void ScoreRow(int mentee, Span<int> scores) =>
        _scores.AsSpan((int)((long)mentee * MentorCount), MentorCount).CopyTo(scores);

    /// <inheritdoc />
    public void ScoreColumn(int mentor, Span<int> scores)
    {
        for (var i = 0; i < MenteeCount; i++) scores[i] = _scores[(long)i * MentorCount + mentor];
    }

    void IRangeScoreSource.ScoreRange(int mentee, int from, Span<int> scores) =>
        _scores.AsSpan((int)((long)mentee * MentorCount + from), scores.Length).CopyTo(scores);
}
