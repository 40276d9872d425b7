using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Surveys;

public sealed record SurveyRun(int Opened, int Invited, int Reminded, int Closed);

/// <summary>
/// The survey job, one tick: opens scheduled surveys whose time came (their date, the program half-way between its
/// start and end, the program closed) and asks their audience; asks the members of each pair after a meeting is
/// checked in as held (pulse); sends one reminder to those who have not answered after the survey's reminder
/// delay (for a pulse, only while the meeting's pair has not ended); and closes surveys past their last day. A closed
/// program opens only its "when the program closes" surveys (ADR 99, ADR 115): a dated or half-way one waits. Each
/// survey is claimed for a lease (and a scheduled one opened only by the node whose status change wins), so two nodes
/// never ask or remind the same person twice.
/// </summary>
public sealed class DispatchSurveys(TandemDb db, SurveyDispatch dispatch, IOptions<SurveyOptions> options, TimeProvider clock)
{
    public async Task<SurveyRun> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var closed = await db.Set<Survey>()
            .Where(s => s.Status != SurveyStatus.Closed && s.Status != SurveyStatus.Draft && s.ClosesOn != null && s.ClosesOn < today)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SurveyStatus.Closed).SetProperty(s => s.ClosedAt, now).SetProperty(s => s.UpdatedAt, now), ct);

        var opened = 0;
        var invited = 0;
        // A survey without a program is dated (its program fields stay empty).
        var due = await db.Set<Survey>().Where(s => s.Status == SurveyStatus.Scheduled)
            .Select(s => new
            {
                s.Id, s.Trigger, s.SendOn,
                Status = db.Programs.Where(p => p.Id == s.ProgramId).Select(p => (ProgramStatus?)p.Status).FirstOrDefault(),
                StartsOn = db.Programs.Where(p => p.Id == s.ProgramId).Select(p => p.StartsOn).FirstOrDefault(),
                EndsOn = db.Programs.Where(p => p.Id == s.ProgramId).Select(p => p.EndsOn).FirstOrDefault(),
            })
            .ToListAsync(ct);
        foreach (var candidate in due.Where(d => d.Trigger switch
        {
            // A closed program sends no new survey: only its "when the program closes" surveys open by themselves.
            _ when d.Status == ProgramStatus.Closed && d.Trigger != SurveyTrigger.ProgramClosed => false,
            SurveyTrigger.OnDate => d.SendOn <= today,
            SurveyTrigger.ProgramHalfway => d.StartsOn is { } start && d.EndsOn is { } end && start.AddDays((end.DayNumber - start.DayNumber) / 2) <= today,
            SurveyTrigger.ProgramClosed => d.Status == ProgramStatus.Closed,
            _ => false,
        }))
        {
            IReadOnlyList<SurveyInvitation> asked;
            Survey survey;
            // The opening and the invitations are one commit, so a failure leaves the survey scheduled for the next run to
            // try again instead of open with nobody asked; people are told once it is committed.
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                // Checked again in the claim: a program closed since the read above opens no dated or half-way survey.
                var won = await db.Set<Survey>().Where(s => s.Id == candidate.Id && s.Status == SurveyStatus.Scheduled
                        && (s.Trigger == SurveyTrigger.ProgramClosed || !db.Programs.Any(p => p.Id == s.ProgramId && p.Status == ProgramStatus.Closed)))
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SurveyStatus.Open).SetProperty(s => s.OpenedAt, now).SetProperty(s => s.UpdatedAt, now), ct);
                if (won == 0)
                {
                    continue;
                }
                survey = await db.Set<Survey>().AsNoTracking().SingleAsync(s => s.Id == candidate.Id, ct);
                asked = await dispatch.StoreAudienceAsync(survey, ct);
                await transaction.CommitAsync(ct);
            }
            opened++;
            await dispatch.TellAsync(survey, asked, ct);
            invited += asked.Count;
        }

        var reminded = 0;
        var open = await db.Set<Survey>().AsNoTracking()
            .Where(s => s.Status == SurveyStatus.Open && (s.Trigger == SurveyTrigger.AfterEachMeeting || s.RemindAfterDays != null))
            .Select(s => s.Id).ToListAsync(ct);
        foreach (var surveyId in open)
        {
            var until = now + options.Value.ClaimLease;
            var claimed = await db.Set<Survey>().Where(s => s.Id == surveyId && (s.ClaimedUntil == null || s.ClaimedUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ClaimedUntil, until), ct);
            if (claimed == 0)
            {
                continue;
            }
            var survey = await db.Set<Survey>().AsNoTracking().SingleAsync(s => s.Id == surveyId, ct);
            if (survey.Trigger == SurveyTrigger.AfterEachMeeting)
            {
                invited += await AskAfterMeetingsAsync(survey, ct);
            }
            if (survey.RemindAfterDays is { } days)
            {
                var before = now.AddDays(-days);
                // Nobody removed from the program (or organisation) or disabled since is reminded.
                var reminders = db.Set<SurveyInvitation>().Where(i => i.SurveyId == surveyId && !i.Answered && i.RemindedAt == null && i.InvitedAt <= before);
                if (survey.Trigger == SurveyTrigger.AfterEachMeeting)
                {
                    // A pulse asks about one meeting: once its pair or group has ended, nobody is reminded of it.
                    var running = db.Set<Relationship>().Where(r => r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused).Select(r => r.Id);
                    reminders = reminders.Where(i => db.Set<CheckIn>().Any(c => (c.MeetingId == i.Occasion || c.Id == i.Occasion) && running.Contains(c.RelationshipId)
                        && db.Set<RelationshipMember>().Any(m => m.RelationshipId == c.RelationshipId && m.UserId == i.UserId)));
                }
                var unanswered = await SurveyAccess.Current(db, reminders).ToListAsync(ct);
                foreach (var invitation in unanswered)
                {
                    invitation.MarkReminded(now);
                }
                await db.SaveChangesAsync(ct);
                await dispatch.RemindAsync(survey, unanswered, ct);
                reminded += unanswered.Count;
            }
            await db.Set<Survey>().Where(s => s.Id == surveyId).ExecuteUpdateAsync(u => u.SetProperty(s => s.ClaimedUntil, (DateTime?)null), ct);
        }
        return new SurveyRun(opened, invited, reminded, closed);
    }

    /// <summary>
    /// Someone's meeting may have been checked in just before the job looked and committed just after: the job looks again
    /// this far back, and the invitations already made (one per person and meeting) keep it from asking twice.
    /// </summary>
    internal static readonly TimeSpan CommitSlack = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The members (in the audience) of each pair whose meeting someone checked in as held since the job last looked
    /// (since the survey opened, the first time), once per meeting. A meeting held while a member could not be asked (no
    /// consent, ADR 48) is not asked about later, when they can: someone consenting later is not asked about earlier
    /// meetings (ADR 24), only about meetings checked in from then on.
    /// </summary>
    private async Task<int> AskAfterMeetingsAsync(Survey survey, CancellationToken ct)
    {
        if (survey.ProgramId is not { } programId || survey.OpenedAt is not { } opened)
        {
            return 0;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var since = survey.MeetingsSeenUntil is { } seen && seen > opened ? seen : opened;
        var roles = survey.Audience().ToList();
        var held = await db.Set<CheckIn>().Where(c => c.Happened && c.CreatedAt >= since)
            .Join(db.Set<Relationship>().Where(r => r.ProgramId == programId), c => c.RelationshipId, r => r.Id, (c, r) => new { c.RelationshipId, Occasion = c.MeetingId ?? c.Id })
            .Distinct().ToListAsync(ct);
        var invited = 0;
        if (held.Count > 0)
        {
            var relationshipIds = held.Select(h => h.RelationshipId).Distinct().ToList();
            var members = await db.Set<RelationshipMember>().Where(m => relationshipIds.Contains(m.RelationshipId) && roles.Contains(m.Role))
                .Select(m => new { m.RelationshipId, m.UserId, m.Role }).ToListAsync(ct);
            var occasions = held.Select(h => h.Occasion).Distinct().ToList();
            var asked = (await db.Set<SurveyInvitation>().Where(i => i.SurveyId == survey.Id && occasions.Contains(i.Occasion))
                .Select(i => new { i.UserId, i.Occasion }).ToListAsync(ct)).ToHashSet();
            var fresh = (from h in held
                         join m in members on h.RelationshipId equals m.RelationshipId
                         where !asked.Contains(new { m.UserId, h.Occasion })
                         select new SurveyInvitation(survey.Id, m.UserId, m.Role, h.Occasion, now))
                .DistinctBy(i => (i.UserId, i.Occasion)).ToList();
            invited = await dispatch.InviteAsync(survey, fresh, ct);
        }
        var seenUntil = now - CommitSlack;
        if (seenUntil > since)
        {
            await db.Set<Survey>().Where(s => s.Id == survey.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.MeetingsSeenUntil, seenUntil), ct);
        }
        return invited;
    }
}
