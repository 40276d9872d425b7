namespace Tandem.Features.Meetings;

public enum MeetingMode { InPerson, Online }

public enum MeetingStatus { Proposed, Accepted, Declined, Cancelled }

/// <summary>
/// One meeting of a relationship (a pair or a group), or one occurrence of a recurring series.
/// Instants are UTC; the organiser's zone is kept on the series so that wall-clock time survives DST.
/// </summary>
public sealed class Meeting
{
    private static readonly Dictionary<MeetingStatus, MeetingStatus[]> Transitions = new()
    {
        [MeetingStatus.Proposed] = [MeetingStatus.Accepted, MeetingStatus.Declined, MeetingStatus.Cancelled],
        [MeetingStatus.Accepted] = [MeetingStatus.Cancelled],
        [MeetingStatus.Declined] = [],
        [MeetingStatus.Cancelled] = [],
    };

    private Meeting() { }

    public Meeting(Guid relationshipId, Guid programId, Guid proposedByUserId, DateTime startsAt, int durationMinutes,
        MeetingMode mode, string? place, string? videoLink, string? title, Guid? seriesId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        RelationshipId = relationshipId;
        ProgramId = programId;
        ProposedByUserId = proposedByUserId;
        StartsAt = DateTime.SpecifyKind(startsAt, DateTimeKind.Utc);
        OriginalStartsAt = StartsAt;
        DurationMinutes = durationMinutes;
        Mode = mode;
        Place = place;
        VideoLink = videoLink;
        Title = title;
        SeriesId = seriesId;
        Status = MeetingStatus.Proposed;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid ProgramId { get; private set; }
    public DateTime StartsAt { get; private set; }
    public int DurationMinutes { get; private set; }
    public MeetingMode Mode { get; private set; }
    public string? Place { get; private set; }
    public string? VideoLink { get; private set; }
    public MeetingStatus Status { get; private set; }
    public Guid ProposedByUserId { get; private set; }
    public Guid? SeriesId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    // Added beyond the contract (members only added, never changed).
    public string? Title { get; private set; }

    /// <summary>The occurrence's start as the series rule generated it (iCalendar RECURRENCE-ID); equals StartsAt unless moved.</summary>
    public DateTime OriginalStartsAt { get; private set; }

    /// <summary>iCalendar SEQUENCE: bumped on every change that calendars must pick up.</summary>
    public int Sequence { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public Guid? RespondedByUserId { get; private set; }
    public DateTime? RespondedAt { get; private set; }

    /// <summary>When declining or counter-proposing, what the other side said.</summary>
    public string? ResponseNote { get; private set; }

    /// <summary>
    /// Whether anyone has recorded a check-in about this meeting: kept by <c>PairContacts.RecountAsync</c> in the check-in's
    /// transaction (ADR 50), so "meetings nobody has checked in about" is read from a small partial index rather than by
    /// looking for check-ins of every meeting the program ever had.
    /// </summary>
    public bool CheckedIn { get; private set; }

    public DateTime EndsAt => StartsAt.AddMinutes(DurationMinutes);

    /// <summary>For seeds that write a meeting together with its check-ins, as the recount would set it.</summary>
    public void NoteCheckedIn() => CheckedIn = true;

    public bool CanMoveTo(MeetingStatus next) => Transitions[Status].Contains(next);

    public bool Accept(Guid by, DateTime at) => Respond(MeetingStatus.Accepted, by, at, null);

    public bool Decline(Guid by, DateTime at, string? note) => Respond(MeetingStatus.Declined, by, at, note);

    public bool Cancel(Guid by, DateTime at, string? note) => Respond(MeetingStatus.Cancelled, by, at, note);

    /// <summary>Moves this meeting (or one occurrence); a moved meeting needs accepting again unless the mover is the only other party.</summary>
    public bool Reschedule(DateTime startsAt, int durationMinutes, Guid by, DateTime at, string? note = null)
    {
        if (Status is MeetingStatus.Declined or MeetingStatus.Cancelled)
        {
            return false;
        }
        StartsAt = DateTime.SpecifyKind(startsAt, DateTimeKind.Utc);
        DurationMinutes = durationMinutes;
        Status = MeetingStatus.Proposed;
        ProposedByUserId = by;
        RespondedByUserId = null;
        RespondedAt = null;
        ResponseNote = note;
        Sequence++;
        UpdatedAt = at;
        return true;
    }

    /// <summary>
    /// For a group meeting, from its members' answers: it goes ahead (accepted) once one member other than the
    /// proposer is coming, is declined when every one of them said no, and otherwise waits for answers (also
    /// when the only member coming changes their mind).
    /// </summary>
    public bool Settle(int coming, int notComing, int others, Guid by, DateTime at, string? note)
    {
        if (Status is not (MeetingStatus.Proposed or MeetingStatus.Accepted))
        {
            return false;
        }
        var next = coming > 0 ? MeetingStatus.Accepted : notComing >= others ? MeetingStatus.Declined : MeetingStatus.Proposed;
        if (next == Status)
        {
            return false;
        }
        Status = next;
        RespondedByUserId = by;
        RespondedAt = at;
        if (next == MeetingStatus.Declined)
        {
            ResponseNote = note;
        }
        UpdatedAt = at;
        return true;
    }

    private bool Respond(MeetingStatus next, Guid by, DateTime at, string? note)
    {
        if (!CanMoveTo(next))
        {
            return false;
        }
        Status = next;
        RespondedByUserId = by;
        RespondedAt = at;
        ResponseNote = note;
        if (next == MeetingStatus.Cancelled)
        {
            Sequence++;
        }
        UpdatedAt = at;
        return true;
    }
}
