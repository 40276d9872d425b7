using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Journal;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Features.Recognition;
using Tandem.Features.Surveys;
using Tandem.Features.Training;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Repeats;

/// <summary>
/// A coordinator of an organisation starts a draft program from a shipped template (ADR 65). Each part goes through the use
/// case a coordinator would use for it (CreateProgram, SaveQuestionnaire, SaveMatchingSetup, ManageTraining's templates,
/// CreateSurvey, JournalPrompts), so the template meets the same rules as typed input, all in one transaction: either the
/// whole design is there or nothing is.
/// </summary>
public sealed class CreateProgramFromTemplate(
    TandemDb db, CreateProgram createProgram, GetProgram getProgram, SaveQuestionnaire forms, SaveMatchingSetup matching,
    ManageTraining training, CreateSurvey surveys, JournalPrompts prompts, TimeProvider clock)
{
    public static IReadOnlyList<ProgramTemplateView> List() => ProgramTemplates.All.Select(View).ToList();

    public static ProgramTemplateView View(ProgramTemplate t) => new(
        t.Key, t.Title, t.Summary, t.Description, t.TargetAudience, t.Pairing, t.MeetingFormats, t.Cadence, t.MentorsLeadGroups,
        t.Objectives.Select(o => new ObjectiveView(o.Description, o.Target, o.Measure, o.Threshold, o.AtMost, null, null, o.OutcomeMeasure)).ToList(),
        t.Forms.ToDictionary(f => f.Key, f => f.Value.Count), t.Matching.Select(c => c.Name).ToList(),
        t.TrainingModules.Select(k => TrainingTemplates.All.Single(m => m.Key == k).Module.Title!).ToList(),
        t.Surveys.Select(k => SurveyTemplates.Find(k)!.Title).ToList(), t.JournalPrompts, t.BadgeRules);

    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, ProgramFromTemplateRequest request, CancellationToken ct = default)
    {
        var template = ProgramTemplates.Find(request.TemplateId);
        if (template is null)
        {
            return new NotFound($"No program template is called “{request.TemplateId}”. The templates are: {ProgramTemplates.Keys}.");
        }
        var design = new CreateProgramRequest
        {
            OrganisationId = request.OrganisationId,
            Name = request.Name.Trim(),
            Description = template.Description,
            TargetAudience = template.TargetAudience,
            Pairing = template.Pairing,
            Guidelines = template.Guidelines.Trim(),
            MeetingFormats = template.MeetingFormats.ToList(),
            Cadence = template.Cadence,
            StartsOn = request.StartsOn,
            EndsOn = request.EndsOn,
            Objectives = template.Objectives.Select(o => new ObjectiveInput
            {
                Description = o.Description, Target = o.Target, Measure = o.Measure, Threshold = o.Threshold, AtMost = o.AtMost, OutcomeMeasure = o.OutcomeMeasure,
            }).ToList(),
        };

        // Disposed without a commit on any failure: the draft and all its parts are rolled back together.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await createProgram.RunAsync(actor, design, ct);
        if (created.Failure is { } refused)
        {
            return refused;
        }
        var programId = created.Value!.Id;
        foreach (var (role, questions) in template.Forms)
        {
            var saved = await forms.RunAsync(actor, programId, ScreeningAccess.Slug(role), new SaveQuestionnaireRequest { Questions = ProgramTemplates.Questions(questions) }, ct);
            if (saved.Failure is { } failure)
            {
                return failure;
            }
        }
        if ((await matching.RunAsync(actor, programId, ProgramTemplates.Setup(template), ct)).Failure is { } setupFailure)
        {
            return setupFailure;
        }
        foreach (var key in template.TrainingModules)
        {
            if ((await training.AddTemplateAsync(actor, programId, key, ct)).Failure is { } trainingFailure)
            {
                return trainingFailure;
            }
        }
        foreach (var kind in template.Surveys)
        {
            if ((await surveys.RunAsync(actor, programId, new SaveSurveyRequest { Template = kind }, ct)).Failure is { } surveyFailure)
            {
                return surveyFailure;
            }
        }
        foreach (var text in template.JournalPrompts)
        {
            if ((await prompts.CreateAsync(actor, programId, new CreateJournalPromptRequest { Text = text }, ct)).Failure is { } promptFailure)
            {
                return promptFailure;
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // Straight rows rather than ProgramBadgeRules.ChangeAsync, which opens a transaction of its own.
        db.AddRange(template.BadgeRules.Select(code => new ProgramBadgeRule(programId, code, actor.UserId, now)));
        db.Add(ProgramOrigin.FromTemplate(programId, template.Key, actor.UserId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await getProgram.RunAsync(actor, programId, ct);
    }
}
