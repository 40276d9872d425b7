using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Training;

/// <summary>
/// A program's coordinators build its training (ADR 61): modules written by hand or added from a ready-made template,
/// a downloadable file per module, the requirement before matching or starting, and each person's completion.
/// Everyone else who can see the program gets 403; anyone who cannot, 404.
/// </summary>
public sealed class ManageTraining(TandemDb db, ProgramAccess programs, FileStore files, Privacy.AuditLog audit, TimeProvider clock)
{
    public const string OnlyCoordinators = "Only the program's coordinators manage its training.";
    public const int MaxModules = 50;
    private const string NoModule = "No training module with this id in this program.";

    public async Task<Outcome<IReadOnlyList<TrainingModuleView>>> ListAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var modules = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.ProgramId == programId)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(MaxModules).ToListAsync(ct);
        var ids = modules.Select(m => m.Id).ToList();
        var completed = await db.Set<TrainingCompletion>().Where(c => ids.Contains(c.ModuleId) && c.CompletedAt != null)
            .GroupBy(c => c.ModuleId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return modules.Select(m => View(m, completed.GetValueOrDefault(m.Id))).ToList();
    }

    public async Task<Outcome<TrainingModuleView>> GetAsync(Actor actor, Guid programId, Guid moduleId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, programId, moduleId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return View(found.Value!, await db.Set<TrainingCompletion>().CountAsync(c => c.ModuleId == moduleId && c.CompletedAt != null, ct));
    }

    public async Task<Outcome<TrainingModuleView>> CreateAsync(Actor actor, Guid programId, TrainingModuleRequest request, CancellationToken ct = default, string? templateKey = null)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var module = new TrainingModule(programId, actor.UserId, clock.GetUtcNow().UtcDateTime, templateKey);
        if (Apply(module, request with
            {
                Audience = request.Audience ?? TrainingAudience.Everyone, Minutes = request.Minutes ?? 30, PassMarkPercent = request.PassMarkPercent ?? 80,
            }, new HashSet<Guid>()) is { } invalid)
        {
            return invalid;
        }
        // Counted and inserted behind the program's row lock (ADR 114, ADR 129): two clicks at 49 modules made 51, the 51st
        // left off every list (they stop at 50) but still counted by the training gate. Adding a template already holds
        // the lock in its transaction, which this then joins.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await ProgramLock.TakeAsync(db, programId, ct);
        if (await db.Set<TrainingModule>().CountAsync(m => m.ProgramId == programId, ct) >= MaxModules)
        {
            return new Conflict($"A program can have at most {MaxModules} training modules.");
        }
        db.Add(module);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return View(module, 0);
    }

    public async Task<Outcome<TrainingModuleView>> UpdateAsync(Actor actor, Guid programId, Guid moduleId, TrainingModuleRequest request, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, programId, moduleId, ct, tracked: true);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var module = found.Value!;
        // What the change leaves out stays as the module has it.
        var kept = request with
        {
            Audience = request.Audience ?? module.Audience,
            Minutes = request.Minutes ?? module.Minutes,
            PassMarkPercent = request.PassMarkPercent ?? module.PassMarkPercent,
            VideoLinks = request.VideoLinks ?? module.VideoLinks(),
            Questions = request.Questions ?? module.Questions().Select(q => new QuizQuestionInput(q.Text, q.Options, q.Correct, q.Id)).ToList(),
            Scenarios = request.Scenarios ?? module.Scenarios().Select(s => new RolePlayScenarioInput(s.Prompt, s.Id)).ToList(),
        };
        if (Apply(module, kept, module.Questions().Select(q => q.Id).Concat(module.Scenarios().Select(s => s.Id)).ToHashSet()) is { } invalid)
        {
            return invalid;
        }
        if (await SaveUnlessGoneAsync(ct) is { } gone)
        {
            return gone;
        }
        return View(module, await db.Set<TrainingCompletion>().CountAsync(c => c.ModuleId == moduleId && c.CompletedAt != null, ct));
    }

    /// <summary>Deletes the module with everyone's progress in it (and its file).</summary>
    public async Task<Failure?> DeleteAsync(Actor actor, Guid programId, Guid moduleId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, programId, moduleId, ct, tracked: true);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var module = found.Value!;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (module.FileKey is { } key)
        {
            await db.Set<StoredFile>().Where(f => f.Key == key).ExecuteDeleteAsync(ct);
        }
        await db.Set<TrainingCompletion>().Where(c => c.ModuleId == moduleId).ExecuteDeleteAsync(ct);
        db.Remove(module);
        if (await SaveUnlessGoneAsync(ct) is { } gone)
        {
            return gone;
        }
        await transaction.CommitAsync(ct);
        return null;
    }

    /// <summary>
    /// The module's downloadable file, checked as message attachments are (AttachmentPolicy: at most 5 MB, the type read from
    /// the bytes) and then against what the upload says it is: a name ending .pdf (or a browser's word application/pdf) must
    /// hold a PDF, so a file whose extension lies is refused. It replaces the previous file in one transaction (the old
    /// file's delete included).
    /// </summary>
    public async Task<Outcome<TrainingModuleView>> AttachFileAsync(Actor actor, Guid programId, Guid moduleId, IncomingFile file, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, programId, moduleId, ct, tracked: true);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var read = await AttachmentPolicy.ReadAsync(file, ct);
        if (read.Failure is { } refused)
        {
            return refused;
        }
        var upload = read.Value!;
        if (AttachmentPolicy.Mismatch(upload, file.ContentType) is { } lying)
        {
            return Invalid.Field("file", lying);
        }
        var module = found.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        // The old file goes in the same transaction as the new one comes: a save that fails (the module deleted meanwhile,
        // the database gone) leaves the module with its old file, never pointing at one deleted.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (module.FileKey is { } previous)
        {
            await db.Set<StoredFile>().Where(f => f.Key == previous).ExecuteDeleteAsync(ct);
        }
        var stored = files.Add("training", upload.Content, now);
        module.AttachFile(stored.Key, AttachmentPolicy.SafeName(upload.Name, TrainingModule.FileNameMax), upload.ContentType, upload.Content.LongLength, now);
        if (await SaveUnlessGoneAsync(ct) is { } gone)
        {
            return gone;
        }
        await transaction.CommitAsync(ct);
        return View(module, await db.Set<TrainingCompletion>().CountAsync(c => c.ModuleId == moduleId && c.CompletedAt != null, ct));
    }

    public async Task<Outcome<IReadOnlyList<TrainingTemplateView>>> TemplatesAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var added = await db.Set<TrainingModule>().Where(m => m.ProgramId == programId && m.TemplateKey != null).Select(m => m.TemplateKey!).ToListAsync(ct);
        return TrainingTemplates.All.Select(t => new TrainingTemplateView(t.Key, t.Module.Title!, t.Summary, t.Module.Audience ?? TrainingAudience.Everyone, t.Module.Minutes ?? 30,
            t.Module.Questions?.Count ?? 0, t.Module.Scenarios?.Count ?? 0, added.Contains(t.Key))).ToList();
    }

    /// <summary>Adds a ready-made module to the program in one action; the coordinator may edit it afterwards like any other.</summary>
    public async Task<Outcome<TrainingModuleView>> AddTemplateAsync(Actor actor, Guid programId, string templateKey, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var template = TrainingTemplates.All.FirstOrDefault(t => t.Key == templateKey);
        if (template is null)
        {
            return new NotFound($"No training template is called “{templateKey}”. The templates are: {string.Join(", ", TrainingTemplates.All.Select(t => t.Key))}.");
        }
        // A double click: the program's row lock makes the second request's check wait for the first's insert, so the
        // template is added once and the second answers 409 (ADR 113).
        // A program made from a template adds its modules inside its own transaction (Repeats): the lock and the commit are
        // then that transaction's.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await ProgramLock.TakeAsync(db, programId, ct);
        if (await db.Set<TrainingModule>().AnyAsync(m => m.ProgramId == programId && m.TemplateKey == templateKey, ct))
        {
            return new Conflict($"“{template.Module.Title}” is already one of this program's modules.");
        }
        var created = await CreateAsync(actor, programId, template.Module, ct, templateKey);
        if (created.Failure is null && transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return created;
    }

    public async Task<Outcome<TrainingSettingsView>> SettingsAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var settings = await db.Set<TrainingSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        return new TrainingSettingsView(programId, settings?.RequiredBeforeMatching ?? false, settings?.RequiredBeforeStart ?? false);
    }

    public async Task<Outcome<TrainingSettingsView>> ChangeSettingsAsync(Actor actor, Guid programId, ChangeTrainingSettingsRequest request, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        return await db.SaveOverFirstAsync(async () =>
        {
            var settings = await db.Set<TrainingSettings>().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
            if (settings is null)
            {
                settings = new TrainingSettings(programId);
                db.Add(settings);
            }
            settings.Change(request.RequiredBeforeMatching, request.RequiredBeforeStart);
            return new TrainingSettingsView(programId, settings.RequiredBeforeMatching, settings.RequiredBeforeStart);
        }, ct);
    }

    /// <summary>Every participant of the program (mentors, mentees, peers) by name, with their modules completed, minutes and what is left; paged.</summary>
    public async Task<Outcome<Paged<PersonTrainingRow>>> CompletionsAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var request = PageRequest.Clamp(page, pageSize);
        ProgramRole[] roles = [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer];
        var people = db.Enrolments.AsNoTracking().Where(e => e.ProgramId == programId && roles.Contains(e.Role));
        var rows = await people.OrderBy(e => e.User!.DisplayName).ThenBy(e => e.Id).Page(request)
            .Select(e => new { e.UserId, e.User!.DisplayName, e.Role }).ToListAsync(ct);
        var modules = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.ProgramId == programId).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.Title, m.Audience }).ToListAsync(ct);
        var userIds = rows.Select(r => r.UserId).ToList();
        var done = await db.Set<TrainingCompletion>().AsNoTracking()
            .Where(c => c.ProgramId == programId && userIds.Contains(c.UserId) && c.CompletedAt != null)
            .Select(c => new { c.UserId, c.ModuleId, c.Minutes }).ToListAsync(ct);
        var items = rows.Select(r =>
        {
            var assigned = modules.Where(m => TrainingModule.RolesOf(m.Audience).Contains(r.Role)).ToList();
            var mine = done.Where(d => d.UserId == r.UserId).ToList();
            var completed = assigned.Where(m => mine.Any(d => d.ModuleId == m.Id)).ToList();
            return new PersonTrainingRow(r.UserId, r.DisplayName, r.Role, completed.Count, assigned.Count,
                mine.Where(d => assigned.Any(m => m.Id == d.ModuleId)).Sum(d => d.Minutes ?? 0),
                assigned.Except(completed).Select(m => m.Title).ToList());
        }).ToList();
        return request.Of(items, await request.TotalAsync(people, items.Count, ct));
    }

    /// <summary>One participant's progress in every module of theirs, reflections included (a minor's read is audited, ADR 40).</summary>
    public async Task<Outcome<PersonTrainingView>> PersonAsync(Actor actor, Guid programId, Guid userId, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        ProgramRole[] roles = [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer];
        var person = await db.Enrolments.AsNoTracking().Where(e => e.ProgramId == programId && e.UserId == userId && roles.Contains(e.Role))
            .Select(e => new { e.UserId, e.User!.DisplayName, e.Role }).FirstOrDefaultAsync(ct);
        if (person is null)
        {
            return new NotFound("This person is not a participant of the program.");
        }
        var audiences = TrainingModule.AudiencesFor(person.Role);
        var modules = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.ProgramId == programId && audiences.Contains(m.Audience))
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
        var completions = await db.Set<TrainingCompletion>().AsNoTracking().Where(c => c.ProgramId == programId && c.UserId == userId)
            .ToDictionaryAsync(c => c.ModuleId, ct);
        await audit.RecordAsync(actor, [userId], Privacy.AuditRecord.Training, null, programId, "Reading a participant's training and reflections", ct);
        return new PersonTrainingView(person.UserId, programId, person.DisplayName, person.Role, modules.Select(m =>
        {
            var c = completions.GetValueOrDefault(m.Id);
            var reflections = c?.Reflections() ?? [];
            return new PersonModuleProgress(m.Id, m.Title, c?.QuizAttempts ?? 0, c?.QuizScorePercent, c?.QuizPassed ?? false, c?.CompletedAt, c?.Minutes,
                m.Scenarios().Where(s => reflections.ContainsKey(s.Id)).Select(s => new ReflectionView(s.Id, s.Prompt, reflections[s.Id])).ToList());
        }).ToList());
    }

    /// <summary>
    /// Saves the module's change; 404, as for a module never found, when it was deleted since it was read (a delete
    /// clicked twice, an edit sent from a tab opened before another coordinator deleted the module).
    /// </summary>
    private async Task<NotFound?> SaveUnlessGoneAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            db.ChangeTracker.Clear();
            return new NotFound(NoModule);
        }
    }

    private async Task<Outcome<TrainingModule>> FindAsync(Actor actor, Guid programId, Guid moduleId, CancellationToken ct, bool tracked = false)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var query = db.Set<TrainingModule>().Where(m => m.Id == moduleId && m.ProgramId == programId);
        var module = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
        return module is null ? new NotFound(NoModule) : module;
    }

    /// <summary>Checks the request and writes it to the module; keeps the ids of questions and scenarios the request names (<paramref name="known"/>).</summary>
    private Invalid? Apply(TrainingModule module, TrainingModuleRequest request, IReadOnlySet<Guid> known)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors.TryAdd(field, [message]);
        var title = request.Title?.Trim() ?? "";
        if (title.Length == 0 || title.Length > TrainingModule.TitleMax)
        {
            Error("title", $"Give the module a title of 1 to {TrainingModule.TitleMax} characters.");
        }
        var content = (request.Content ?? "").Replace("\r\n", "\n").Trim();
        if (content.Length > TrainingModule.ContentMax)
        {
            Error("content", $"The content can be at most {TrainingModule.ContentMax:N0} characters.");
        }
        if (request.Audience is not { } audience || !Enum.IsDefined(audience))
        {
            Error("audience", "The audience is Everyone, Mentors or Mentees.");
        }
        if (request.Minutes is < 0 or > TrainingModule.MaxMinutes)
        {
            Error("minutes", $"The time estimate is 0 to {TrainingModule.MaxMinutes} minutes.");
        }
        if (request.PassMarkPercent is < 0 or > 100)
        {
            Error("passMarkPercent", "The pass mark is a percentage, 0 to 100.");
        }
        var links = (request.VideoLinks ?? []).Select(l => l?.Trim() ?? "").Where(l => l.Length > 0).ToList();
        if (links.Count > TrainingModule.MaxVideoLinks)
        {
            Error("videoLinks", $"At most {TrainingModule.MaxVideoLinks} video links.");
        }
        foreach (var link in links)
        {
            if (link.Length > TrainingModule.VideoLinkMax || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host))
            {
                Error("videoLinks", $"“{(link.Length > 80 ? link[..80] + "…" : link)}” is not an https:// address. Video links must start with https://.");
            }
        }
        // Each question and scenario keeps a known id once: an id sent twice (or a question's id on a scenario) gets a new one,
        // or two questions would share one radio group and one answer (ADR 113).
        var taken = new HashSet<Guid>();
        Guid IdFor(Guid? sent) => sent is { } id && known.Contains(id) && taken.Add(id) ? id : Guid.NewGuid();
        var questions = new List<QuizQuestion>();
        var inputs = request.Questions ?? [];
        if (inputs.Count > TrainingModule.MaxQuestions)
        {
            Error("questions", $"A quiz has at most {TrainingModule.MaxQuestions} questions.");
        }
        for (var i = 0; i < inputs.Count && i < TrainingModule.MaxQuestions; i++)
        {
            var q = inputs[i];
            var text = q?.Text?.Trim() ?? "";
            var options = (q?.Options ?? []).Select(o => o?.Trim() ?? "").ToList();
            if (text.Length == 0 || text.Length > TrainingModule.QuestionMax)
            {
                Error($"questions[{i}].text", $"Question {i + 1} needs a text of 1 to {TrainingModule.QuestionMax} characters.");
            }
            if (options.Count < 2 || options.Count > TrainingModule.MaxOptions || options.Any(o => o.Length == 0 || o.Length > TrainingModule.OptionMax))
            {
                Error($"questions[{i}].options", $"Question {i + 1} needs 2 to {TrainingModule.MaxOptions} options of 1 to {TrainingModule.OptionMax} characters.");
            }
            else if (q!.Correct < 0 || q.Correct >= options.Count)
            {
                Error($"questions[{i}].correct", $"Question {i + 1}: correct is the number of the right option, counted from 0 (0 to {options.Count - 1}).");
            }
            questions.Add(new QuizQuestion(IdFor(q?.Id), text, options, q?.Correct ?? 0));
        }
        var scenarios = new List<RolePlayScenario>();
        var prompts = request.Scenarios ?? [];
        if (prompts.Count > TrainingModule.MaxScenarios)
        {
            Error("scenarios", $"A module has at most {TrainingModule.MaxScenarios} role-play scenarios.");
        }
        for (var i = 0; i < prompts.Count && i < TrainingModule.MaxScenarios; i++)
        {
            var prompt = prompts[i]?.Prompt?.Replace("\r\n", "\n").Trim() ?? "";
            if (prompt.Length == 0 || prompt.Length > TrainingModule.PromptMax)
            {
                Error($"scenarios[{i}].prompt", $"Scenario {i + 1} needs a prompt of 1 to {TrainingModule.PromptMax:N0} characters.");
            }
            scenarios.Add(new RolePlayScenario(IdFor(prompts[i]?.Id), prompt));
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        module.Write(title, content, request.Audience!.Value, request.Minutes!.Value, request.PassMarkPercent!.Value, links, questions, scenarios,
            clock.GetUtcNow().UtcDateTime);
        return null;
    }

    internal static TrainingFileView? FileOf(TrainingModule m) =>
        m.FileKey is null ? null : new TrainingFileView(m.FileName!, m.FileContentType!, m.FileSize ?? 0, $"/api/v1/training/modules/{m.Id}/file");

    private static TrainingModuleView View(TrainingModule m, int completedBy) =>
        new(m.Id, m.ProgramId, m.Title, m.Content, m.Audience, m.Minutes, m.PassMarkPercent, m.VideoLinks(), m.Questions(), m.Scenarios(), FileOf(m),
            m.TemplateKey, m.CreatedAt, m.UpdatedAt, completedBy);
}
