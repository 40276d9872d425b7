using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Journal;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Features.Recognition;
using Tandem.Features.Relationships;
using Tandem.Features.Resources;
using Tandem.Features.Surveys;
using Tandem.Features.Training;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Repeats;

/// <summary>
/// "Copy this program" (ADR 65): a new draft in the same organisation with the source's design — the program's own fields and
/// objectives, the latest application form of each role, review criteria, matching setup, self-match settings, training modules
/// (quiz, scenarios, and the file's bytes copied to a new stored file), the training requirement, surveys as drafts without dates,
/// journal prompts, badge rules, and the program's resource library with its files and its attachments to training modules
/// (ADR 77). Nothing about people: no enrolments but the copier's, no applications, answers, relationships, meetings,
/// check-ins, messages, completions, awards or consents. <see cref="ProgramCopyScope"/> names every table that
/// points at a program as copied or not, and a test keeps that list whole.
/// </summary>
public sealed class CopyProgram(TandemDb db, ProgramAccess access, CreateProgram createProgram, GetProgram getProgram, FileStore files, TimeProvider clock)
{
    public const string OnlyCoordinatorsCopy = "Only the program's coordinators can copy it.";

    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid sourceId, CopyProgramRequest request, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, sourceId, ct, OnlyCoordinatorsCopy, withObjectives: true, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var source = found.Value!;
        var now = clock.GetUtcNow().UtcDateTime;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // CreateProgram checks that the copier may create programs in the organisation (its coordinators and administrators).
        var created = await createProgram.RunAsync(actor, new CreateProgramRequest
        {
            OrganisationId = source.OrganisationId,
            Name = request.Name.Trim(),
            Description = source.Description,
            TargetAudience = source.TargetAudience,
            Pairing = source.Pairing,
            Guidelines = source.Guidelines,
            MeetingFormats = source.MeetingFormats.ToList().ToList(),
            Cadence = source.Cadence,
            StartsOn = request.StartsOn,
            EndsOn = request.EndsOn,
            Objectives = source.Objectives.OrderBy(o => o.Position).Select(o => new ObjectiveInput
            {
                Description = o.Description, Target = o.Target, Measure = o.Measure, Threshold = o.Threshold, AtMost = o.AtMost,
                SurveyId = o.SurveyId, QuestionId = o.QuestionId, OutcomeMeasure = o.OutcomeMeasure,
            }).ToList(),
        }, ct);
        if (created.Failure is { } refused)
        {
            return refused;
        }
        var target = created.Value!.Id;
        var copier = new Copier(db, target, actor.UserId, now);

        // The latest version of each role's form becomes version 1 of the copy.
        var questionnaires = await db.Set<Questionnaire>().AsNoTracking().Where(q => q.ProgramId == sourceId).ToListAsync(ct);
        foreach (var latest in questionnaires.GroupBy(q => q.Role).Select(g => g.MaxBy(q => q.Version)!))
        {
            copier.Add(latest, e => e.Property(nameof(Questionnaire.Version)).CurrentValue = 1);
        }
        copier.AddAll(await db.Set<ReviewCriterion>().AsNoTracking().Where(r => r.ProgramId == sourceId).ToListAsync(ct));
        copier.AddAll(await db.Set<MatchSetup>().AsNoTracking().Where(s => s.ProgramId == sourceId).ToListAsync(ct));
        copier.AddAll(await db.Set<ProgramSelfMatchSettings>().AsNoTracking().Where(s => s.ProgramId == sourceId).ToListAsync(ct));
        copier.AddAll(await db.Set<TrainingSettings>().AsNoTracking().Where(s => s.ProgramId == sourceId).ToListAsync(ct));
        copier.AddAll(await db.Set<JournalPrompt>().AsNoTracking().Where(p => p.ProgramId == sourceId).ToListAsync(ct));
        copier.AddAll(await db.Set<ProgramBadgeRule>().AsNoTracking().Where(r => r.ProgramId == sourceId).ToListAsync(ct));

        // Training modules with their quiz and scenarios (JSON columns, copied as they are) and their file as new bytes.
        var modules = await db.Set<TrainingModule>().AsNoTracking().Where(m => m.ProgramId == sourceId).ToListAsync(ct);
        var resources = await db.Set<Resource>().AsNoTracking().Where(r => r.ProgramId == sourceId).ToListAsync(ct);
        var bytes = await files.ReadAllAsync(modules.Select(m => m.FileKey).Concat(resources.Select(r => r.FileKey)).OfType<string>().ToList(), ct);
        string? CopyOfFile(string? key, string prefix) => key is not null && bytes.TryGetValue(key, out var content) ? files.Add(prefix, content, now).Key : null;
        var moduleIds = new Dictionary<Guid, Guid>();
        foreach (var module in modules)
        {
            var from = module.Id;
            var fileKey = CopyOfFile(module.FileKey, "training");
            copier.Add(module, e =>
            {
                e.Property(nameof(TrainingModule.FileKey)).CurrentValue = fileKey;
                if (fileKey is null)
                {
                    e.Property(nameof(TrainingModule.FileName)).CurrentValue = null;
                    e.Property(nameof(TrainingModule.FileContentType)).CurrentValue = null;
                    e.Property(nameof(TrainingModule.FileSize)).CurrentValue = null;
                }
            });
            moduleIds[from] = module.Id;
        }

