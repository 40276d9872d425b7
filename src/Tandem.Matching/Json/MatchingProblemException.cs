namespace Tandem.Matching;

/// <summary>A matching problem document is malformed; <see cref="Field"/> names the offending field.</summary>
public sealed class MatchingProblemException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">JSON path of the field, e.g. <c>pairs[3].score</c> (empty for the document itself).</param>
    /// <param name="message">What is wrong with it.</param>
    public MatchingProblemException(string field, string message)
        : base(string.IsNullOrEmpty(field) ? message : $"{field}: {message}")
    {
        Field = field;
        Reason = message;
    }

    /// <summary>JSON path of the offending field, e.g. <c>mentors[2].capacity</c>.</summary>
    public string Field { get; }

    /// <summary>What is wrong, without the field name.</summary>
    public string Reason { get; }
}
