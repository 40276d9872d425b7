using Tandem.Features.Programs;

namespace Tandem.Features.Surveys;

/// <summary>A ready survey: its kind, title, questions, audience and when it goes out. A coordinator may change any of it before sending.</summary>
public sealed record SurveyTemplate(
    SurveyKind Kind, string Title, string Description, bool Anonymous, IReadOnlyList<SurveyQuestion> Questions,
    IReadOnlyList<ProgramRole> Audience, SurveyTrigger Trigger, int? RemindAfterDays);

/// <summary>
/// The ready templates (issue 11): a needs assessment before designing a program, a one-minute pulse after each
/// meeting, a mid-point and an end-of-program survey, and matching pre/post surveys whose questions are the same
/// so the results can compare them.
/// </summary>
public static class SurveyTemplates
{
    private static readonly ProgramRole[] Participants = [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer];

    private static SurveyQuestion Likert(string id, string prompt) => new(id, SurveyQuestionType.Likert, prompt, null, [], true);
    private static SurveyQuestion Rating(string id, string prompt) => new(id, SurveyQuestionType.Rating, prompt, null, [], true);
    private static SurveyQuestion Text(string id, string prompt) => new(id, SurveyQuestionType.LongText, prompt, null, [], false);
    private static SurveyQuestion Choice(string id, string prompt, params string[] options) => new(id, SurveyQuestionType.SingleChoice, prompt, null, options, true);
    private static SurveyQuestion Choices(string id, string prompt, params string[] options) => new(id, SurveyQuestionType.MultipleChoice, prompt, null, options, false);

    /// <summary>The outcome measures asked before and after, word for word, so the two can be compared.</summary>
    private static readonly SurveyQuestion[] OutcomeMeasures =
    [
        Likert("confidence", "I feel confident about my studies."),
        Likert("belonging", "I feel that I belong at this school."),
        Likert("support", "I know who to ask for help when I need it."),
        Rating("wellbeing", "How are you feeling about school overall? (0 = very bad, 10 = very good)"),
    ];

    public static readonly IReadOnlyList<SurveyTemplate> All =
    [
        new(SurveyKind.NeedsAssessment, "Needs assessment", "Before designing a program: what people want help with and how they would like to meet.", true,
        [
            Choices("topics", "What would you like help with?", "Studies", "Confidence", "Friendships", "Careers", "Settling in"),
            Choice("format", "How would you prefer to meet?", "One to one", "In a small group", "Online", "No preference"),
            Choice("frequency", "How often could you meet?", "Weekly", "Every two weeks", "Monthly"),
            Likert("interest", "I would take part in a mentoring program."),
            Text("ideas", "Anything else we should know?"),
        ], [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer, ProgramRole.Staff], SurveyTrigger.Now, 3),
        new(SurveyKind.Pulse, "How was your meeting?", "Three taps after each meeting held.", true,
        [
            Rating("meeting", "How useful was this meeting? (0 = not at all, 10 = very)"),
            Likert("heard", "I felt listened to."),
            Text("comment", "Anything to add? (optional)"),
        ], Participants, SurveyTrigger.AfterEachMeeting, 2),
        new(SurveyKind.MidPoint, "Half-way check", "When the program is half-way: how it is going and what to change.", true,
        [
            Rating("overall", "How is the program going for you? (0 = very badly, 10 = very well)"),
            Likert("match", "My mentoring partner is a good match for me."),
            Likert("often", "We meet often enough."),
            Text("change", "What one thing would make it better?"),
        ], Participants, SurveyTrigger.ProgramHalfway, 3),
        new(SurveyKind.EndOfProgram, "End of program survey", "When the program closes: what it achieved and whether to recommend it.", true,
        [
            Rating("recommend", "How likely are you to recommend this program to a friend? (0 = not at all, 10 = extremely)"),
            Likert("goals", "I made progress towards my goals."),
            Likert("again", "I would take part again."),
            Text("best", "What was the best part?"),
            Text("improve", "What should we improve?"),
        ], Participants, SurveyTrigger.ProgramClosed, 3),
        new(SurveyKind.Pre, "Before we start (outcome measures)", "The same questions as the matching post survey, asked now so the change can be measured.", true,
            OutcomeMeasures, [ProgramRole.Mentee, ProgramRole.Peer], SurveyTrigger.Now, 3),
        new(SurveyKind.Post, "After the program (outcome measures)", "The same questions as the pre survey, asked when the program closes.", true,
            OutcomeMeasures, [ProgramRole.Mentee, ProgramRole.Peer], SurveyTrigger.ProgramClosed, 3),
    ];

    public static SurveyTemplate? Find(SurveyKind kind) => All.FirstOrDefault(t => t.Kind == kind);
}
