using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// Someone answers a survey they were asked to, once, while they still belong where it was asked (enrolled in its
/// program, a member of its organisation) with an account that is not disabled; otherwise it is not theirs to find (404).
/// For an anonymous survey the answer row holds a random id, the survey, its place among the survey's answers, the
/// answers and the week, nothing else; the invitation only turns "answered", with no time and no link to the answer;
/// and nothing else is written (no notification, no log line naming them) (ADR 24, ADR 99). A program whose data the
/// retention job anonymised takes no more answers (409).
/// </summary>
public sealed class AnswerSurvey(TandemDb db, SurveyAccess access, IProgramRetention retention, TimeProvider clock)
{
    private const int Attempts = 10;

    public async Task<Outcome<SurveyAnswered>> RunAsync(Actor actor, Guid invitationId, AnswerSurveyRequest request, CancellationToken ct = default)
    {
        var invitation = await access.MyInvitations(actor).AsNoTracking().SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        var survey = invitation is null ? null
            : await db.Set<Survey>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == invitation.SurveyId && s.OpenedAt != null, ct);
        if (invitation is null || survey is null)
        {
            return new NotFound("No survey of yours has this id.");
        }
        if (invitation.Answered)
        {
            return new Conflict("You have already answered this survey.");
        }
        if (survey.ProgramId is { } programId && await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(SurveyText.Retained);
        }
        if (!GetMySurvey.CanAnswer(survey, invitation, clock))
        {
            return new Conflict("This survey is closed.");
        }
        var (answers, errors) = SurveyAnswerSheet.Check(survey.Questions(), request.Answers);
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var json = AnswerSheet.Serialize(answers);
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Marking the invitation is the claim: of two answers sent at once, one is kept.
            var claimed = survey.Anonymous
                ? await db.Set<SurveyInvitation>().Where(i => i.Id == invitation.Id && !i.Answered)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.Answered, true), ct)
                : await db.Set<SurveyInvitation>().Where(i => i.Id == invitation.Id && !i.Answered)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.Answered, true).SetProperty(i => i.AnsweredAt, now), ct);
            if (claimed == 0)
            {
                return new Conflict("You have already answered this survey.");
            }
            // The next place among the survey's answers; two answers taking it at once meet on the unique index, and the
            // second tries again with the place after.
            var position = (await db.Set<SurveyResponse>().Where(r => r.SurveyId == survey.Id).MaxAsync(r => (int?)r.Position, ct) ?? 0) + 1;
            db.Add(survey.Anonymous
                ? SurveyResponse.Anonymous(survey.Id, position, json, now)
                : SurveyResponse.Named(survey.Id, position, json, invitation, now));
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                break;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt < Attempts)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        return new SurveyAnswered(invitation.Id, survey.Anonymous, survey.Anonymous
            ? "Thank you. Your answers were stored with no link to you."
            : "Thank you. Your answers were saved.");
    }
}
