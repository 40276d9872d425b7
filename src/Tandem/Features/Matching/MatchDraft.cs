using System.Text.Json;
using Tandem.Features.Programs;

namespace Tandem.Features.Matching;

public enum MatchDraftStatus { Draft, Published, Superseded }

/// <summary>Where a draft's pairs came from: a run of the engine, or a result solved elsewhere and imported.</summary>
public enum MatchDraftSource { Engine, Imported }

/// <summary>A person the draft leaves without a match, and why.</summary>
public sealed record UnmatchedPerson(Guid EnrolmentId, Guid UserId, string Name, ProgramRole Role, string Reason);

/// <summary>
/// The result of one run of pool matching: proposals the coordinator reviews, adjusts (locks, prohibitions,
/// re-runs) and finally publishes. A re-run supersedes the previous draft and keeps a link to it for comparison.
/// </summary>
public sealed class MatchDraft
{
    private MatchDraft() { }

    public MatchDraft(Guid programId, int number, Guid? previousDraftId, IReadOnlyList<SetupCriterion> criteria, int groupSize, Guid by, DateTime at,
        MatchDraftSource source = MatchDraftSource.Engine)
    {
        Source = source;
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Number = number;
        PreviousDraftId = previousDraftId;
        CriteriaJson = JsonSerializer.Serialize(criteria, MatchSetup.Json);
        GroupSize = groupSize;
        Status = MatchDraftStatus.Draft;
        CreatedByUserId = by;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public int Number { get; private set; }
    public Guid? PreviousDraftId { get; private set; }
    public MatchDraftStatus Status { get; private set; }
    public MatchDraftSource Source { get; private set; }

    /// <summary>The criteria this draft was computed with (a copy: the setup may change afterwards).</summary>
    public string CriteriaJson { get; private set; } = "[]";
    public int GroupSize { get; private set; }

    /// <summary>People matched on the seeking side (mentees; every peer in a peer program).</summary>
    public int Matched { get; private set; }
    public int Unmatched { get; private set; }
    public double AverageScore { get; private set; }
    public int PairsSharingFreeTime { get; private set; }

    /// <summary>The total score of the proposals.</summary>
    public long TotalScore { get; private set; }

    /// <summary>
    /// True when the engine proved this draft optimal: a certificate (<see cref="MatchDraftCertificate"/>) shows no other
    /// assignment of the same pool, rules and setup matches more people, or as many with a higher total score.
    /// </summary>
    public bool ProvenOptimal { get; private set; }

    /// <summary>What the run optimised; with <see cref="MatchingGoal.RaiseWorstOff"/>, the lowest pair score it proved and the proof's sentence.</summary>
    public MatchingGoal Goal { get; private set; }
    public long? LowestScore { get; private set; }
    public string? FairnessStatement { get; private set; }

    /// <summary>Study groups: the distance from the proven bound and, with a mix, how many groups have it.</summary>
    public string? GroupStatement { get; private set; }

    public void RecordGroups(string? statement) => GroupStatement = statement;

    /// <summary>A stable match: that no pair would both rather be together (checked), and how many got their first choice.</summary>
    public string? StabilityStatement { get; private set; }

    public void RecordStability(string statement)
    {
        Goal = MatchingGoal.Stable;
        StabilityStatement = statement;
    }

    /// <summary>The comparison with the previous draft, worked out once when the draft was made (null for the first draft).</summary>
    public string? ComparisonJson { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? PublishedAt { get; private set; }
    public DateOnly? StartsOn { get; private set; }
    public List<MatchProposal> Proposals { get; private set; } = [];

    public IReadOnlyList<SetupCriterion> Criteria() => MatchSetup.ParseCriteria(CriteriaJson);

    public DraftComparison? Comparison() =>
        ComparisonJson is null ? null : JsonSerializer.Deserialize<DraftComparison>(ComparisonJson, MatchSetup.Json);

    public void RecordFairness(MatchingGoal goal, long? lowestScore, string? statement)
    {
        Goal = goal;
        LowestScore = lowestScore;
        FairnessStatement = statement;
    }

    public void Record(int matched, int unmatched, double averageScore, int sharingFreeTime, long totalScore, bool provenOptimal, DraftComparison? comparison)
    {
        Matched = matched;
        Unmatched = unmatched;
        AverageScore = averageScore;
        PairsSharingFreeTime = sharingFreeTime;
        TotalScore = totalScore;
        ProvenOptimal = provenOptimal;
        ComparisonJson = comparison is null ? null : JsonSerializer.Serialize(comparison, MatchSetup.Json);
    }
}

/// <summary>A person a draft leaves without a match, and why (one row each, so the list pages at any size).</summary>
public sealed class UnmatchedEntry
{
    private UnmatchedEntry() { }

    public UnmatchedEntry(Guid draftId, int position, UnmatchedPerson person)
    {
        Id = Guid.CreateVersion7();
        DraftId = draftId;
        Position = position;
        EnrolmentId = person.EnrolmentId;
        UserId = person.UserId;
        Name = person.Name;
        Role = person.Role;
        Reason = person.Reason;
    }

    public Guid Id { get; private set; }
    public Guid DraftId { get; private set; }
    public int Position { get; private set; }
    public Guid EnrolmentId { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public ProgramRole Role { get; private set; }
    public string Reason { get; private set; } = "";

    public UnmatchedPerson ToPerson() => new(EnrolmentId, UserId, Name, Role, Reason);
}

/// <summary>
/// The engine's proof that a mentor–mentee draft is optimal, kept apart from the draft so reading a draft does not read it:
/// a value per mentee and per mentor (the duals, keyed by enrolment id) such that for every allowed pair the mentee's value
/// plus the mentor's is at least the pair's weight (its score plus <see cref="CardinalityBonus"/>), with equality on every
/// proposed pair. Their sum (<see cref="DualObjective"/>) then bounds every possible assignment, and it equals the draft's
/// weight (<see cref="PrimalWeight"/>).
/// </summary>
public sealed class MatchDraftCertificate
{
    private MatchDraftCertificate() { }

    public MatchDraftCertificate(Guid draftId, long cardinalityBonus, long primalWeight, long dualObjective, long pairsChecked, string dualsJson)
    {
        DraftId = draftId;
        CardinalityBonus = cardinalityBonus;
        PrimalWeight = primalWeight;
        DualObjective = dualObjective;
        PairsChecked = pairsChecked;
        DualsJson = dualsJson;
    }

    public Guid DraftId { get; private set; }
    public long CardinalityBonus { get; private set; }
    public long PrimalWeight { get; private set; }
    public long DualObjective { get; private set; }

    /// <summary>How many allowed pairs the certificate was checked against (every one in the pool).</summary>
    public long PairsChecked { get; private set; }

    /// <summary>{"mentees": {enrolmentId: value}, "mentors": {enrolmentId: value}}.</summary>
    public string DualsJson { get; private set; } = "{}";
}
