using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Training;

/// <summary>Who a module is for. Peers both mentor and are mentored, so every module is theirs.</summary>
public enum TrainingAudience { Everyone, Mentors, Mentees }

/// <summary>A multiple-choice question of a module's quiz: one option is correct (its index, never sent to a participant before they answer).</summary>
public sealed record QuizQuestion(Guid Id, string Text, IReadOnlyList<string> Options, int Correct);

/// <summary>A role-play situation the participant answers with a written reflection.</summary>
public sealed record RolePlayScenario(Guid Id, string Prompt);

/// <summary>
/// A training module of a program (ADR 61): Markdown content (shown through SafeMarkdown), video links (https only), one
/// downloadable file (kept in StoredFiles like message attachments), a short quiz with a pass mark, and role-play
/// scenarios answered in writing. Assigned by role; a minutes estimate is what completing it counts as training time.
/// </summary>
public sealed class TrainingModule
{
    public const int TitleMax = 200;
    public const int ContentMax = 50_000;
    public const int MaxVideoLinks = 5;
    public const int VideoLinkMax = 500;
    public const int MaxQuestions = 20;
    public const int MaxOptions = 6;
    public const int QuestionMax = 500;
    public const int OptionMax = 300;
    public const int MaxScenarios = 5;
    public const int PromptMax = 2_000;
    public const int MaxMinutes = 600;
    public const int FileNameMax = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private TrainingModule() { }

    public TrainingModule(Guid programId, Guid createdByUserId, DateTime at, string? templateKey = null)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        CreatedByUserId = createdByUserId;
        CreatedAt = at;
        UpdatedAt = at;
        TemplateKey = templateKey;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string Title { get; private set; } = "";

    /// <summary>Markdown, shown through SafeMarkdown (ADR 55).</summary>
    public string Content { get; private set; } = "";
    public TrainingAudience Audience { get; private set; }

    /// <summary>The coordinator's estimate of the time the module takes; copied to a completion as training time.</summary>
    public int Minutes { get; private set; }
    public int PassMarkPercent { get; private set; }
    public string VideoLinksJson { get; private set; } = "[]";
    public string QuestionsJson { get; private set; } = "[]";
    public string ScenariosJson { get; private set; } = "[]";

    /// <summary>The ready-made template it was added from, if any.</summary>
    public string? TemplateKey { get; private set; }
    public Guid? CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>The downloadable file's key in StoredFiles; its name and the type read from its bytes.</summary>
    public string? FileKey { get; private set; }
    public string? FileName { get; private set; }
    public string? FileContentType { get; private set; }
    public long? FileSize { get; private set; }

    public IReadOnlyList<string> VideoLinks() => JsonSerializer.Deserialize<List<string>>(VideoLinksJson, Json) ?? [];

    public IReadOnlyList<QuizQuestion> Questions() => JsonSerializer.Deserialize<List<QuizQuestion>>(QuestionsJson, Json) ?? [];

    public IReadOnlyList<RolePlayScenario> Scenarios() => JsonSerializer.Deserialize<List<RolePlayScenario>>(ScenariosJson, Json) ?? [];

    public void Write(string title, string content, TrainingAudience audience, int minutes, int passMarkPercent,
        IReadOnlyList<string> videoLinks, IReadOnlyList<QuizQuestion> questions, IReadOnlyList<RolePlayScenario> scenarios, DateTime at)
    {
        Title = title;
        Content = content;
        Audience = audience;
        Minutes = minutes;
        PassMarkPercent = passMarkPercent;
        VideoLinksJson = JsonSerializer.Serialize(videoLinks, Json);
        QuestionsJson = JsonSerializer.Serialize(questions, Json);
        ScenariosJson = JsonSerializer.Serialize(scenarios, Json);
        UpdatedAt = at;
    }

    public void AttachFile(string key, string name, string contentType, long size, DateTime at)
    {
        FileKey = key;
        FileName = name;
        FileContentType = contentType;
        FileSize = size;
        UpdatedAt = at;
    }

    /// <summary>The program roles a module's audience reaches.</summary>
    public static ProgramRole[] RolesOf(TrainingAudience audience) => audience switch
    {
        TrainingAudience.Mentors => [ProgramRole.Mentor, ProgramRole.Peer],
        TrainingAudience.Mentees => [ProgramRole.Mentee, ProgramRole.Peer],
        _ => [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer],
    };

    /// <summary>The audiences a participant in this role takes.</summary>
    public static TrainingAudience[] AudiencesFor(ProgramRole role) =>
        Enum.GetValues<TrainingAudience>().Where(a => RolesOf(a).Contains(role)).ToArray();
}

/// <summary>
/// A participant's progress in one module: quiz attempts and the latest score (scored on the server), their reflections
/// (private to them and the program's coordinators), and once everything is done the time it was completed and the
/// module's minutes at that moment, so service hours can count training time later.
/// </summary>
public sealed class TrainingCompletion
{
    public const int ReflectionMax = 5_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private TrainingCompletion() { }

