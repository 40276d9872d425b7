namespace Tandem.Features.Relationships;

/// <summary>When a program's training requirement is checked (ADR 61).</summary>
public enum TrainingGateStage
{
    /// <summary>Being put into a matching pool, offered as a mentor, or chosen: only programs that require training before matching.</summary>
    Matching,

    /// <summary>A relationship starting: programs that require training before matching or before the relationship starts.</summary>
    Start,
}

/// <summary>
/// Which participants of a program have not yet passed the training modules their program requires at a stage (ADR 61).
/// Training answers this (<c>Training/TrainingGate.cs</c>), so that matching and every way of starting a relationship
/// can refuse the untrained without Relationships or Matching reading Training's tables.
/// </summary>
public interface ITrainingGate
{
    /// <summary>
    /// Per enrolment held back at this stage, the titles of the required modules it has not passed (absent when nothing
    /// is missing). <paramref name="enrolmentIds"/> narrows the answer; null asks about everyone enrolled in the program.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<string>>> MissingAsync(Guid programId, TrainingGateStage stage, IReadOnlyCollection<Guid>? enrolmentIds, CancellationToken ct);
}
