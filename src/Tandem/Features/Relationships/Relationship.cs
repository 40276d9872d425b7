using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

public enum RelationshipKind { Pair, Group }

public enum RelationshipStatus { Active, Paused, Completed, EndedEarly }

public enum RelationshipSource { PoolMatch, SelfMatch, Manual, Rematch, LateJoin }

/// <summary>
/// A mentoring pair or group in one program, from its start to its end. Active and paused relationships hold
/// their members' capacity (see <see cref="RelationshipSeat"/>); completed and ended ones are kept as history.
/// </summary>
public sealed class Relationship
{
    private Relationship() { }

    public Relationship(Guid programId, RelationshipKind kind, DateOnly startsOn, RelationshipSource source,
        string? matchExplanation, int? matchScore, Guid? createdByUserId, DateTime createdAt, Guid? previousRelationshipId = null)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Kind = kind;
        Status = RelationshipStatus.Active;
        StartsOn = startsOn;
        Source = source;
        MatchExplanation = matchExplanation;
        MatchScore = matchScore;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
        StatusChangedAt = createdAt;
        StatusChangedByUserId = createdByUserId;
        PreviousRelationshipId = previousRelationshipId;
        QuietSince = StartOf(startsOn);
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public RelationshipKind Kind { get; private set; }
    public RelationshipStatus Status { get; private set; }
    public DateOnly StartsOn { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public Guid? CreatedByUserId { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public string? EndReason { get; private set; }
    public RelationshipSource Source { get; private set; }

    /// <summary>Why the members were matched, in words participants may read (never private answers).</summary>
    public string? MatchExplanation { get; private set; }
    public int? MatchScore { get; private set; }

    /// <summary>Who made the last status change, and when.</summary>
    public DateTime StatusChangedAt { get; private set; }
    public Guid? StatusChangedByUserId { get; private set; }

    /// <summary>The relationship this one replaced when a person was re-matched.</summary>
    public Guid? PreviousRelationshipId { get; private set; }

    /// <summary>Set when a member answered "no" to the early fit check.</summary>
    public DateTime? PoorFitFlaggedAt { get; private set; }

    public List<RelationshipMember> Members { get; private set; } = [];

    // Kept from the check-ins in the same transaction as every write that changes them (CheckIns/PairContacts.cs, ADR 46),
    // so that lists and engagement health read one row per pair instead of recounting its check-ins.

    /// <summary>Distinct meetings someone checked in as having happened, plus every logged unscheduled contact.</summary>
    public int MeetingsHeld { get; private set; }

    /// <summary>Check-ins recorded, whether or not the meeting happened.</summary>
    public int CheckInsLogged { get; private set; }

    /// <summary>When the pair last met (the latest check-in that says so); null before the first contact.</summary>
    public DateTime? LastContactAt { get; private set; }

    /// <summary>What days without contact count from: the last contact, or the start (midnight UTC) before the first.</summary>
    public DateTime QuietSince { get; private set; }

    public static DateTime StartOf(DateOnly startsOn) => startsOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The counts of the pair's check-ins, recounted after they changed.</summary>
    public void RecordContacts(int meetingsHeld, int checkInsLogged, DateTime? lastContactAt)
    {
        MeetingsHeld = meetingsHeld;
        CheckInsLogged = checkInsLogged;
        LastContactAt = lastContactAt;
        QuietSince = QuietSinceOf(lastContactAt, StartsOn);
    }

    /// <summary>Quiet since the last contact, or since the start when there has been none.</summary>
    public static DateTime QuietSinceOf(DateTime? lastContactAt, DateOnly startsOn) => lastContactAt ?? StartOf(startsOn);

    public bool IsOpen => Status is RelationshipStatus.Active or RelationshipStatus.Paused;

    public static IReadOnlyList<RelationshipStatus> AllowedNext(RelationshipStatus from) => from switch
    {
        RelationshipStatus.Active => [RelationshipStatus.Paused, RelationshipStatus.Completed, RelationshipStatus.EndedEarly],
        RelationshipStatus.Paused => [RelationshipStatus.Active, RelationshipStatus.Completed, RelationshipStatus.EndedEarly],
        _ => [],
    };

    public bool Pause(Guid by, DateTime at) => Move(RelationshipStatus.Paused, by, at, null);

    public bool Resume(Guid by, DateTime at) => Status == RelationshipStatus.Paused && Move(RelationshipStatus.Active, by, at, null);

    public bool Complete(Guid by, DateTime at) => Move(RelationshipStatus.Completed, by, at, null);

    public bool EndEarly(Guid by, DateTime at, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("Ending early needs a reason.", nameof(reason));
        }
        return Move(RelationshipStatus.EndedEarly, by, at, reason.Trim());
    }

    public void FlagPoorFit(DateTime at) => PoorFitFlaggedAt ??= at;

    /// <summary>
    /// Splitting a group that should have been pairs (ADR 13): this relationship becomes the pair of one of its
    /// mentees, with that mentee's own match reasons and the poor-fit flag of the answers given in the pair.
    /// </summary>
    public void NarrowToPair(string? matchExplanation, int? matchScore, DateTime? poorFitFlaggedAt)
    {
        Kind = RelationshipKind.Pair;
        MatchExplanation = matchExplanation;
        MatchScore = matchScore;
        PoorFitFlaggedAt = poorFitFlaggedAt;
    }

    /// <summary>The pair split off a group for another of its mentees: the same history (status, dates, who changed it), a new id.</summary>
    public Relationship SplitOffPair(string? matchExplanation, int? matchScore, DateTime? poorFitFlaggedAt) => new()
    {
        Id = Guid.CreateVersion7(),
        ProgramId = ProgramId,
        Kind = RelationshipKind.Pair,
        Status = Status,
        StartsOn = StartsOn,
        CreatedAt = CreatedAt,
        CreatedByUserId = CreatedByUserId,
        EndedAt = EndedAt,
        EndReason = EndReason,
        Source = Source,
        MatchExplanation = matchExplanation,
        MatchScore = matchScore,
        StatusChangedAt = StatusChangedAt,
        StatusChangedByUserId = StatusChangedByUserId,
        PreviousRelationshipId = PreviousRelationshipId,
        PoorFitFlaggedAt = poorFitFlaggedAt,
        QuietSince = StartOf(StartsOn),
    };

    private bool Move(RelationshipStatus next, Guid by, DateTime at, string? reason)
    {
        if (!AllowedNext(Status).Contains(next))
        {
            return false;
        }
        Status = next;
        StatusChangedAt = at;
        StatusChangedByUserId = by;
        if (next is RelationshipStatus.Completed or RelationshipStatus.EndedEarly)
        {
            EndedAt = at;
            EndReason = reason;
        }
        return true;
    }
}

/// <summary>A person in a relationship, through their enrolment (and so their role) in the program.</summary>
public sealed class RelationshipMember
{
    private RelationshipMember() { }

    public RelationshipMember(Guid relationshipId, Guid userId, Guid enrolmentId, ProgramRole role)
    {
        RelationshipId = relationshipId;
        UserId = userId;
        EnrolmentId = enrolmentId;
        Role = role;
    }

    public Guid RelationshipId { get; private set; }
    public Guid UserId { get; private set; }
    public Guid EnrolmentId { get; private set; }
    public ProgramRole Role { get; private set; }
}

/// <summary>
/// One unit of capacity held by an open relationship: a mentor has as many seats as their capacity (numbered
/// 0..capacity-1), a mentee or peer has one. The unique (EnrolmentId, Seat) index makes capacity hold even when
/// two relationships are started at the same moment for the last seat: one insert fails.
/// Seats are deleted when the relationship completes or ends.
/// </summary>
public sealed class RelationshipSeat
{
    private RelationshipSeat() { }

    public RelationshipSeat(Guid relationshipId, Guid enrolmentId, int seat)
    {
        RelationshipId = relationshipId;
        EnrolmentId = enrolmentId;
        Seat = seat;
    }

    public Guid RelationshipId { get; private set; }
    public Guid EnrolmentId { get; private set; }
    public int Seat { get; private set; }
}
