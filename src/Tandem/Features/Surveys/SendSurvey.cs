using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A coordinator sends a draft survey. With the "Now" trigger everyone in its audience is asked at once; after each
/// meeting, the members of each pair are asked when their meeting is checked in as held; on a date, half-way or at
/// the program's close, the survey waits (Scheduled) and the survey job opens it when the time comes. A closed program
/// sends no new survey (ADR 29). The design is checked again as it is now (ADR 115): a dated survey without its day, a day
/// or last day passed, or a half-way survey in a program without both dates would never go out, or go out closed.
/// The status and the invitations are one commit; people are told after it.
/// </summary>
public sealed class SendSurvey(TandemDb db, SurveyAccess access, SurveyDispatch dispatch, TimeProvider clock)
{
    public async Task<Outcome<SurveyView>> RunAsync(Actor actor, Guid surveyId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, surveyId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var survey = found.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        if (!survey.Send(now))
        {
            return new Conflict($"This survey has already been sent (it is {survey.Status}).");
        }
        if (survey.ProgramId is { } programId && await db.Programs.AnyAsync(p => p.Id == programId && p.Status == ProgramStatus.Closed, ct))
        {
            return new Conflict("The program is closed, so it sends no new surveys. Reopen the program first if it should.");
        }
        if (SurveyDesignRules.Check(new SaveSurveyRequest(), null, clock, survey).Failure is { } invalid)
        {
            return invalid;
        }
        if (survey.Trigger == SurveyTrigger.ProgramHalfway
            && !await db.Programs.AnyAsync(p => p.Id == survey.ProgramId && p.StartsOn != null && p.EndsOn != null, ct))
        {
            return Invalid.Field("trigger", "The program has no start and end dates, so it has no half-way day: give the program both dates, or choose another trigger.");
        }
        IReadOnlyList<SurveyInvitation> invited = [];
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // The status changes only if it is still a draft: of two coordinators pressing Send, one sends.
            var claimed = await db.Set<Survey>().Where(s => s.Id == survey.Id && s.Status == SurveyStatus.Draft)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Status, survey.Status)
                    .SetProperty(s => s.SentAt, survey.SentAt)
                    .SetProperty(s => s.OpenedAt, survey.OpenedAt)
                    .SetProperty(s => s.UpdatedAt, survey.UpdatedAt), ct);
            if (claimed == 0)
            {
                return new Conflict("This survey has just been sent by someone else.");
            }
            db.ChangeTracker.Clear();
            survey = await db.Set<Survey>().AsNoTracking().SingleAsync(s => s.Id == surveyId, ct);
            if (survey.Trigger == SurveyTrigger.Now)
            {
                // In the same commit as the status: a failure leaves a draft to send again, never an open survey nobody was asked to.
                invited = await dispatch.StoreAudienceAsync(survey, ct);
            }
            await transaction.CommitAsync(ct);
        }
        await dispatch.TellAsync(survey, invited, ct);
        var (asked, answered) = await access.CountsAsync(survey.Id, ct);
        return survey.ToView(asked, answered);
    }
}