        // The program's resource library (ADR 77): each resource with its file as new bytes, and its place in the copied
        // training modules. The organisation's resources are not copied (every program sees them), but where one was
        // attached to a module, the copied module has it too. Attachments to goals and events are not carried: those are not copied.
        var programResources = resources.Select(r => r.Id).ToHashSet();
        var resourceIds = new Dictionary<Guid, Guid>();
        foreach (var resource in resources)
        {
            var from = resource.Id;
            var fileKey = CopyOfFile(resource.FileKey, "resources");
            if (resource.Kind == ResourceKind.File && fileKey is null)
            {
                continue;
            }
            copier.Add(resource, e => e.Property(nameof(Resource.FileKey)).CurrentValue = fileKey);
            resourceIds[from] = resource.Id;
        }
        var attachments = await db.Set<ResourceAttachment>().AsNoTracking()
            .Where(a => a.TargetKind == ResourceTargetKind.TrainingModule
                && db.Set<TrainingModule>().Any(m => m.Id == a.TargetId && m.ProgramId == sourceId)
                && db.Set<Resource>().Any(r => r.Id == a.ResourceId && (r.ProgramId == sourceId || r.ProgramId == null)))
            .ToListAsync(ct);
        foreach (var attachment in attachments.Where(a => resourceIds.ContainsKey(a.ResourceId) || !programResources.Contains(a.ResourceId)))
        {
            db.Add(new ResourceAttachment(resourceIds.GetValueOrDefault(attachment.ResourceId, attachment.ResourceId), ResourceTargetKind.TrainingModule,
                moduleIds[attachment.TargetId], actor.UserId, now));
        }

        // Surveys as fresh drafts through the survey's own constructor (no status, dates, claims or answers), pre/post pairs kept.
        var sourceSurveys = await db.Set<Survey>().AsNoTracking().Where(s => s.ProgramId == sourceId).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var surveyIds = new Dictionary<Guid, Guid>();
        var copies = new List<(Survey From, Survey To)>();
        foreach (var from in sourceSurveys)
        {
            var to = new Survey(source.OrganisationId, target, from.Kind, actor.UserId, now);
            to.Design(new SurveyDesign(from.Title, from.Intro, from.Anonymous, from.Questions(), from.Audience(),
                from.Trigger, SendOn: null, ClosesOn: null, from.RemindAfterDays), now);
            surveyIds[from.Id] = to.Id;
            copies.Add((from, to));
            db.Add(to);
        }
        foreach (var (from, to) in copies.Where(c => c.From.PairedSurveyId is { } paired && surveyIds.ContainsKey(paired)))
        {
            to.PairWith(surveyIds[from.PairedSurveyId!.Value]);
        }
        // An objective measured by one of the program's survey questions now reads the copied survey.
        var copy = await db.Programs.Include(p => p.Objectives).SingleAsync(p => p.Id == target, ct);
        foreach (var objective in copy.Objectives.Where(o => o.SurveyId is { } s && surveyIds.ContainsKey(s)))
        {
            db.Entry(objective).Property(o => o.SurveyId).CurrentValue = surveyIds[objective.SurveyId!.Value];
        }

        db.Add(ProgramOrigin.CopyOf(target, sourceId, actor.UserId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await getProgram.RunAsync(actor, target, ct);
    }

    /// <summary>
    /// Adds a copy of a row read without tracking, by the model's own description of it: a new key (a new GUID, or a new
    /// identity), the new program wherever it points at a program, the copier wherever it points at a person (who made or
    /// changed it), and now for its creation and change times. Columns of a design table added later are copied without a
    /// change here; a new table is classified in <see cref="ProgramCopyScope"/>.
    /// </summary>
    private sealed class Copier(TandemDb db, Guid programId, Guid actorId, DateTime now)
    {
        public void AddAll<T>(IEnumerable<T> rows) where T : class
        {
            foreach (var row in rows)
            {
                Add(row);
            }
        }

        public void Add<T>(T row, Action<EntityEntry<T>>? adjust = null) where T : class
        {
            var entry = db.Entry(row);
            var type = entry.Metadata;
            foreach (var key in type.FindPrimaryKey()!.Properties.Where(p => !p.IsForeignKey()))
            {
                if (key.ClrType == typeof(Guid))
                {
                    entry.Property(key.Name).CurrentValue = Guid.CreateVersion7();
                }
                else if (key.ClrType == typeof(int) || key.ClrType == typeof(long))
                {
                    entry.Property(key.Name).CurrentValue = Convert.ChangeType(0, key.ClrType);
                }
            }
            foreach (var foreignKey in type.GetForeignKeys())
            {
                var principal = foreignKey.PrincipalEntityType.ClrType;
                foreach (var property in foreignKey.Properties)
                {
                    if (principal == typeof(MentorshipProgram))
                    {
                        entry.Property(property.Name).CurrentValue = programId;
                    }
                    else if (principal == typeof(TandemUser))
                    {
                        entry.Property(property.Name).CurrentValue = actorId == Guid.Empty && property.IsNullable ? null : actorId;
                    }
                }
            }
            foreach (var property in type.GetProperties().Where(p => p.Name is "CreatedAt" or "UpdatedAt" && p.ClrType == typeof(DateTime)))
            {
                entry.Property(property.Name).CurrentValue = now;
            }
            foreach (var property in type.GetProperties().Where(p => p.Name.EndsWith("ByUserId", StringComparison.Ordinal) && !p.IsForeignKey()))
            {
                entry.Property(property.Name).CurrentValue = actorId;
            }
            adjust?.Invoke(entry);
            entry.State = EntityState.Added;
        }
    }
}
