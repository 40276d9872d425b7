using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A coordinator builds a survey for a program, from scratch or from a template (fields left out come from the
/// template). It starts as a draft; <see cref="SendSurvey"/> sends it. The Pre template also makes its Post survey
/// with the same questions, sent when the program closes, so the two can be compared.
/// </summary>
public sealed class CreateSurvey(TandemDb db, ProgramAccess programs, SurveyAccess access, TimeProvider clock)
{
    public async Task<Outcome<SurveyView>> RunAsync(Actor actor, Guid programId, SaveSurveyRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators build its surveys.");
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        if (program.Status == ProgramStatus.Closed)
        {
            return new Conflict("This program is closed; it takes no new surveys.");
        }
        if (request.Roster is not null)
        {
            return Invalid.Field("roster", "A program's survey goes to its people by role (audience); a roster is for a survey of the organisation.");
        }
        var template = request.Template is { } kind ? SurveyTemplates.Find(kind) : null;
        if (request.Template is not null && template is null)
        {
            return Invalid.Field("template", "There is no template of this kind; use NeedsAssessment, Pulse, MidPoint, EndOfProgram, Pre or Post.");
        }
        var checkedDesign = SurveyDesignRules.Check(request, template, clock);
        if (checkedDesign.Failure is { } invalid)
        {
            return invalid;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var survey = new Survey(program.OrganisationId, program.Id, template?.Kind ?? SurveyKind.Custom, actor.UserId, now);
        survey.Design(checkedDesign.Value!, now);
        db.Add(survey);
        if (template?.Kind == SurveyKind.Pre && SurveyTemplates.Find(SurveyKind.Post) is { } postTemplate)
        {
            var design = checkedDesign.Value!;
            var post = new Survey(program.OrganisationId, program.Id, SurveyKind.Post, actor.UserId, now);
            post.Design(design with { Title = postTemplate.Title, Trigger = SurveyTrigger.ProgramClosed, SendOn = null, ClosesOn = null }, now);
            survey.PairWith(post.Id);
            post.PairWith(survey.Id);
            db.Add(post);
        }
        await db.SaveChangesAsync(ct);
        var (invited, answered) = await access.CountsAsync(survey.Id, ct);
        return survey.ToView(invited, answered);
    }
}
