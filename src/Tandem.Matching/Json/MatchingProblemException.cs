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

    /// <summary>Creates the exception for a place in the document's text.</summary>
    /// <param name="field">JSON path of the field (empty for the document itself).</param>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="line">Line of the offending token, from 1.</param>
    /// <param name="column">Column of the offending token, in bytes from 1.</param>
    public MatchingProblemException(string field, string message, int line, int column)
        : base($"{(string.IsNullOrEmpty(field) ? "" : $"{field}: ")}{message} (line {line}, column {column})")
    {
        Field = field;
        Reason = message;
        Line = line;
        Column = column;
    }

    /// <summary>JSON path of the offending field, e.g. <c>mentors[2].capacity</c>.</summary>
    public string Field { get; }

    /// <summary>What is wrong, without the field name.</summary>
    public string Reason { get; }

    /// <summary>Line of the offending token, from 1, when the reader knows it (syntax errors and the pairs list).</summary>
    public int? Line { get; }

    /// <summary>Column of the offending token, in bytes from 1, when <see cref="Line"/> is known.</summary>
    public int? Column { get; }
}
