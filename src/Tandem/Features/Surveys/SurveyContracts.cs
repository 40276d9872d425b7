using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Tandem.Features.Programs;

namespace Tandem.Features.Surveys;

public sealed class SurveyQuestionInput
{
    /// <summary>Stable key; generated when empty.</summary>
    [StringLength(40), RegularExpression("^[a-z0-9][a-z0-9_-]*$", ErrorMessage = "A question id uses lowercase letters, digits, '-' and '_'.")]
    public string? Id { get; set; }

    [Required]
    public SurveyQuestionType? Type { get; set; }

    [Required, StringLength(500, MinimumLength = 2)]
    public string Prompt { get; set; } = "";

    [StringLength(1000)]
    public string? Help { get; set; }

    [MaxLength(20)]
    public List<string> Options { get; set; } = [];

    public bool Required { get; set; }
}

/// <summary>A survey to build or change. With a template, every field left out is taken from the template.</summary>
public sealed class SaveSurveyRequest
{
    /// <summary>Start from a ready template (NeedsAssessment, Pulse, MidPoint, EndOfProgram, Pre, Post); Pre also makes the matching Post.</summary>
    public SurveyKind? Template { get; set; }

    [StringLength(Survey.TitleMax, MinimumLength = 2)]
    public string? Title { get; set; }

    [StringLength(Survey.IntroMax)]
    public string? Intro { get; set; }

    /// <summary>Anonymous answers carry no link to anyone, and results show only groups of at least five.</summary>
    public bool? Anonymous { get; set; }

    [MaxLength(SurveyDesignRules.MaxQuestions, ErrorMessage = "A survey has at most 50 questions.")]
    public List<SurveyQuestionInput>? Questions { get; set; }

    /// <summary>The program roles it goes to (Mentor, Mentee, Peer, Staff, Coordinator).</summary>
    [MaxLength(5)]
    public List<ProgramRole>? Audience { get; set; }

    public SurveyTrigger? Trigger { get; set; }

    /// <summary>For the OnDate trigger: the day it goes out (UTC).</summary>
    public DateOnly? SendOn { get; set; }

    /// <summary>The last day it can be answered; open until closed by hand when empty.</summary>
    public DateOnly? ClosesOn { get; set; }

    /// <summary>Days after the invitation that one reminder goes to those who have not answered (0 for none).</summary>
    [Range(0, 60)]
    public int? RemindAfterDays { get; set; }

    /// <summary>
    /// Only for a survey of an organisation without a program (a needs assessment): the e-mail addresses of the
    /// organisation's members it goes to; every member (but its coordinators) when empty.
    /// </summary>
    [MaxLength(10_000)]
    public List<string>? Roster { get; set; }
}

/// <summary>A coordinator's view of a survey, with how many were asked and how many answered.</summary>
public sealed record SurveyView(
    Guid Id, Guid OrganisationId, Guid? ProgramId, SurveyKind Kind, string Title, string? Intro, bool Anonymous,
    IReadOnlyList<SurveyQuestion> Questions, IReadOnlyList<ProgramRole> Audience, SurveyTrigger Trigger, DateOnly? SendOn,
    DateOnly? ClosesOn, int? RemindAfterDays, Guid? PairedSurveyId, SurveyStatus Status, int Invited, int Answered,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? SentAt, DateTime? OpenedAt, DateTime? ClosedAt);

public sealed record SurveySummary(
    Guid Id, Guid? ProgramId, SurveyKind Kind, string Title, bool Anonymous, SurveyTrigger Trigger, SurveyStatus Status,
    int Invited, int Answered, DateTime CreatedAt, DateTime? SentAt);

public sealed record SurveyTemplateView(
    SurveyKind Kind, string Title, string Description, bool Anonymous, SurveyTrigger Trigger, IReadOnlyList<ProgramRole> Audience,
    IReadOnlyList<SurveyQuestion> Questions);

/// <summary>How many chose each option (or each number of a scale).</summary>
public sealed record OptionCount(string Label, int Count);

