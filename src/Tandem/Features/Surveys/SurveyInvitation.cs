using Tandem.Features.Programs;

namespace Tandem.Features.Surveys;

/// <summary>
/// One person asked to answer a survey once (for a pulse: once per meeting held, the meeting being the occasion).
/// It is also the "has answered" record that stops a second answer. For an anonymous survey it keeps only that
/// flag: no time of answering and no link to the answer, which has a random id of its own (ADR 24).
/// </summary>
public sealed class SurveyInvitation
{
    private SurveyInvitation() { }

    public SurveyInvitation(Guid surveyId, Guid userId, ProgramRole? role, Guid occasion, DateTime invitedAt)
    {
        Id = Guid.CreateVersion7();
        SurveyId = surveyId;
        UserId = userId;
        Role = role;
        Occasion = occasion;
        InvitedAt = invitedAt;
    }

    public Guid Id { get; private set; }
    public Guid SurveyId { get; private set; }
    public Guid UserId { get; private set; }

    /// <summary>The person's role in the program when invited (null for a survey without a program).</summary>
    public ProgramRole? Role { get; private set; }

    /// <summary>What this invitation is for: <see cref="Guid.Empty"/> for a one-off survey, the meeting for a pulse.</summary>
    public Guid Occasion { get; private set; }
    public DateTime InvitedAt { get; private set; }
    public DateTime? RemindedAt { get; private set; }
    public bool Answered { get; private set; }

    /// <summary>When a named survey was answered; always null for an anonymous one.</summary>
    public DateTime? AnsweredAt { get; private set; }

    public void MarkReminded(DateTime at) => RemindedAt ??= at;
}

/// <summary>
/// One set of answers to a survey. Anonymous: a random id, the survey, the answers and the Monday of the week it
/// came in; nothing else. Named: also who answered, with which invitation, and when.
/// </summary>
public sealed class SurveyResponse
{
    private SurveyResponse() { }

    private SurveyResponse(Guid surveyId, int position, string answersJson, DateOnly week)
    {
        // Random, not time-ordered: a version 7 id would carry the exact time it was made.
        Id = Guid.NewGuid();
        SurveyId = surveyId;
        Position = position;
        AnswersJson = answersJson;
        Week = week;
    }

    public static SurveyResponse Anonymous(Guid surveyId, int position, string answersJson, DateTime at) => new(surveyId, position, answersJson, WeekOf(at));

    public static SurveyResponse Named(Guid surveyId, int position, string answersJson, SurveyInvitation invitation, DateTime at) =>
        new(surveyId, position, answersJson, WeekOf(at))
        {
            UserId = invitation.UserId,
            InvitationId = invitation.Id,
            Role = invitation.Role,
            SubmittedAt = at,
        };

    public Guid Id { get; private set; }
    public Guid SurveyId { get; private set; }

    /// <summary>
    /// The answer's place among the survey's answers (1, 2, …), unique per survey: an anonymous survey's results cover the
    /// first answers in this order, in whole groups of five, so a result never changes by one answer (ADR 99). A count, not a time.
    /// </summary>
    public int Position { get; private set; }
    public string AnswersJson { get; private set; } = "{}";

    /// <summary>The Monday of the week the answers came in: all an anonymous answer says about time.</summary>
    public DateOnly Week { get; private set; }
    public Guid? UserId { get; private set; }
    public Guid? InvitationId { get; private set; }
    public ProgramRole? Role { get; private set; }
    public DateTime? SubmittedAt { get; private set; }

    public static DateOnly WeekOf(DateTime at)
    {
        var day = DateOnly.FromDateTime(at);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }
}

/// <summary>
/// A suggestion in a program's suggestion box, always open to its participants. Anonymous by default: then no
/// author and only the week it came in. A coordinator may answer it publicly, to the whole program.
/// </summary>
public sealed class Suggestion
{
    public const int TextMax = 2000;
    public const int AnswerMax = 4000;

    private Suggestion() { }

    public Suggestion(Guid programId, string text, Guid? authorUserId, DateTime at)
    {
        Id = Guid.NewGuid();
        ProgramId = programId;
        Text = text;
        AuthorUserId = authorUserId;
        Week = SurveyResponse.WeekOf(at);
        SubmittedAt = authorUserId is null ? null : at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string Text { get; private set; } = "";
    public Guid? AuthorUserId { get; private set; }
    public DateOnly Week { get; private set; }
    public DateTime? SubmittedAt { get; private set; }
    public string? Answer { get; private set; }
    public Guid? AnsweredByUserId { get; private set; }
    public DateTime? AnsweredAt { get; private set; }

    public bool IsAnonymous => AuthorUserId is null;

    public void AnswerPublicly(string answer, Guid by, DateTime at)
    {
        Answer = answer;
        AnsweredByUserId = by;
        AnsweredAt = at;
    }
}
