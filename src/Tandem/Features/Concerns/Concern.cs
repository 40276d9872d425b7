namespace Tandem.Features.Concerns;

/// <summary>What a concern is about. Safeguarding concerns are read only by the organisation's designated leads (ADR 23).</summary>
public enum ConcernCategory { Conflict, NoShow, Safeguarding, Other }

/// <summary>Where a concern is in its workflow; Resolved and Escalated are final.</summary>
public enum ConcernState { Received, Acknowledged, MediationScheduled, MediationHeld, Resolved, Escalated }

/// <summary>
/// A participant's report of a concern about their relationship or the program. It goes to the program's coordinators
/// (safeguarding: the organisation's designated leads), is never shown to the person it is about, and moves through
/// <see cref="ConcernState"/>; every step is kept in <see cref="Steps"/>, the timeline.
/// </summary>
public sealed class Concern
{
    public const int DescriptionMax = 4000;
    public const int NoteMax = 2000;

    private Concern() { }

    public Concern(Guid programId, Guid organisationId, Guid reporterUserId, Guid? subjectUserId, Guid? relationshipId,
        ConcernCategory category, string description, DateTime reportedAt, DateTime acknowledgeBy)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        OrganisationId = organisationId;
        ReporterUserId = reporterUserId;
        SubjectUserId = subjectUserId;
        RelationshipId = relationshipId;
        Category = category;
        Description = description;
        State = ConcernState.Received;
        ReportedAt = reportedAt;
        UpdatedAt = reportedAt;
        AcknowledgeBy = acknowledgeBy;
        Steps.Add(new ConcernStep(Id, ConcernState.Received, reportedAt, reporterUserId, null));
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }

    /// <summary>The program's organisation, whose designated leads read a safeguarding concern.</summary>
    public Guid OrganisationId { get; private set; }
    public Guid ReporterUserId { get; private set; }

    /// <summary>The person the concern is about, if the reporter named one: they never see it.</summary>
    public Guid? SubjectUserId { get; private set; }
    public Guid? RelationshipId { get; private set; }
    public ConcernCategory Category { get; private set; }
    public string Description { get; private set; } = "";
    public ConcernState State { get; private set; }
    public DateTime ReportedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Two working days after the report (ADR 23): unacknowledged by then, the handlers are reminded once.</summary>
    public DateTime AcknowledgeBy { get; private set; }

    /// <summary>When the unacknowledged reminder went out (set by the node that claimed it).</summary>
    public DateTime? ReminderSentAt { get; private set; }
    public Guid? MediatorUserId { get; private set; }
    public DateTime? MediationAt { get; private set; }
    public List<ConcernStep> Steps { get; private set; } = [];

    public bool IsSafeguarding => Category == ConcernCategory.Safeguarding;

    /// <summary>
    /// Text as its box counted it (ADR 116): a browser's maxlength counts a line break once and posts it as CRLF, so a
    /// description or a note is checked and stored with LF, without the blanks around it.
    /// </summary>
    public static string Typed(string text) => text.Replace("\r\n", "\n").Trim();

    public bool IsFinal => State is ConcernState.Resolved or ConcernState.Escalated;

    public string? Acknowledge(Guid by, DateTime at, string? note)
    {
        if (State != ConcernState.Received)
        {
            return $"This concern is {Describe(State)}; only a concern just received is acknowledged.";
        }
        Move(ConcernState.Acknowledged, by, at, note);
        return null;
    }

    public string? ScheduleMediation(Guid by, Guid mediatorUserId, DateTime startsAt, DateTime at, string? note)
    {
        if (State is ConcernState.Received)
        {
            return "Acknowledge the concern before scheduling a mediation meeting.";
        }
        if (IsFinal)
        {
            return $"This concern is {Describe(State)}; it takes no more steps.";
        }
        MediatorUserId = mediatorUserId;
        MediationAt = startsAt;
        Move(ConcernState.MediationScheduled, by, at, note);
        return null;
    }

    public string? RecordMediation(Guid by, DateTime at, string note)
    {
        if (State != ConcernState.MediationScheduled)
        {
            return $"This concern is {Describe(State)}; a mediation is recorded once one is scheduled.";
        }
        if (MediationAt > at)
        {
            return $"The mediation meeting is scheduled for {MediationAt:yyyy-MM-dd HH:mm} UTC; record it once it has taken place.";
        }
        Move(ConcernState.MediationHeld, by, at, note);
        return null;
    }

    public string? Close(ConcernState final, Guid by, DateTime at, string note)
    {
        if (State is ConcernState.Received)
        {
            return "Acknowledge the concern first.";
        }
        if (IsFinal)
        {
            return $"This concern is {Describe(State)} already.";
        }
        Move(final, by, at, note);
        return null;
    }

    private void Move(ConcernState next, Guid by, DateTime at, string? note)
    {
        State = next;
        // Strictly later than the step before, by at least the microsecond both databases keep: the workflow saves a
        // step only where UpdatedAt is still the one it read, so two steps at one instant (two reschedules) cannot both win.
        UpdatedAt = at >= UpdatedAt.AddTicks(10) ? at : UpdatedAt.AddTicks(10);
        Steps.Add(new ConcernStep(Id, next, at, by, string.IsNullOrWhiteSpace(note) ? null : Typed(note)));
    }

    public static string Describe(ConcernState state) => state switch
    {
        ConcernState.Received => "received",
        ConcernState.Acknowledged => "acknowledged",
        ConcernState.MediationScheduled => "waiting for its mediation meeting",
        ConcernState.MediationHeld => "mediated",
        ConcernState.Resolved => "resolved",
        _ => "escalated",
    };
}

/// <summary>One step of a concern's timeline: the state it reached, when, by whom, and the handler's note (never shown to the reporter).</summary>
public sealed class ConcernStep
{
    private ConcernStep() { }

    public ConcernStep(Guid concernId, ConcernState step, DateTime at, Guid byUserId, string? note)
    {
        Id = Guid.CreateVersion7();
        ConcernId = concernId;
        Step = step;
        At = at;
        ByUserId = byUserId;
        Note = note;
    }

    public Guid Id { get; private set; }
    public Guid ConcernId { get; private set; }
    public ConcernState Step { get; private set; }
    public DateTime At { get; private set; }
    public Guid ByUserId { get; private set; }
    public string? Note { get; private set; }
}

/// <summary>A member of an organisation designated to read and handle its safeguarding concerns (ADR 23).</summary>
public sealed class SafeguardingLead
{
    private SafeguardingLead() { }

    public SafeguardingLead(Guid organisationId, Guid userId, Guid designatedBy, DateTime designatedAt)
    {
        OrganisationId = organisationId;
        UserId = userId;
        DesignatedBy = designatedBy;
        DesignatedAt = designatedAt;
    }

    public Guid OrganisationId { get; private set; }
    public Guid UserId { get; private set; }
    public Guid DesignatedBy { get; private set; }
    public DateTime DesignatedAt { get; private set; }
}
