using Tandem.Features.Applications;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Features.Recognition;
using Tandem.Features.Surveys;

namespace Tandem.Features.Repeats;

/// <summary>A question of a template's application form (turned into Applications' <see cref="QuestionInput"/> when applied).</summary>
public sealed record TemplateQuestion(string Id, QuestionType Type, string Prompt, IReadOnlyList<string> Options, bool Required = true, CriterionKind? Criterion = null, string? Help = null);

/// <summary>One matching criterion of a template, over its forms' question ids.</summary>
public sealed record TemplateCriterion(string Name, CriterionKind Kind, string QuestionId, string? MentorQuestionId = null, int Weight = 1, bool Required = false, double? Minimum = null);

/// <summary>
/// A ready-made program design (ADR 65): the program itself (audience, format, cadence, guidelines, objectives with their
/// measures), the application form of each role, the matching setup over those forms, Training's ready-made modules by key,
/// Surveys' templates by kind, journal prompts and the badge rules turned on. Creating a program from it makes a draft the
/// coordinator then edits like any other.
/// </summary>
public sealed record ProgramTemplate(
    string Key,
    string Title,
    string Summary,
    string Description,
    string TargetAudience,
    PairingModel Pairing,
    IReadOnlyList<MeetingFormat> MeetingFormats,
    Cadence Cadence,
    string Guidelines,
    IReadOnlyList<ObjectiveDesign> Objectives,
    IReadOnlyDictionary<ProgramRole, IReadOnlyList<TemplateQuestion>> Forms,
    IReadOnlyList<TemplateCriterion> Matching,
    IReadOnlyList<string> TrainingModules,
    IReadOnlyList<SurveyKind> Surveys,
    IReadOnlyList<string> JournalPrompts,
    IReadOnlyList<string> BadgeRules)
{
    /// <summary>Whether a mentor meets their mentees as one circle (MentoringFormat's rule over the template's formats).</summary>
    public bool MentorsLeadGroups => MentoringFormat.MentorsLeadGroups(Pairing, MeetingFormats.Aggregate(Programs.MeetingFormats.None, (all, f) => all | f.ToFlag()));
}

/// <summary>
/// The four shipped program templates (issue 13 item 6), as code like Training's and Surveys' templates: reviewed with the code,
/// checked by the same rules a coordinator's input meets when applied, and tested by creating a program from each.
/// </summary>
public static class ProgramTemplates
{
    private static TemplateQuestion One(string id, string prompt, CriterionKind? criterion, params string[] options) =>
        new(id, QuestionType.SingleChoice, prompt, options, true, criterion);

    private static TemplateQuestion Many(string id, string prompt, CriterionKind? criterion, params string[] options) =>
        new(id, QuestionType.MultipleChoice, prompt, options, true, criterion);

    private static TemplateQuestion Free(string id = "availability") =>
        new(id, QuestionType.Availability, "When are you usually free to meet?", [], true, CriterionKind.AvailabilityOverlap,
            "Tick the hours of a normal week; matching prefers partners with free time in common.");

    private static TemplateQuestion Text(string id, string prompt, bool required = false) => new(id, QuestionType.LongText, prompt, [], required);

    private static readonly ObjectiveDesign Rated = new("Meetings are worth the time", "Average session rating of at least 4 out of 5", ObjectiveMeasure.SessionRating, 4);

    private static readonly string[] StudyWorries = ["Study skills", "Making friends", "Living away from home", "Money", "Finding my way around", "Confidence"];
    private static readonly string[] Books = ["Adventure", "Animals", "Funny stories", "Mysteries", "Comics", "Facts and science"];
    private static readonly string[] OnboardingTopics = ["Tools and systems", "Who's who", "Ways of working", "Career growth", "Settling in"];
    private static readonly string[] StemGoals = ["Career planning", "Confidence", "Technical skills", "Networking", "Work-life balance", "Further study"];

