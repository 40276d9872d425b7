namespace Tandem.Features.Matching;

/// <summary>A coordinator's adjustment that every later run of the program's matching honours.</summary>
public enum MatchRuleKind { Lock, Forbid }

/// <summary>A lock (this pair stays together on every re-run) or a prohibition (never propose this pair).</summary>
public sealed class MatchRule
{
    /// <summary>A save that replaces a rule which was removed meanwhile (ADR 111).</summary>
    public const string ChangedMeanwhile = "These rules were changed at the same moment; reload and try again.";

    private MatchRule() { }

    public MatchRule(Guid programId, MatchRuleKind kind, Guid firstEnrolmentId, Guid secondEnrolmentId, Guid by, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Kind = kind;
        FirstEnrolmentId = firstEnrolmentId;
        SecondEnrolmentId = secondEnrolmentId;
        CreatedByUserId = by;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public MatchRuleKind Kind { get; private set; }

    /// <summary>The mentor (or the first peer).</summary>
    public Guid FirstEnrolmentId { get; private set; }

    /// <summary>The mentee (or the second peer).</summary>
    public Guid SecondEnrolmentId { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
}
