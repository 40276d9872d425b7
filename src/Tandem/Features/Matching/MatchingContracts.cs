using System.ComponentModel.DataAnnotations;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Matching;

public sealed record PersonRef(Guid EnrolmentId, Guid UserId, string Name, ProgramRole Role);

public sealed record DraftFigures(int Matched, int Unmatched, double AverageScore, int PairsSharingFreeTime, int Proposals);

/// <param name="MenteeChoice">A stable match: which of the mentee's choices the mentor is (1 = first); null for other goals.</param>
/// <param name="MentorChoice">A stable match: which of the mentor's choices the mentee is.</param>
/// <param name="ChoiceNote">A stable match: why neither got a better choice, naming the candidates they ranked higher (coordinators only).</param>
public sealed record ProposalView(
    Guid Id, int GroupNumber, PersonRef First, PersonRef Second, long Score, bool Locked, IReadOnlyList<ProposalCriterion> Explanation,
    int? MenteeChoice = null, int? MentorChoice = null, string? ChoiceNote = null)
{
    public string Summary => string.Join("; ", Explanation.Select(c => c.Text));

    /// <summary>The most this pair could score under the setup: <see cref="Score"/> reads "of <c>Possible</c>".</summary>
    public long Possible => ScoreScale.Possible(Explanation);
}

public sealed record MatchRuleView(Guid Id, MatchRuleKind Kind, PersonRef First, PersonRef Second, DateTime CreatedAt);

public enum DraftChange { Kept, Changed, New, Dropped }

/// <summary>One person whose match differs from the previous draft (or stayed, for <see cref="DraftChange.Kept"/> counts).</summary>
public sealed record DraftChangeView(PersonRef Person, DraftChange Change, IReadOnlyList<string> Before, IReadOnlyList<string> After);

public sealed record DraftComparison(int PreviousNumber, int Kept, int Changed, int New, int Dropped, IReadOnlyList<DraftChangeView> Changes);

/// <summary>
/// A draft. <see cref="UnmatchedPeople"/> holds the first <see cref="GetMatchDraft.DefaultPageSize"/> people left over
/// (<c>Figures.Unmatched</c> counts them all; <c>…/drafts/{id}/unmatched</c> pages through the rest). <see cref="Proof"/>
/// says whether the draft is proven optimal and what that means; <c>…/drafts/{id}/certificate</c> has the proof itself.
/// </summary>
public sealed record MatchDraftView(
    Guid Id, Guid ProgramId, string ProgramName, PairingModel Pairing, int Number, MatchDraftStatus Status,
    DateTime CreatedAt, DateOnly? StartsOn, DateTime? PublishedAt, IReadOnlyList<SetupCriterion> Criteria, DraftFigures Figures,
    Paged<ProposalView> Proposals, IReadOnlyList<UnmatchedPerson> UnmatchedPeople, IReadOnlyList<MatchRuleView> Rules, DraftComparison? Comparison,
    DraftProof Proof);

/// <summary>Whether a draft is proven optimal, with the sentence the page shows.</summary>
/// <param name="LowestScore">With the goal "raise the worst-off first": the lowest pair score, proven the highest possible.</param>
/// <param name="FairnessStatement">With that goal: what the fairness proof says, in a sentence.</param>
public sealed record DraftProof(bool ProvenOptimal, long TotalScore, string Statement, MatchingGoal Goal = MatchingGoal.BestTotal,
    long? LowestScore = null, string? FairnessStatement = null, string? GroupStatement = null);

/// <summary>
/// The engine's certificate for a mentor–mentee draft: a value per mentee and per mentor (by enrolment id) such that for
/// every allowed pair of the pool, mentee value + mentor value ≥ score + <see cref="CardinalityBonus"/>, with equality on
/// every proposed pair; so <see cref="DualObjective"/> (the sum of the values and capacities) bounds any assignment, and it
/// equals <see cref="PrimalWeight"/>, the draft's own weight (its total score plus the bonus per matched mentee).
/// </summary>
public sealed record MatchCertificateView(
    Guid DraftId, bool ProvenOptimal, long CardinalityBonus, long PrimalWeight, long DualObjective, long PairsChecked,
    IReadOnlyDictionary<Guid, long> MenteeValues, IReadOnlyDictionary<Guid, long> MentorValues, string Statement);

public sealed record CandidateView(PersonRef Person, long Score, bool Allowed, bool ForbiddenByCoordinator, IReadOnlyList<ProposalCriterion> Explanation)
{
    public string Summary => string.Join("; ", Explanation.Select(c => c.Text));

