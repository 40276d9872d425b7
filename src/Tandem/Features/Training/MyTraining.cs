using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Recognition;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Training;

/// <summary>A module's file, opened for reading, with the name and type it is served under.</summary>
public sealed record TrainingFile(string Name, string ContentType, Stream Content);

/// <summary>
/// A participant's own training (ADR 61): the modules their role in each program is assigned, what is left, and taking
/// them. Quizzes are scored here, on the server; a question's correct option is sent only once the participant has
/// answered the quiz. Reflections are read back by their author and the program's coordinators only: no partner, no
/// other participant. Anyone else asking for a module finds nothing (404).
/// </summary>
public sealed class MyTraining(TandemDb db, FileStore files, ProgramAccess programs, ServiceHours hours, AwardBadges badges, IProgramRetention retention,
    TimeProvider clock)
{
    /// <summary>Quiz answers and reflections written after retention cleared them would be kept for good (ADR 108, ADR 113).</summary>
    public const string Retained = "This program's data has been anonymised after it closed, so its quizzes and role-plays take no more answers.";

    /// <summary>The badge a program may award (a rule on its Recognition page) to whoever completes every module of theirs (ADR 63).</summary>
    public const string TrainingCompleteBadge = "training-complete";

    private static readonly ProgramRole[] ParticipantRoles = [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer];
    private const string NoModule = "No training module with this id is assigned to you.";

    /// <summary>A reflection on a scenario the module no longer has (removed while it was written, or never one of its own).</summary>
    public const string ScenarioRemoved = "This scenario was removed from the module (or is not one of its scenarios), so your reflection was not saved.";

    // Saves of the same progress row that met another save (its revision moved) read the row again and apply their change
    // to it; a few rounds are enough for one person's tabs.
    private const int SaveRounds = 5;

    /// <summary>The modules assigned to the reader in every program they take part in.</summary>
    public async Task<IReadOnlyList<MyTrainingList>> ListMineAsync(Actor actor, CancellationToken ct = default)
    {
        var enrolments = await db.Enrolments.AsNoTracking().Where(e => e.UserId == actor.UserId && ParticipantRoles.Contains(e.Role))
            .Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { e.ProgramId, p.Name, e.Role, e.EnrolledAt })
            .OrderBy(e => e.EnrolledAt).Take(50).ToListAsync(ct);
        var lists = new List<MyTrainingList>();
        foreach (var e in enrolments)
        {
            lists.Add(await ListAsync(actor.UserId, e.ProgramId, e.Name, e.Role, ct));
        }
        return lists.Where(l => l.Total > 0).ToList();
    }

    /// <summary>The reader's modules in one program: 404 when they do not take part in it.</summary>
    public async Task<Outcome<MyTrainingList>> ListForProgramAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var enrolment = await db.Enrolments.AsNoTracking().Where(e => e.UserId == actor.UserId && e.ProgramId == programId && ParticipantRoles.Contains(e.Role))
            .Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { p.Name, e.Role }).FirstOrDefaultAsync(ct);
        if (enrolment is null)
        {
            return new NotFound("You take no training in this program: it is for its mentors, mentees and peers.");
        }
        return await ListAsync(actor.UserId, programId, enrolment.Name, enrolment.Role, ct);
    }

    public async Task<Outcome<MyTrainingModuleView>> GetAsync(Actor actor, Guid moduleId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, moduleId, ct);
        if (found is null)
        {
            return new NotFound(NoModule);
        }
        var completion = await db.Set<TrainingCompletion>().AsNoTracking().SingleOrDefaultAsync(c => c.ModuleId == moduleId && c.UserId == actor.UserId, ct);
        return View(found.Value.Module, found.Value.ProgramName, completion);
    }

    /// <summary>
    /// Scores an attempt: every question answered with one of its options; the score is the share answered correctly
    /// (rounded down), passed at the module's pass mark. A pass is kept; the module completes once its scenarios are answered too.
    /// </summary>
    public async Task<Outcome<MyTrainingModuleView>> SubmitQuizAsync(Actor actor, Guid moduleId, SubmitQuizRequest request, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, moduleId, ct);
        if (found is null)
        {
            return new NotFound(NoModule);
        }
        var module = found.Value.Module;
        var questions = module.Questions();
        if (questions.Count == 0)
        {
            return new Conflict("This module has no quiz.");
        }
        if (await retention.AnonymisedAtAsync(module.ProgramId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        var answers = new Dictionary<Guid, int>();
        foreach (var answer in request.Answers ?? [])
        {
            var question = questions.FirstOrDefault(q => q.Id == answer.QuestionId);
            if (question is null)
            {
                return Invalid.Field("answers", $"{answer.QuestionId} is not a question of this quiz.");
            }
            if (answer.Option < 0 || answer.Option >= question.Options.Count)
            {
                return Invalid.Field("answers", $"“{question.Text}” has options 0 to {question.Options.Count - 1}.");
            }
            answers[answer.QuestionId] = answer.Option;
        }
        var unanswered = questions.Where(q => !answers.ContainsKey(q.Id)).ToList();
        if (unanswered.Count > 0)
        {
            return Invalid.Field("answers", $"Answer every question; not answered: {string.Join(" · ", unanswered.Select(q => q.Text))}");
        }
        var right = questions.Count(q => answers[q.Id] == q.Correct);
        var score = right * 100 / questions.Count;
        return await SaveAsync(actor, found.Value, (completion, now) =>
        {
            completion.RecordQuiz(answers, score, score >= module.PassMarkPercent, now);
            return null;
        }, ct);
    }

    /// <summary>Writes (or rewrites) the reader's reflection on one role-play scenario.</summary>
    public async Task<Outcome<MyTrainingModuleView>> ReflectAsync(Actor actor, Guid moduleId, SubmitReflectionRequest request, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, moduleId, ct);
        if (found is null)
        {
            return new NotFound(NoModule);
        }
        var scenario = found.Value.Module.Scenarios().FirstOrDefault(s => s.Id == request.ScenarioId);
        if (scenario is null)
        {
            // Most often a coordinator removed it while the participant wrote (ADR 129): the page keeps the text typed.
            return new Conflict(ScenarioRemoved);
        }
        if (await retention.AnonymisedAtAsync(found.Value.Module.ProgramId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        var text = (request.Answer ?? "").Replace("\r\n", "\n").Trim();
        if (text.Length == 0 || text.Length > TrainingCompletion.ReflectionMax)
        {
            return Invalid.Field("answer", $"Write your reflection: 1 to {TrainingCompletion.ReflectionMax:N0} characters.");
        }
        return await SaveAsync(actor, found.Value, (completion, _) =>
        {
            var reflections = completion.Reflections();
            reflections[scenario.Id] = text;
            completion.RecordReflections(reflections);
            return null;
        }, ct);
    }

    /// <summary>Completes a module that has neither quiz nor scenarios (reading it is the whole of it); others complete on their own.</summary>
    public async Task<Outcome<MyTrainingModuleView>> CompleteAsync(Actor actor, Guid moduleId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, moduleId, ct);
        if (found is null)
        {
            return new NotFound(NoModule);
        }
        var module = found.Value.Module;
        return await SaveAsync(actor, found.Value, (completion, _) =>
        {
            if (module.Questions().Count > 0 && !completion.QuizPassed)
            {
                return new Conflict($"Pass the quiz first (at least {module.PassMarkPercent}% correct).");
            }
            var reflections = completion.Reflections();
            var left = module.Scenarios().Count(s => !reflections.ContainsKey(s.Id));
            return left > 0 ? new Conflict($"Write your reflection on every scenario first ({left} left).") : null;
        }, ct);
    }

    /// <summary>The module's file, for the participants it is assigned to and the program's coordinators.</summary>
    public async Task<Outcome<TrainingFile>> FileAsync(Actor actor, Guid moduleId, CancellationToken ct = default)
    {
        var module = (await FindAsync(actor, moduleId, ct))?.Module;
        if (module is null)
        {
            var managed = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.Id == moduleId).SingleOrDefaultAsync(ct);
            if (managed is not null && await programs.Visible(actor).Where(programs.Manageable(actor)).AnyAsync(p => p.Id == managed.ProgramId, ct))
            {
                module = managed;
            }
        }
        if (module?.FileKey is null)
        {
            return new NotFound("No file with this module is available to you.");
        }
        var content = await files.OpenAsync(module.FileKey, ct);
        return content is null
            ? new NotFound("This module's file is no longer stored.")
            : new TrainingFile(module.FileName!, module.FileContentType!, content);
    }

    private async Task<MyTrainingList> ListAsync(Guid userId, Guid programId, string programName, ProgramRole role, CancellationToken ct)
    {
        var audiences = TrainingModule.AudiencesFor(role);
        var modules = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.ProgramId == programId && audiences.Contains(m.Audience))
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Select(m => new { m.Id, m.Title, m.Minutes }).Take(ManageTraining.MaxModules).ToListAsync(ct);
        var progress = await db.Set<TrainingCompletion>().AsNoTracking().Where(c => c.ProgramId == programId && c.UserId == userId)
            .Select(c => new { c.ModuleId, c.CompletedAt }).ToDictionaryAsync(c => c.ModuleId, c => c.CompletedAt, ct);
        var settings = await db.Set<TrainingSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        var items = modules.Select(m => new MyTrainingItem(m.Id, programId, programName, m.Title, m.Minutes,
            !progress.TryGetValue(m.Id, out var done) ? TrainingState.NotStarted : done is null ? TrainingState.InProgress : TrainingState.Completed,
            done)).ToList();
        return new MyTrainingList(programId, programName, settings?.RequiredBeforeMatching ?? false, settings?.RequiredBeforeStart ?? false,
            items.Count(i => i.State == TrainingState.Completed), items.Count, items);
    }

    /// <summary>The module when the reader takes part in its program in a role it is assigned to.</summary>
    private async Task<(TrainingModule Module, string ProgramName)?> FindAsync(Actor actor, Guid moduleId, CancellationToken ct)
    {
        var found = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.Id == moduleId)
            .Select(m => new
            {
                Module = m,
                ProgramName = db.Programs.Where(p => p.Id == m.ProgramId).Select(p => p.Name).First(),
                Roles = db.Enrolments.Where(e => e.ProgramId == m.ProgramId && e.UserId == actor.UserId).Select(e => e.Role).ToList(),
            })
            .SingleOrDefaultAsync(ct);
        if (found is null || !found.Roles.Any(r => TrainingModule.RolesOf(found.Module.Audience).Contains(r)))
        {
            return null;
        }
        return (found.Module, found.ProgramName);
    }

    /// <summary>Changes the reader's progress row (made on first use) and completes the module when everything is done, in one save.</summary>
    private async Task<Outcome<MyTrainingModuleView>> SaveAsync(Actor actor, (TrainingModule Module, string ProgramName) found,
        Func<TrainingCompletion, DateTime, Failure?> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var completion = await db.Set<TrainingCompletion>().SingleOrDefaultAsync(c => c.ModuleId == found.Module.Id && c.UserId == actor.UserId, ct);
            if (completion is null)
            {
                completion = new TrainingCompletion(found.Module.Id, found.Module.ProgramId, actor.UserId, now);
                db.Add(completion);
            }
            if (change(completion, now) is { } refused)
            {
                db.ChangeTracker.Clear();
                return refused;
            }
            var wasCompleted = completion.CompletedAt is not null;
            completion.CompleteIfDone(found.Module, now);
            try
            {
                if (wasCompleted || completion.CompletedAt is null)
                {
                    await db.SaveChangesAsync(ct);
                    return View(found.Module, found.ProgramName, completion);
                }
                // Completed now: the module's minutes are proposed as service hours (a coordinator confirms them) and, when it
                // was the last of theirs, the program's "training complete" badge is awarded if its rule is on; all in one commit.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                await hours.ProposeAsync([new ServiceHourProposal(found.Module.ProgramId, actor.UserId, ServiceHourSource.Training, found.Module.Id, now,
                    found.Module.Minutes, $"Training: {found.Module.Title}")], ct);
                if (await AllCompletedAsync(actor.UserId, found.Module.ProgramId, ct))
                {
                    await badges.ByRuleAsync(found.Module.ProgramId, TrainingCompleteBadge, [actor.UserId], ct);
                }
                await transaction.CommitAsync(ct);
                return View(found.Module, found.ProgramName, completion);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt < 3)
            {
                // The same person's first answer arrived twice at once: apply this one to the row the other made.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException e) when (e.IsLostUpdate() || e.IsForeignKeyViolation())
            {
                db.ChangeTracker.Clear();
                // Another save of the same row came first (ADR 129): its revision moved, so this one read what is now
                // stale. Read the row again and apply this change to it, unless the module itself is gone.
                if (e.IsLostUpdate() && await db.Set<TrainingModule>().AnyAsync(m => m.Id == found.Module.Id, ct))
                {
                    if (attempt < SaveRounds)
                    {
                        continue;
                    }
                    return new Conflict("Your progress in this module changed several times at once; send it again.");
                }
                // The module was deleted between reading it and this save (ADR 94): its progress row went with it (a lost
                // update) or the new one names a module no longer there (a foreign key). Nothing is left to answer.
                return new NotFound(NoModule);
            }
        }
    }

    /// <summary>Whether the person has completed every module their roles in the program are assigned.</summary>
    private async Task<bool> AllCompletedAsync(Guid userId, Guid programId, CancellationToken ct)
    {
        var roles = await db.Enrolments.Where(e => e.ProgramId == programId && e.UserId == userId && ParticipantRoles.Contains(e.Role)).Select(e => e.Role).ToListAsync(ct);
        var audiences = roles.SelectMany(TrainingModule.AudiencesFor).Distinct().ToList();
        return !await db.Set<TrainingModule>().AnyAsync(m => m.ProgramId == programId && audiences.Contains(m.Audience)
            && !db.Set<TrainingCompletion>().Any(c => c.ModuleId == m.Id && c.UserId == userId && c.CompletedAt != null), ct);
    }

    private static MyTrainingModuleView View(TrainingModule m, string programName, TrainingCompletion? c)
    {
        var answered = c is { QuizAttempts: > 0 };
        var answers = c?.QuizAnswers() ?? [];
        var reflections = c?.Reflections() ?? [];
        return new MyTrainingModuleView(m.Id, m.ProgramId, programName, m.Title, m.Content, m.Minutes, m.PassMarkPercent, m.VideoLinks(), ManageTraining.FileOf(m),
            m.Questions().Select(q => new MyQuizQuestion(q.Id, q.Text, q.Options, answers.TryGetValue(q.Id, out var a) ? a : null, answered ? q.Correct : null)).ToList(),
            m.Scenarios().Select(s => new MyScenario(s.Id, s.Prompt, reflections.GetValueOrDefault(s.Id))).ToList(),
            c?.QuizAttempts ?? 0, c?.QuizScorePercent, c?.QuizPassed ?? false,
            c is null ? TrainingState.NotStarted : c.CompletedAt is null ? TrainingState.InProgress : TrainingState.Completed, c?.CompletedAt);
    }
}
