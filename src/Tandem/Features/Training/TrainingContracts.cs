using Tandem.Features.Programs;

namespace Tandem.Features.Training;

// Coordinators: the whole module, correct answers included.

/// <param name="Id">A question's id, to keep it (and the answers given to it) when the module is changed.</param>
public sealed record QuizQuestionInput(string? Text, IReadOnlyList<string>? Options, int Correct, Guid? Id = null);

public sealed record RolePlayScenarioInput(string? Prompt, Guid? Id = null);

/// <summary>
/// A module to create or change. On a change, the audience, minutes, pass mark and each list left out (null) keep what the
/// module has: a rename must not open a mentors' module to mentees or delete its quiz. An empty list clears it.
/// </summary>
/// <param name="Audience">Everyone when a new module leaves it out.</param>
/// <param name="PassMarkPercent">The share of questions to answer correctly to pass, 0-100 (80 when a new module leaves it out).</param>
/// <param name="Minutes">The coordinator's estimate of the time the module takes (0-600; 30 when a new module leaves it out); a completion records it as training time.</param>
public sealed record TrainingModuleRequest(string? Title, string? Content, TrainingAudience? Audience = null, int? Minutes = null,
    int? PassMarkPercent = null, IReadOnlyList<string>? VideoLinks = null, IReadOnlyList<QuizQuestionInput>? Questions = null,
    IReadOnlyList<RolePlayScenarioInput>? Scenarios = null);

public sealed record TrainingFileView(string Name, string ContentType, long Size, string Url);

public sealed record TrainingModuleView(Guid Id, Guid ProgramId, string Title, string Content, TrainingAudience Audience, int Minutes, int PassMarkPercent,
    IReadOnlyList<string> VideoLinks, IReadOnlyList<QuizQuestion> Questions, IReadOnlyList<RolePlayScenario> Scenarios, TrainingFileView? File,
    string? TemplateKey, DateTime CreatedAt, DateTime UpdatedAt, int CompletedBy);

public sealed record TrainingTemplateView(string Key, string Title, string Summary, TrainingAudience Audience, int Minutes, int Questions, int Scenarios, bool Added);

public sealed record TrainingSettingsView(Guid ProgramId, bool RequiredBeforeMatching, bool RequiredBeforeStart);

public sealed record ChangeTrainingSettingsRequest(bool RequiredBeforeMatching, bool RequiredBeforeStart);

/// <summary>One person's training in a program, for its coordinators: modules completed of those assigned, training minutes, what is left.</summary>
public sealed record PersonTrainingRow(Guid UserId, string DisplayName, ProgramRole Role, int Completed, int Assigned, int Minutes, IReadOnlyList<string> Missing);

public sealed record ReflectionView(Guid ScenarioId, string Prompt, string Answer);

public sealed record PersonModuleProgress(Guid ModuleId, string Title, int QuizAttempts, int? QuizScorePercent, bool QuizPassed, DateTime? CompletedAt, int? Minutes,
    IReadOnlyList<ReflectionView> Reflections);

/// <summary>One person's training in detail, reflections included: for the program's coordinators only.</summary>
public sealed record PersonTrainingView(Guid UserId, Guid ProgramId, string DisplayName, ProgramRole Role, IReadOnlyList<PersonModuleProgress> Modules);

// Participants: their own modules. A question's correct option is null until they have answered the quiz once.

public enum TrainingState { NotStarted, InProgress, Completed }

public sealed record MyTrainingItem(Guid ModuleId, Guid ProgramId, string ProgramName, string Title, int Minutes, TrainingState State, DateTime? CompletedAt);

public sealed record MyTrainingList(Guid ProgramId, string ProgramName, bool RequiredBeforeMatching, bool RequiredBeforeStart, int Completed, int Total,
    IReadOnlyList<MyTrainingItem> Modules);

public sealed record MyQuizQuestion(Guid Id, string Text, IReadOnlyList<string> Options, int? YourAnswer, int? Correct);

public sealed record MyScenario(Guid Id, string Prompt, string? YourReflection);

public sealed record MyTrainingModuleView(Guid Id, Guid ProgramId, string ProgramName, string Title, string Content, int Minutes, int PassMarkPercent,
    IReadOnlyList<string> VideoLinks, TrainingFileView? File, IReadOnlyList<MyQuizQuestion> Questions, IReadOnlyList<MyScenario> Scenarios,
    int QuizAttempts, int? QuizScorePercent, bool QuizPassed, TrainingState State, DateTime? CompletedAt);

public sealed record QuizAnswer(Guid QuestionId, int Option);

public sealed record SubmitQuizRequest(IReadOnlyList<QuizAnswer>? Answers);

public sealed record SubmitReflectionRequest(Guid ScenarioId, string? Answer);