    /// <summary>The most this pair could score under the setup: <see cref="Score"/> reads "of <c>Possible</c>".</summary>
    public long Possible => ScoreScale.Possible(Explanation);
}

public sealed record CandidatesView(PersonRef Person, IReadOnlyList<CandidateView> Candidates);

public sealed class MatchRuleRequest
{
    [Required]
    public MatchRuleKind? Kind { get; set; }

    /// <summary>The mentor's enrolment (or the first peer's).</summary>
    [Required]
    public Guid? FirstEnrolmentId { get; set; }

    /// <summary>The mentee's enrolment (or the second peer's).</summary>
    [Required]
    public Guid? SecondEnrolmentId { get; set; }
}

public sealed class AssignRequest
{
    [Required]
    public Guid? FirstEnrolmentId { get; set; }

    [Required]
    public Guid? SecondEnrolmentId { get; set; }
}

public sealed class SwapRequest
{
    [Required]
    public Guid? FirstProposalId { get; set; }

    [Required]
    public Guid? SecondProposalId { get; set; }
}

public sealed class PublishRequest
{
    [Required]
    public DateOnly? StartsOn { get; set; }

    /// <summary>Also move the program from matching to running, in the same transaction (the publish confirmation offers it).</summary>
    public bool StartProgram { get; set; }
}

public sealed record PublishResult(Guid DraftId, int Relationships, int PeopleNotified, DateOnly StartsOn)
{
    /// <summary>The program's status after publishing (running when asked to start it from matching).</summary>
    public ProgramStatus ProgramStatus { get; init; }
}

/// <summary>Study groups: at least <see cref="AtLeast"/> different answers to a question in every group.</summary>
public sealed class MixInput
{
    [Required, MaxLength(100)]
    public string QuestionId { get; set; } = "";

    [Range(2, 12)]
    public int AtLeast { get; set; } = 2;
}

public sealed class CriterionInput
{
    [Required, StringLength(60, MinimumLength = 1)]
    public string Name { get; set; } = "";

    [Required]
    public CriterionKind? Kind { get; set; }

    /// <summary>The question read on the mentee's (or peer's) form.</summary>
    [Required, StringLength(40, MinimumLength = 1)]
    public string QuestionId { get; set; } = "";

    /// <summary>The question read on the mentor's form when it differs (e.g. skills offered against skills sought).</summary>
    [StringLength(40)]
    public string? MentorQuestionId { get; set; }

    [Range(-1000, 1000)]
    public int Weight { get; set; } = 1;

    /// <summary>A hard rule: pairs that fail it are never proposed.</summary>
    public bool Required { get; set; }

    /// <summary>Least count (shared values, common free hours: a hard rule when set) or least gap (numeric gap).</summary>
    [Range(-1000, 1000)]
    public double? Minimum { get; set; }

    /// <summary>Greatest gap (numeric gap).</summary>
    [Range(-1000, 1000)]
    public double? Maximum { get; set; }
}

public sealed class SaveMatchingSetupRequest
{
    [Required, MaxLength(30, ErrorMessage = "A setup has at most 30 criteria.")]
    public List<CriterionInput> Criteria { get; set; } = [];

    /// <summary>Peer programs: 2 forms pairs, more forms study groups of that size.</summary>
    [Range(2, 12)]
    public int GroupSize { get; set; } = 2;

    /// <summary>Mentor–mentee programs: the greatest total (default) or the worst-off raised first.</summary>
    public MatchingGoal Goal { get; set; } = MatchingGoal.BestTotal;

    /// <summary>Study groups only: a mix every group should have.</summary>
    public MixInput? Mix { get; set; }
}

public sealed record SetupQuestionView(string Id, ProgramRole Role, string Prompt, QuestionType Type, bool Private, CriterionKind? Criterion);

/// <summary>How many pairs of the current pool one hard rule forbids on its own.</summary>
public sealed record HardRulePreview(string Criterion, string Rule, long ForbiddenPairs);

public sealed record MatchingPreview(int Mentees, int Mentors, long Pairs, IReadOnlyList<HardRulePreview> HardRules, long ForbiddenByAllRules);

public sealed record MatchingSetupView(
    Guid ProgramId, string ProgramName, PairingModel Pairing, bool IsDefault, int GroupSize,
    IReadOnlyList<SetupCriterion> Criteria, IReadOnlyList<SetupQuestionView> Questions, MatchingPreview Preview, MatchingGoal Goal = MatchingGoal.BestTotal,
    MixInput? Mix = null);
