using Tandem.Features.Applications;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Home;

/// <summary>Someone the reader is matched with: a name and its initials (no photos).</summary>
public sealed record HomePartner(Guid UserId, string DisplayName, string Initials, ProgramRole Role);

/// <summary>A planned meeting (accepted, or proposed and waiting for an answer) with where it happens.</summary>
public sealed record HomeMeeting(Guid MeetingId, Guid RelationshipId, string? Title, DateTime StartsAt, int DurationMinutes, MeetingMode Mode,
    string? Place, string? VideoLink, MeetingStatus Status, IReadOnlyList<string> With);

/// <summary>One of the reader's open relationships, with a first meeting to suggest when none has been planned yet.</summary>
public sealed record HomeRelationship(Guid RelationshipId, Guid ProgramId, string ProgramName, RelationshipStatus Status,
    IReadOnlyList<HomePartner> Partners, HomeMeeting? NextMeeting, DateTime? SuggestedFirstMeeting);

public enum WaitingKind { MentorRequest, AnswerMeeting, CheckIn, FitCheck, Survey, Application }

/// <summary>Something waiting on the reader, in a sentence, with the page that does it.</summary>
public sealed record WaitingItem(WaitingKind Kind, string Text, string Link);

public sealed record HomeApplication(Guid ApplicationId, Guid ProgramId, string ProgramName, ProgramRole Role, ApplicationStatus Status, string? DecisionMessage);

/// <summary>A program the reader takes part in, with its guidelines.</summary>
public sealed record HomeProgram(Guid ProgramId, string Name, ProgramRole Role, ProgramStatus Status, string Guidelines);

/// <summary>
/// A participant's home: who they are matched with, the next meeting, what is waiting on them, their applications
/// and their programs' guidelines. Only the reader's own data and their partners' names.
/// </summary>
public sealed record MyHome(
    string DisplayName,
    string TimeZoneId,
    IReadOnlyList<HomeRelationship> Relationships,
    HomeMeeting? NextMeeting,
    IReadOnlyList<WaitingItem> Waiting,
    IReadOnlyList<HomeApplication> Applications,
    IReadOnlyList<HomeProgram> Programs,
    bool ManagesPrograms);

/// <summary>One count needing a coordinator's attention, with the page that fixes it.</summary>
public sealed record AttentionItem(string Key, int Count, string Text, string Link);

/// <summary>A program the reader manages: its next step for its stage and what needs attention now.</summary>
public sealed record ProgramAttention(Guid ProgramId, string Name, string OrganisationName, ProgramStatus Status, string NextStep, string NextStepLink,
    IReadOnlyList<AttentionItem> Attention);
