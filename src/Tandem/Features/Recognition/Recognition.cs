using Tandem.Features.Programs;

namespace Tandem.Features.Recognition;

/// <summary>
/// A short thank-you from one person of a program to a participant: from a member of the same pair or group, or from
/// the program's coordinators. The sender and the recipient read it; the program's coordinators may too (ADR 63).
/// </summary>
public sealed class Kudos
{
    public const int MessageMax = 280;

    private Kudos() { }

    public Kudos(Guid programId, Guid fromUserId, Guid toUserId, string message, bool fromCoordinator, DateTime sentAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        FromUserId = fromUserId;
        ToUserId = toUserId;
        Message = message;
        FromCoordinator = fromCoordinator;
        SentAt = sentAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid FromUserId { get; private set; }
    public Guid ToUserId { get; private set; }
    public string Message { get; private set; } = "";
    public bool FromCoordinator { get; private set; }
    public DateTime SentAt { get; private set; }
}

/// <summary>A badge rule a program's coordinators turned on (a row per rule that is on; none means every rule is off).</summary>
public sealed class ProgramBadgeRule
{
    private ProgramBadgeRule() { }

    public ProgramBadgeRule(Guid programId, string badge, Guid turnedOnBy, DateTime at)
    {
        ProgramId = programId;
        Badge = badge;
        TurnedOnByUserId = turnedOnBy;
        TurnedOnAt = at;
    }

    public Guid ProgramId { get; private set; }

    /// <summary>The badge's code (<see cref="BadgeCatalogue"/>): a string so that another feature can add its own rule.</summary>
    public string Badge { get; private set; } = "";
    public Guid TurnedOnByUserId { get; private set; }
    public DateTime TurnedOnAt { get; private set; }
}

/// <summary>A badge a person holds in a program: at most one of each badge per person and program (a unique index).</summary>
public sealed class BadgeAward
{
    public const int ReasonMax = 500;

    private BadgeAward() { }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid UserId { get; private set; }
    public string Badge { get; private set; } = "";

    /// <summary>The coordinator who awarded it by hand; null when a rule did.</summary>
    public Guid? AwardedByUserId { get; private set; }
    public string? Reason { get; private set; }
    public DateTime AwardedAt { get; private set; }
}

/// <summary>Where service hours come from. Meetings propose them today; events and training add theirs later (ADR 63).</summary>
public enum ServiceHourSource { Meeting, Event, Training, Other }

public enum ServiceHourState { Proposed, Confirmed, Rejected }

/// <summary>
/// A line of a person's service-hours ledger: proposed from what they did (a meeting held), then confirmed or rejected
/// by a coordinator of the program. One line per person and source (a unique index), so a meeting is counted once.
/// It is decided once, by a conditional update from Proposed (<see cref="ServiceHours.DecideAsync"/>), so that two
/// decisions at the same moment cannot both succeed.
/// </summary>
public sealed class ServiceHourEntry
{
    public const int DescriptionMax = 200;
    public const int NoteMax = 500;

    private ServiceHourEntry() { }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid UserId { get; private set; }
    public ServiceHourSource Source { get; private set; }

    /// <summary>The meeting (event, training module) the hours are for.</summary>
    public Guid SourceId { get; private set; }
    public DateTime OccurredAt { get; private set; }
    public int Minutes { get; private set; }
    public string Description { get; private set; } = "";
    public ServiceHourState State { get; private set; }
    public DateTime ProposedAt { get; private set; }
    public Guid? DecidedByUserId { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? Note { get; private set; }
}

/// <summary>
/// A participant's certificate of a closed program, as issued: what it says is kept as it was on the day it was issued,
/// so that the verification page confirms what the paper shows. One per participant and program.
/// </summary>
public sealed class Certificate
{
    private Certificate() { }

    public Certificate(Guid programId, Guid userId, string holderName, string publicName, string programName, string organisationName,
        ProgramRole role, DateOnly from, DateOnly to, int confirmedMinutes, DateTime issuedAt, IReadOnlyList<string>? training = null)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        UserId = userId;
        HolderName = holderName;
        PublicName = publicName;
        ProgramName = programName;
        OrganisationName = organisationName;
        Role = role;
        From = from;
        To = to;
        ConfirmedMinutes = confirmedMinutes;
        IssuedAt = issuedAt;
        TrainingJson = System.Text.Json.JsonSerializer.Serialize(training ?? []);
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid UserId { get; private set; }

    /// <summary>The name on the certificate (the holder's display name when it was issued).</summary>
    public string HolderName { get; private set; } = "";

    /// <summary>The name the public verification page shows: the full name, or a minor's first name and initial (ADR 63).</summary>
    public string PublicName { get; private set; } = "";
    public string ProgramName { get; private set; } = "";
    public string OrganisationName { get; private set; } = "";
    public ProgramRole Role { get; private set; }
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public int ConfirmedMinutes { get; private set; }
    public DateTime IssuedAt { get; private set; }

    /// <summary>The titles of the training modules the holder had completed in the program when it was issued, as a JSON array (ADR 68).</summary>
    public string TrainingJson { get; private set; } = "[]";

    public IReadOnlyList<string> Training() => System.Text.Json.JsonSerializer.Deserialize<List<string>>(TrainingJson) ?? [];
}