/// <summary>
/// One question's results over everyone who answered it, or nothing but <see cref="Hidden"/> when fewer than the
/// minimum group did. For a post survey, the pre survey's mean of the same question beside it.
/// </summary>
public sealed record QuestionResult(
    string Id, SurveyQuestionType Type, string Prompt, int Answered, bool Hidden, double? Mean,
    IReadOnlyList<OptionCount> Distribution, IReadOnlyList<string> Texts, double? PairedMean, int? PairedAnswered);

public sealed record SurveyResults(
    Guid SurveyId, string Title, bool Anonymous, int MinimumGroup, int Invited, int Responses, bool Shown, string? Message,
    Guid? PairedSurveyId, string? PairedTitle, IReadOnlyList<QuestionResult> Questions);

/// <summary>One named answer set, for a named survey's coordinators (never for an anonymous one).</summary>
public sealed record NamedResponseView(Guid Id, Guid UserId, string DisplayName, ProgramRole? Role, DateTime SubmittedAt, IReadOnlyDictionary<string, JsonElement> Answers);

/// <summary>A survey the reader was asked to answer.</summary>
public sealed record MySurveySummary(
    Guid Id, string Title, Guid? ProgramId, string? ProgramName, bool Anonymous, bool Answered, bool CanAnswer, DateTime InvitedAt, DateOnly? ClosesOn);

/// <summary>The form the reader answers; their own answers only for a named survey they answered (an anonymous answer is linked to nobody, so not to them either).</summary>
public sealed record MySurveyForm(
    Guid Id, string Title, string? Intro, Guid? ProgramId, string? ProgramName, bool Anonymous, bool Answered, bool CanAnswer, DateOnly? ClosesOn,
    IReadOnlyList<SurveyQuestion> Questions, IReadOnlyDictionary<string, JsonElement>? MyAnswers);

public sealed class AnswerSurveyRequest
{
    /// <summary>Keyed by question id: a string, a list of strings (multiple choice) or a number (scale, Likert 1–5, rating 0–10).</summary>
    [Required]
    public Dictionary<string, JsonElement>? Answers { get; set; }
}

public sealed record SurveyAnswered(Guid Id, bool Anonymous, string Message);

public sealed class MakeSuggestionRequest
{
    [Required, StringLength(Suggestion.TextMax, MinimumLength = 2)]
    public string Text { get; set; } = "";

    /// <summary>True (the default): nothing about you is stored with it.</summary>
    public bool Anonymous { get; set; } = true;
}

public sealed record SuggestionReceived(Guid ProgramId, bool Anonymous, string Message);

/// <summary>A suggestion a coordinator answered publicly, as the whole program reads it: never who made it.</summary>
public sealed record PublicSuggestionView(Guid Id, string Text, string Answer, DateOnly AnsweredOn);

/// <summary>A coordinator's view of a suggestion: the author only when they chose to give their name.</summary>
public sealed record SuggestionView(
    Guid Id, Guid ProgramId, string Text, bool Anonymous, string? AuthorName, DateOnly Week, DateTime? SubmittedAt,
    string? Answer, DateTime? AnsweredAt, string? AnsweredByName);

public sealed class AnswerSuggestionRequest
{
    [Required, StringLength(Suggestion.AnswerMax, MinimumLength = 2)]
    public string Answer { get; set; } = "";
}

public static class SurveyMapping
{
    public static SurveyView ToView(this Survey s, int invited, int answered) => new(
        s.Id, s.OrganisationId, s.ProgramId, s.Kind, s.Title, s.Intro, s.Anonymous, s.Questions(), s.Audience(), s.Trigger, s.SendOn,
        s.ClosesOn, s.RemindAfterDays, s.PairedSurveyId, s.Status, invited, answered, s.CreatedAt, s.UpdatedAt, s.SentAt, s.OpenedAt, s.ClosedAt);

    public static SurveyTemplateView ToView(this SurveyTemplate t) => new(t.Kind, t.Title, t.Description, t.Anonymous, t.Trigger, t.Audience, t.Questions);
}