    public static readonly IReadOnlyList<ProgramTemplate> All =
    [
        new("first-year-transition", "First-year transition",
            "Second- and third-year students help first-years through their first term: settling in, study habits, finding help.",
            "Every first-year who asks is paired with a student a year or two ahead on a similar course. Pairs meet every fortnight "
                + "during the first term, in person or online, to talk about settling in, study habits and where to find help.",
            "First-year students (mentees) and second- and third-year students (mentors)",
            PairingModel.MentorMentee, [MeetingFormat.OneToOne, MeetingFormat.InPerson, MeetingFormat.Online], Cadence.Fortnightly,
            """
            - Meet when you said you would, or say in good time that you cannot.
            - What your partner tells you stays between you, unless someone may be at risk: then tell the coordinator the same day.
            - Mentors share their experience; they do not do anyone's coursework.
            - Be kind, be patient, and ask the coordinator when you are unsure.
            """,
            [
                new("First-years meet their mentor regularly", "80% of pairs meet every fortnight", ObjectiveMeasure.MeetingRate, 80),
                new("First-years stay with the program through the term", "85% still taking part at the end of the term", ObjectiveMeasure.Retention, 85),
                Rated,
            ],
            new Dictionary<ProgramRole, IReadOnlyList<TemplateQuestion>>
            {
                [ProgramRole.Mentee] =
                [
                    One("course", "Which area is your course in?", CriterionKind.SameValue, "Sciences", "Engineering", "Arts and humanities", "Social sciences", "Business", "Health"),
                    Many("worries", "What would you like help with?", CriterionKind.SharedValues, StudyWorries),
                    Free(),
                    Text("note", "Anything else your mentor should know?"),
                ],
                [ProgramRole.Mentor] =
                [
                    One("course", "Which area is your course in?", CriterionKind.SameValue, "Sciences", "Engineering", "Arts and humanities", "Social sciences", "Business", "Health"),
                    Many("help-with", "What can you help a first-year with?", null, StudyWorries),
                    One("year", "Which year are you in?", null, "Second year", "Third year", "Postgraduate"),
                    Free(),
                    Text("motivation", "Why would you like to be a mentor?", required: true),
                ],
            },
            [
                new("Same course area", CriterionKind.SameValue, "course", Weight: 3),
                new("Help sought and offered", CriterionKind.SharedValues, "worries", "help-with", Weight: 2),
                new("Free time in common", CriterionKind.AvailabilityOverlap, "availability", Weight: 2, Minimum: 1),
            ],
            ["active-listening", "boundaries-and-safeguarding", "setting-goals"],
            [SurveyKind.Pre, SurveyKind.Pulse, SurveyKind.MidPoint],
            ["What surprised you most about university this week?", "What would you like to ask your mentor next time?"],
            [BadgeCatalogue.FirstMeeting, BadgeCatalogue.ProgramComplete]),

        new("reading-buddies", "Reading buddies",
            "Older pupils read with younger ones once a week, so that reading becomes something they enjoy.",
            "Older pupils are paired with younger readers and read together for half an hour every week in school: choosing books, "
                + "taking turns to read aloud and talking about the story.",
            "Younger readers (mentees) and older pupils (mentors) of one school",
            PairingModel.MentorMentee, [MeetingFormat.OneToOne, MeetingFormat.InPerson], Cadence.Weekly,
            """
            - Read together in the library or classroom at the agreed time; never meet anywhere else.
            - Let your buddy choose the book when they can, and take turns reading aloud.
            - Praise effort, never laugh at mistakes.
            - If your buddy tells you something that worries you, tell the coordinator the same day.
            """,
            [
                new("Buddies read together every week", "80% of pairs meet weekly", ObjectiveMeasure.MeetingRate, 80),
                Rated,
                new("Younger readers read better", "Reading age rises by at least half a year on average", ObjectiveMeasure.OutcomeChange, 0.5, OutcomeMeasure: "reading age"),
            ],
            new Dictionary<ProgramRole, IReadOnlyList<TemplateQuestion>>
            {
                [ProgramRole.Mentee] =
                [
                    Many("books", "Which books do you like?", CriterionKind.SharedValues, Books),
                    new("enjoy", QuestionType.Scale, "How much do you enjoy reading? (1 = not at all, 5 = very much)", [], true),
                    Free(),
                ],
                [ProgramRole.Mentor] =
                [
                    Many("books", "Which books would you like to share?", CriterionKind.SharedValues, Books),
                    Free(),
                    Text("motivation", "Why would you like to be a reading buddy?", required: true),
                ],
            },
            [
                new("Books in common", CriterionKind.SharedValues, "books", Weight: 2),
                new("Free time in common", CriterionKind.AvailabilityOverlap, "availability", Weight: 3, Minimum: 1),
            ],
            ["active-listening", "boundaries-and-safeguarding"],
            [SurveyKind.Pulse, SurveyKind.EndOfProgram],
            ["Which book did you enjoy this week, and why?"],
            [BadgeCatalogue.FirstMeeting, BadgeCatalogue.TenMeetings, BadgeCatalogue.ProgramComplete]),

        new("new-employee-onboarding", "New-employee onboarding",
            "Each new starter gets an experienced colleague as a buddy for their first three months.",
            "A new starter is paired with an experienced colleague, ideally in the same department and way of working, who helps them "
                + "find their way: tools, people, habits and unwritten rules. They meet every week for the first three months.",
            "New employees (mentees) and experienced colleagues (mentors)",
            PairingModel.MentorMentee, [MeetingFormat.OneToOne, MeetingFormat.InPerson, MeetingFormat.Online], Cadence.Weekly,
            """
            - A buddy is not the new starter's manager: conversations are confidential and never part of a performance review.
            - Meet every week, even briefly; a missed week is fine if you say so.
            - Introduce the new starter to people and explain how things really work.
            - Raise anything about safety or wellbeing with the coordinator or HR.
            """,
            [
                new("New starters meet their buddy every week", "75% of pairs meet weekly", ObjectiveMeasure.MeetingRate, 75),
                new("New starters stay", "90% still taking part after three months", ObjectiveMeasure.Retention, 90),
                Rated,
            ],
            new Dictionary<ProgramRole, IReadOnlyList<TemplateQuestion>>
            {
                [ProgramRole.Mentee] =
                [
                    One("department", "Which department are you joining?", CriterionKind.SameValue, "Engineering", "Sales", "Operations", "Finance", "People", "Other"),
                    One("location", "Where will you mostly work?", CriterionKind.SameValue, "Office", "Hybrid", "Remote"),
                    Many("topics", "What would you like help with?", CriterionKind.SharedValues, OnboardingTopics),
                    Free(),
                ],
                [ProgramRole.Mentor] =
                [
                    One("department", "Which department are you in?", CriterionKind.SameValue, "Engineering", "Sales", "Operations", "Finance", "People", "Other"),
                    One("location", "Where do you mostly work?", CriterionKind.SameValue, "Office", "Hybrid", "Remote"),
                    Many("can-help", "What can you help a new starter with?", null, OnboardingTopics),
                    Free(),
                ],
            },
            [
                new("Same department", CriterionKind.SameValue, "department", Weight: 2),
                new("Same way of working", CriterionKind.SameValue, "location", Weight: 1),
                new("Help sought and offered", CriterionKind.SharedValues, "topics", "can-help", Weight: 2),
                new("Free time in common", CriterionKind.AvailabilityOverlap, "availability", Weight: 1),
            ],
            ["active-listening", "giving-feedback", "setting-goals"],
            [SurveyKind.Pulse, SurveyKind.MidPoint, SurveyKind.EndOfProgram],
            ["What did you learn this week about how things work here?"],
            [BadgeCatalogue.FirstMeeting, BadgeCatalogue.ProgramComplete]),

        new("women-in-stem-circles", "Women in STEM circles",
            "Small circles of women in science and engineering, each led by an experienced mentor, meeting monthly.",
            "Women studying or starting out in science, technology, engineering and mathematics meet every month in a small circle "
                + "led by an experienced woman in the field: careers, confidence, skills and the networks that help.",
            "Women students and early-career professionals in STEM (mentees) and experienced women in STEM (mentors)",
            PairingModel.MentorMentee, [MeetingFormat.Group, MeetingFormat.Online], Cadence.Monthly,
            """
            - What is said in the circle stays in the circle.
            - Everyone gets time to speak; listen to understand.
            - Respect every background and every path into STEM.
            - Tell the coordinator about anything that worries you.
            """,
            [
                new("Circles meet every month", "75% of circles meet monthly", ObjectiveMeasure.MeetingRate, 75),
                new("Members stay in their circle", "80% still taking part at the end", ObjectiveMeasure.Retention, 80),
                Rated,
            ],
            new Dictionary<ProgramRole, IReadOnlyList<TemplateQuestion>>
            {
                [ProgramRole.Mentee] =
                [
                    One("field", "Which field are you in?", CriterionKind.SameValue, "Computing", "Engineering", "Mathematics", "Physical sciences", "Life sciences"),
                    Many("goals", "What would you like to work on?", CriterionKind.SharedValues, StemGoals),
                    One("stage", "Where are you in your career?", null, "Student", "Early career", "Changing career"),
                    Free(),
                ],
                [ProgramRole.Mentor] =
                [
                    One("field", "Which field are you in?", CriterionKind.SameValue, "Computing", "Engineering", "Mathematics", "Physical sciences", "Life sciences"),
                    Many("offers", "What can you help with?", null, StemGoals),
                    Free(),
                    Text("experience", "Tell us briefly about your path in STEM.", required: true),
                ],
            },
            [
                new("Same field", CriterionKind.SameValue, "field", Weight: 2),
                new("Goals and help offered", CriterionKind.SharedValues, "goals", "offers", Weight: 3),
                new("Free time in common", CriterionKind.AvailabilityOverlap, "availability", Weight: 1),
            ],
            ["active-listening", "giving-feedback", "conflict-resolution"],
            [SurveyKind.Pre, SurveyKind.MidPoint],
            ["What is one step you took this month towards your goal?"],
            [BadgeCatalogue.FirstMeeting, BadgeCatalogue.TenMeetings, BadgeCatalogue.ProgramComplete]),
    ];

    public static ProgramTemplate? Find(string? key) => All.FirstOrDefault(t => string.Equals(t.Key, key?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Keys => string.Join(", ", All.Select(t => t.Key));

    internal static List<QuestionInput> Questions(IReadOnlyList<TemplateQuestion> questions) => questions.Select(q => new QuestionInput
    {
        Id = q.Id, Type = q.Type, Prompt = q.Prompt, Help = q.Help, Options = q.Options.ToList(), Required = q.Required, Criterion = q.Criterion,
    }).ToList();

    internal static SaveMatchingSetupRequest Setup(ProgramTemplate template) => new()
    {
        Criteria = template.Matching.Select(c => new CriterionInput
        {
            Name = c.Name, Kind = c.Kind, QuestionId = c.QuestionId, MentorQuestionId = c.MentorQuestionId, Weight = c.Weight, Required = c.Required, Minimum = c.Minimum,
        }).ToList(),
    };
}
