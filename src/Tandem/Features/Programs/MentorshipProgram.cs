namespace Tandem.Features.Programs;

public enum ProgramStatus { Draft, Recruiting, Matching, Running, Closed }

/// <summary>How people are paired: mentors with mentees, or peers who all offer and seek help.</summary>
public enum PairingModel { MentorMentee, PeerToPeer }

public enum Cadence { Weekly, Fortnightly, Monthly }

[Flags]
public enum MeetingFormats
{
    None = 0,
    OneToOne = 1,
    Group = 2,
    Online = 4,
    InPerson = 8,
}

/// <summary>
/// An objective with a measurable target, e.g. "Mentees meet regularly" / "80% meet twice a month". When it is
/// tied to a <see cref="ObjectiveMeasure"/> with a threshold, Tandem measures it (Features/Reports, ADR 27).
/// </summary>
public sealed class ProgramObjective
{
    private ProgramObjective() { }

    public ProgramObjective(int position, ObjectiveDesign design)
    {
        Position = position;
        Description = design.Description;
        Target = design.Target;
        Measure = design.Measure;
        Threshold = design.Threshold;
        AtMost = design.AtMost;
        SurveyId = design.SurveyId;
        QuestionId = design.QuestionId;
        OutcomeMeasure = design.OutcomeMeasure;
    }

    public int Id { get; private set; }
    public int Position { get; private set; }
    public string Description { get; private set; } = "";
    public string Target { get; private set; } = "";

    /// <summary>What Tandem measures for this objective; null when the target is checked by hand.</summary>
    public ObjectiveMeasure? Measure { get; private set; }

    /// <summary>The value the measure must reach (or stay under, when <see cref="AtMost"/>); set with <see cref="Measure"/>.</summary>
    public double? Threshold { get; private set; }
    public bool AtMost { get; private set; }

    /// <summary>For <see cref="ObjectiveMeasure.SurveyItem"/>: the survey and its number-scale question.</summary>
    public Guid? SurveyId { get; private set; }
    public string? QuestionId { get; private set; }

    /// <summary>For <see cref="ObjectiveMeasure.OutcomeChange"/>: the imported outcome measure's name.</summary>
    public string? OutcomeMeasure { get; private set; }
}

/// <summary>A mentorship program run by an organisation, from design to evaluation.</summary>
public sealed class MentorshipProgram
{
    private static readonly Dictionary<ProgramStatus, ProgramStatus[]> Transitions = new()
    {
        [ProgramStatus.Draft] = [ProgramStatus.Recruiting, ProgramStatus.Closed],
        [ProgramStatus.Recruiting] = [ProgramStatus.Draft, ProgramStatus.Matching, ProgramStatus.Closed],
        [ProgramStatus.Matching] = [ProgramStatus.Recruiting, ProgramStatus.Running, ProgramStatus.Closed],
        [ProgramStatus.Running] = [ProgramStatus.Closed],
        [ProgramStatus.Closed] = [],
    };

    private MentorshipProgram() { }

    public MentorshipProgram(Guid organisationId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        Status = ProgramStatus.Draft;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public string TargetAudience { get; private set; } = "";
    public PairingModel Pairing { get; private set; }
    public string Guidelines { get; private set; } = "";
    public MeetingFormats MeetingFormats { get; private set; }
    public Cadence Cadence { get; private set; }
    public DateOnly? StartsOn { get; private set; }
    public DateOnly? EndsOn { get; private set; }
    public ProgramStatus Status { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>Enrolled mentors, mentees and peers, kept by <c>TandemDb.SaveChangesAsync</c> as enrolments change (ADR 46).</summary>
    public int ParticipantCount { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    /// <summary>When the program was closed; a coordinator may reopen it within the grace period after (ADR 29).</summary>
    public DateTime? ClosedAt { get; private set; }

    /// <summary>The status it had when it was closed, which reopening returns it to.</summary>
    public ProgramStatus? ReopensAs { get; private set; }
    public List<ProgramObjective> Objectives { get; private set; } = [];
    public List<Enrolment> Enrolments { get; private set; } = [];

    public static IReadOnlyList<ProgramStatus> AllowedNext(ProgramStatus from) => Transitions[from];

    public void Describe(ProgramDesign design, DateTime at)
    {
        Name = design.Name;
        Description = design.Description;
        TargetAudience = design.TargetAudience;
        Pairing = design.Pairing;
        Guidelines = design.Guidelines;
        MeetingFormats = design.MeetingFormats;
        Cadence = design.Cadence;
        StartsOn = design.StartsOn;
        EndsOn = design.EndsOn;
        Objectives.Clear();
        Objectives.AddRange(design.Objectives.Select((o, i) => new ProgramObjective(i, o)));
        UpdatedAt = at;
    }

    /// <returns>False when the transition is not allowed from the current status.</returns>
    public bool MoveTo(ProgramStatus next, DateTime at)
    {
        if (!Transitions[Status].Contains(next))
        {
            return false;
        }
        if (next == ProgramStatus.Closed)
        {
            ClosedAt = at;
            ReopensAs = Status;
        }
        Status = next;
        UpdatedAt = at;
        return true;
    }

    /// <summary>Until when a closed program may be reopened; null when it is not closed.</summary>
    public DateTime? ReopenableUntil(TimeSpan grace) => Status == ProgramStatus.Closed && ClosedAt is { } closed ? closed + grace : null;

    /// <summary>The steps open now: the usual transitions, or for a closed program within its grace period, reopening.</summary>
    public IReadOnlyList<ProgramStatus> NextSteps(DateTime now, TimeSpan grace) =>
        ReopenableUntil(grace) is { } until && now <= until ? [ReopensAs ?? ProgramStatus.Running] : AllowedNext(Status);

    /// <returns>False when the program is not closed, or its grace period is over.</returns>
    public bool Reopen(DateTime at, TimeSpan grace)
    {
        if (ReopenableUntil(grace) is not { } until || at > until)
        {
            return false;
        }
        Status = ReopensAs ?? ProgramStatus.Running;
        ClosedAt = null;
        ReopensAs = null;
        UpdatedAt = at;
        return true;
    }
}

/// <summary>The designable part of a program, already validated.</summary>
public sealed record ProgramDesign(
    string Name,
    string Description,
    string TargetAudience,
    PairingModel Pairing,
    string Guidelines,
    MeetingFormats MeetingFormats,
    Cadence Cadence,
    DateOnly? StartsOn,
    DateOnly? EndsOn,
    IReadOnlyList<ObjectiveDesign> Objectives);