    public TrainingCompletion(Guid moduleId, Guid programId, Guid userId, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ModuleId = moduleId;
        ProgramId = programId;
        UserId = userId;
        StartedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ModuleId { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid UserId { get; private set; }
    public DateTime StartedAt { get; private set; }
    public int QuizAttempts { get; private set; }
    public int? QuizScorePercent { get; private set; }
    public bool QuizPassed { get; private set; }

    /// <summary>The options chosen at the latest attempt, by question id.</summary>
    public string QuizAnswersJson { get; private set; } = "{}";
    public DateTime? QuizAnsweredAt { get; private set; }

    /// <summary>The reflections written, by scenario id.</summary>
    public string ReflectionsJson { get; private set; } = "{}";
    public DateTime? CompletedAt { get; private set; }

    /// <summary>The module's minutes when it was completed: training time for service hours.</summary>
    public int? Minutes { get; private set; }

    /// <summary>
    /// Moves with every change (a concurrency token, ADR 129): the reflections are one JSON column read, changed and
    /// written back, so a save that read an older revision is refused and reads the row again.
    /// </summary>
    public int Revision { get; private set; }

    public Dictionary<Guid, int> QuizAnswers() => JsonSerializer.Deserialize<Dictionary<Guid, int>>(QuizAnswersJson, Json) ?? [];

    public Dictionary<Guid, string> Reflections() => JsonSerializer.Deserialize<Dictionary<Guid, string>>(ReflectionsJson, Json) ?? [];

    public void RecordQuiz(IReadOnlyDictionary<Guid, int> answers, int scorePercent, bool passed, DateTime at)
    {
        QuizAttempts++;
        Revision++;
        QuizAnswersJson = JsonSerializer.Serialize(answers, Json);
        QuizScorePercent = scorePercent;
        // A pass is kept: a later, worse attempt does not take back a completed module.
        QuizPassed = QuizPassed || passed;
        QuizAnsweredAt = at;
    }

    public void RecordReflections(IReadOnlyDictionary<Guid, string> reflections)
    {
        ReflectionsJson = JsonSerializer.Serialize(reflections, Json);
        Revision++;
    }

    /// <summary>Completes the module when its quiz is passed (or it has none) and every scenario has a reflection; kept once completed.</summary>
    public void CompleteIfDone(TrainingModule module, DateTime at)
    {
        if (CompletedAt is not null)
        {
            return;
        }
        var quizDone = module.Questions().Count == 0 || QuizPassed;
        var reflections = Reflections();
        var reflected = module.Scenarios().All(s => reflections.TryGetValue(s.Id, out var text) && text.Length > 0);
        if (quizDone && reflected)
        {
            CompletedAt = at;
            Minutes = module.Minutes;
            Revision++;
        }
    }
}

/// <summary>A program's training requirement (ADR 61): whether its participants must complete their modules before matching and/or before a relationship starts.</summary>
public sealed class TrainingSettings
{
    private TrainingSettings() { }

    public TrainingSettings(Guid programId) => ProgramId = programId;

    public Guid ProgramId { get; private set; }
    public bool RequiredBeforeMatching { get; private set; }
    public bool RequiredBeforeStart { get; private set; }

    public void Change(bool beforeMatching, bool beforeStart)
    {
        RequiredBeforeMatching = beforeMatching;
        RequiredBeforeStart = beforeStart;
    }
}

internal sealed class TrainingModuleConfiguration : IEntityTypeConfiguration<TrainingModule>
{
    public void Configure(EntityTypeBuilder<TrainingModule> module)
    {
        module.ToTable("TrainingModules");
        module.HasKey(m => m.Id);
        module.Property(m => m.Title).HasMaxLength(TrainingModule.TitleMax).IsRequired();
        module.Property(m => m.Content).HasMaxLength(TrainingModule.ContentMax).IsRequired();
        module.Property(m => m.Audience).HasConversion<string>().HasMaxLength(20);
        module.Property(m => m.TemplateKey).HasMaxLength(50);
        module.Property(m => m.FileKey).HasMaxLength(100);
        module.Property(m => m.FileName).HasMaxLength(TrainingModule.FileNameMax);
        module.Property(m => m.FileContentType).HasMaxLength(100);
        module.HasOne<MentorshipProgram>().WithMany().HasForeignKey(m => m.ProgramId).OnDelete(DeleteBehavior.Cascade);
        module.HasOne<TandemUser>().WithMany().HasForeignKey(m => m.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        module.HasIndex(m => new { m.ProgramId, m.CreatedAt });
    }
}

internal sealed class TrainingCompletionConfiguration : IEntityTypeConfiguration<TrainingCompletion>
{
    public void Configure(EntityTypeBuilder<TrainingCompletion> completion)
    {
        completion.ToTable("TrainingCompletions");
        completion.HasKey(c => c.Id);
        completion.HasOne<TrainingModule>().WithMany().HasForeignKey(c => c.ModuleId).OnDelete(DeleteBehavior.Cascade);
        completion.HasOne<TandemUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        // One row per person and module, found by the gate per program and person.
        completion.HasIndex(c => new { c.ModuleId, c.UserId }).IsUnique();
        completion.HasIndex(c => new { c.ProgramId, c.UserId });
        completion.Property(c => c.Revision).IsConcurrencyToken();
    }
}

internal sealed class TrainingSettingsConfiguration : IEntityTypeConfiguration<TrainingSettings>
{
    public void Configure(EntityTypeBuilder<TrainingSettings> settings)
    {
        settings.ToTable("TrainingSettings");
        settings.HasKey(s => s.ProgramId);
        settings.HasOne<MentorshipProgram>().WithMany().HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}
