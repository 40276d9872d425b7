using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Concerns;
using Tandem.Features.Conversations;
using Tandem.Features.Goals;
using Tandem.Features.Matching;
using Tandem.Features.Meetings;
using Tandem.Features.Outcomes;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

/// <summary>What one retention pass did: the programs it anonymised, and the expired rows it deleted.</summary>
public sealed record RetentionPass(IReadOnlyList<RetentionRun> Programs, int Sessions, int AccountTokens, int Invitations);

/// <summary>
/// The retention job (issue 16 item 5, ADR 49), run by <see cref="RetentionWorker"/> on every node and by tests directly:
/// the personal data of every program closed longer ago than its organisation keeps it (two years unless set), and past
/// the days in which it may be reopened (<see cref="ProgramOptions.ReopenGraceDays"/>, whichever ends later), is
/// anonymised with the same overwrites as an erasure (<see cref="Anonymise"/>), one program per transaction, claimed by
/// inserting its <see cref="RetentionRun"/> first (its open relationships end and its notices go, ADR 109); then ended
/// sessions (signed out, or unused for longer than the sign-in cookie lives), used or expired account links and lapsed
/// invitations older than <see cref="RetentionOptions.KeepEndedFor"/> are deleted. Sent e-mails are purged by the outbox
/// (ADR 10).
/// </summary>
public sealed class ApplyRetention(TandemDb db, IOptions<RetentionOptions> options, IOptions<ProgramOptions> programOptions,
    IOptionsMonitor<CookieAuthenticationOptions> cookies, TimeProvider clock)
{
    public static readonly string Node = $"{Environment.MachineName}/{Environment.ProcessId}";

    public async Task<RetentionPass> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Closed programs not yet anonymised are few (a handful a year per organisation): read them, decide in memory.
        var closed = await db.Programs.AsNoTracking()
            .Where(p => p.Status == ProgramStatus.Closed && p.ClosedAt != null && !db.Set<RetentionRun>().Any(r => r.ProgramId == p.Id))
            .Select(p => new
            {
                p.Id, p.OrganisationId, p.Name, ClosedAt = p.ClosedAt!.Value,
                Months = db.Set<RetentionSettings>().Where(s => s.OrganisationId == p.OrganisationId).Select(s => (int?)s.ClosedProgramMonths).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var done = new List<RetentionRun>();
        foreach (var program in closed)
        {
            var months = program.Months ?? RetentionSettings.DefaultMonths;
            // Not while a coordinator may still reopen it (ADR 29): a program anonymised then reopened would never be again.
            var reopenableUntil = program.ClosedAt + programOptions.Value.ReopenGrace;
            if (RetentionSettings.ExpiresAt(program.ClosedAt, months) > now || reopenableUntil >= now)
            {
                continue;
            }
            var run = new RetentionRun(program.OrganisationId, program.Id, program.Name, program.ClosedAt, months, Node, now);
            if (await AnonymiseProgramAsync(run, ct))
            {
                done.Add(run);
            }
        }
        await AnonymiseOrganisationSurveysAsync(now, ct);
        await ClearDeclineReasonsAsync(now, ct);
        var before = now - options.Value.KeepEndedFor;
        // A session has ended when it was signed out (revoked) or when its cookie can no longer be valid: the sign-in cookie
        // slides for its lifetime (14 days, AccountsSetup) from its last use (LastSeenAt, written at most daily; null: since sign-in).
        var unusedSince = before - cookies.Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan;
        var sessions = await db.UserSessions
            .Where(s => (s.RevokedAt != null && s.RevokedAt < before) || (s.LastSeenAt ?? s.CreatedAt) < unusedSince).ExecuteDeleteAsync(ct);
        var tokens = await db.Set<AccountToken>().Where(t => t.ExpiresAt < before || (t.UsedAt != null && t.UsedAt < before)).ExecuteDeleteAsync(ct)
            + await db.Set<Privacy.GuardianAccessLink>().Where(l => l.ExpiresAt < before).ExecuteDeleteAsync(ct);
        // An invitation nobody accepted is a name, an address and a dead link: gone once it lapsed (expired or revoked) long enough ago.
        var invitations = await db.Set<Invitation>().Where(i => i.AcceptedAt == null && (i.ExpiresAt < before || (i.RevokedAt != null && i.RevokedAt < before)))
            .ExecuteDeleteAsync(ct);
        return new RetentionPass(done, sessions, tokens, invitations);
    }

    /// <returns>True when this call did the work; false when another node had already claimed the program.</returns>
    private async Task<bool> AnonymiseProgramAsync(RetentionRun run, CancellationToken ct)
    {
        var programId = run.ProgramId;
        var rows = new Dictionary<string, int>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            rows.Clear();
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The claim first: a second node's insert waits for this transaction and then fails on the unique program id.
            db.Add(run);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return false;
            }
            // The pairs and groups still open when the program closed end first (ADR 109): otherwise their members go on messaging,
            // checking in and setting goals in a program that is never anonymised again. Completed, as a closed program's pairs
            // are (ended early would count them as lost in its figures); their seats go as ChangeRelationshipStatus frees them;
            // nobody is told, the program closed long ago.
            rows["relationshipsEnded"] = await db.Set<Relationship>()
                .Where(r => r.ProgramId == programId && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RelationshipStatus.Completed).SetProperty(r => r.EndedAt, run.At)
                    .SetProperty(r => r.StatusChangedAt, run.At).SetProperty(r => r.StatusChangedByUserId, (Guid?)null), ct);
            var relationships = db.Set<Relationship>().Where(r => r.ProgramId == programId).Select(r => r.Id);
            await db.Set<RelationshipSeat>().Where(x => relationships.Contains(x.RelationshipId)).ExecuteDeleteAsync(ct);
            var applications = db.Set<Application>().Where(a => a.ProgramId == programId).Select(a => a.Id);
            var concerns = db.Set<Concern>().Where(c => c.ProgramId == programId).Select(c => c.Id);
            var meetings = db.Set<Meeting>().Where(m => m.ProgramId == programId).Select(m => m.Id);
            var drafts = db.Set<MatchDraft>().Where(d => d.ProgramId == programId).Select(d => d.Id);
            var surveys = db.Set<Survey>().Where(s => s.ProgramId == programId).Select(s => s.Id);

            // An age under 18 stays (ADR 122): it is what keeps the child a minor in the organisation's other programs and at an invitation back.
            rows["applications"] = await db.Set<Application>().Where(a => a.ProgramId == programId).ExecuteUpdateAsync(Anonymise.RetainedApplication, ct);
            rows["applicationDecisions"] = await db.Set<ApplicationDecision>().Where(d => applications.Contains(d.ApplicationId))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Message, (string?)null), ct);
            rows["consents"] = await db.Set<Privacy.Consent>().Where(c => c.ProgramId == programId).ExecuteUpdateAsync(Anonymise.Consent, ct)
                + await db.Set<Privacy.ConsentEvent>().Where(c => c.ProgramId == programId).ExecuteUpdateAsync(Anonymise.ConsentEvent, ct);
            rows["checkIns"] = await db.Set<CheckIn>().Where(c => relationships.Contains(c.RelationshipId)).ExecuteUpdateAsync(Anonymise.CheckIn, ct);
            var attachmentKeys = db.Set<Message>().Where(m => relationships.Contains(m.RelationshipId) && m.AttachmentKey != null).Select(m => m.AttachmentKey!);
            rows["attachmentFiles"] = await db.Set<Infrastructure.Files.StoredFile>().Where(f => attachmentKeys.Contains(f.Key)).ExecuteDeleteAsync(ct);
            rows["messages"] = await db.Set<Message>().Where(m => relationships.Contains(m.RelationshipId)).ExecuteUpdateAsync(Anonymise.Message, ct);
            rows["concerns"] = await db.Set<Concern>().Where(c => c.ProgramId == programId).ExecuteUpdateAsync(Anonymise.Concern, ct);
            // Discussion channels (ADR 66): posts as messages are, report and moderation reasons, and study groups' names (members' first names).
            rows["channelPosts"] = await db.Set<Channels.ChannelPost>().Where(p => p.ProgramId == programId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Body, Anonymise.Text), ct);
            rows["channelReports"] = await db.Set<Channels.PostReport>().Where(r => r.ProgramId == programId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Reason, Anonymise.Text), ct)
                + await db.Set<Channels.ModerationEntry>().Where(e => e.ProgramId == programId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Reason, (string?)null), ct);
            rows["channels"] = await db.Set<Channels.DiscussionChannel>().Where(c => c.ProgramId == programId && c.Kind == Channels.ChannelKind.StudyGroup)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "Study group"), ct);
            // Journal entries written to the program's prompts or shared with its pairs are the program's data too (ADR 56).
            rows["journalEntries"] = await db.Set<Journal.JournalEntry>()
                .Where(j => j.ProgramId == programId || (j.SharedWithRelationshipId != null && relationships.Contains(j.SharedWithRelationshipId.Value))).ExecuteDeleteAsync(ct);
            // Recognition (ADR 63): the words of kudos, hand-award reasons and ledger notes go; certificates stay, as their
            // holders' record that outlasts the program (erasure on request removes them).
            rows["kudos"] = await db.Set<Recognition.Kudos>().Where(k => k.ProgramId == programId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Message, Anonymise.Text), ct);
            rows["badges"] = await db.Set<Recognition.BadgeAward>().Where(b => b.ProgramId == programId && b.Reason != null)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Reason, (string?)null), ct);
            // A meeting's line copies the meeting's title ("Meeting held: …"), which goes below: the line says "Meeting held".
            rows["serviceHours"] = await db.Set<Recognition.ServiceHourEntry>().Where(e => e.ProgramId == programId && e.Note != null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Note, (string?)null), ct)
                + await db.Set<Recognition.ServiceHourEntry>()
                    .Where(e => e.ProgramId == programId && e.Source == Recognition.ServiceHourSource.Meeting && e.Description != Anonymise.MeetingHeld)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.Description, Anonymise.MeetingHeld), ct);
            // Goals (ADR 59): relationships are kept, not deleted, so their goals' words go here; statuses, dates and columns stay for the figures.
            rows["goals"] = await db.Set<Goal>().Where(g => g.ProgramId == programId).ExecuteUpdateAsync(Anonymise.Goal, ct);
            var goals = db.Set<Goal>().Where(g => g.ProgramId == programId).Select(g => g.Id);
            rows["goalMilestones"] = await db.Set<Milestone>().Where(m => goals.Contains(m.GoalId)).ExecuteUpdateAsync(Anonymise.Milestone, ct);
            rows["actionItems"] = await db.Set<ActionItem>().Where(a => a.ProgramId == programId).ExecuteUpdateAsync(Anonymise.ActionItem, ct);
            // Staff notes too: erasure leaves them as the staff's records (ADR 42); when the program's data expires they go.
            // Training reflections and quiz answers (ADR 61) go; who completed which module when, and its minutes, stay.
            rows["trainingCompletions"] = await db.Set<Training.TrainingCompletion>().Where(c => c.ProgramId == programId && (c.ReflectionsJson != "{}" || c.QuizAnswersJson != "{}"))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReflectionsJson, "{}").SetProperty(c => c.QuizAnswersJson, "{}"), ct);
            rows["concernSteps"] = await db.Set<ConcernStep>().Where(s => concerns.Contains(s.ConcernId)).ExecuteUpdateAsync(s => s.SetProperty(x => x.Note, (string?)null), ct);
            // Requests still pending time out with the program, nobody told (ADR 126): left pending, a mentor's decline wrote
            // its note after this run and the time-out job told a mentee of a program anonymised long ago.
            rows["mentorRequestsTimedOut"] = await db.Set<MentorRequest>().Where(r => r.ProgramId == programId && r.Status == MentorRequestStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, MentorRequestStatus.TimedOut).SetProperty(r => r.DecidedAt, run.At), ct);
            rows["mentorRequests"] = await db.Set<MentorRequest>().Where(r => r.ProgramId == programId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Message, Anonymise.Text).SetProperty(r => r.DecisionNote, (string?)null).SetProperty(r => r.MatchExplanation, (string?)null), ct);
            rows["fitCheckAnswers"] = await db.Set<FitCheckAnswer>().Where(f => relationships.Contains(f.RelationshipId)).ExecuteUpdateAsync(Anonymise.FitCheckAnswer, ct);
            rows["meetings"] = await db.Set<Meeting>().Where(m => m.ProgramId == programId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ResponseNote, (string?)null).SetProperty(m => m.Title, (string?)null).SetProperty(m => m.Place, (string?)null)
                .SetProperty(m => m.VideoLink, (string?)null), ct);
            rows["meetingAnswers"] = await db.Set<MeetingAnswer>().Where(a => meetings.Contains(a.MeetingId)).ExecuteUpdateAsync(Anonymise.MeetingAnswer, ct);
            rows["surveyResponses"] = await db.Set<SurveyResponse>().Where(r => surveys.Contains(r.SurveyId)).ExecuteUpdateAsync(Anonymise.SurveyResponse, ct);
            // Its surveys close, so nothing answered later is kept past this run (AnswerSurvey and MakeSuggestion refuse too, ADR 99).
            rows["surveysClosed"] = await db.Set<Survey>().Where(s => s.ProgramId == programId && s.Status != SurveyStatus.Closed).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SurveyStatus.Closed).SetProperty(x => x.ClosedAt, run.At).SetProperty(x => x.UpdatedAt, run.At), ct);
            // Its events not yet started are cancelled (ADR 128): the reminder job would otherwise go on writing notices that are
            // kept past this one pass. Nobody is told, the program closed long ago; an .ics downloaded again reads CANCELLED.
            rows["eventsCancelled"] = await db.Set<Events.ProgramEvent>().Where(e => e.ProgramId == programId && e.CancelledAt == null && e.StartsAt > run.At)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.CancelledAt, (DateTime?)run.At).SetProperty(e => e.Sequence, e => e.Sequence + 1), ct);
            rows["suggestions"] = await db.Set<Suggestion>().Where(x => x.ProgramId == programId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Text, Anonymise.Text).SetProperty(x => x.AuthorUserId, (Guid?)null).SetProperty(x => x.Answer, (string?)null), ct);
            rows["invitations"] = await db.Set<Invitation>().Where(i => i.ProgramId == programId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Email, ErasedEmail).SetProperty(i => i.NormalizedEmail, ErasedEmail.ToUpperInvariant())
                .SetProperty(i => i.FirstName, "Erased").SetProperty(i => i.LastName, "person").SetProperty(i => i.Group, (string?)null), ct);
            rows["nominations"] = await db.Set<Nomination>().Where(n => n.ProgramId == programId).ExecuteUpdateAsync(s => s
                .SetProperty(n => n.NomineeEmail, ErasedEmail).SetProperty(n => n.Statement, Anonymise.Text), ct);
            rows["unmatchedEntries"] = await db.Set<UnmatchedEntry>().Where(u => drafts.Contains(u.DraftId)).ExecuteUpdateAsync(s => s.SetProperty(u => u.Name, Anonymise.Name), ct);
            rows["matchProposals"] = await db.Set<MatchProposal>().Where(p => drafts.Contains(p.DraftId)).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.ExplanationJson, "[]").SetProperty(p => p.ChoiceNote, (string?)null), ct);
            // A draft's comparison with the one before names the people whose match changed.
            rows["matchDrafts"] = await db.Set<MatchDraft>().Where(d => d.ProgramId == programId && d.ComparisonJson != null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ComparisonJson, (string?)null), ct);
            rows["rankingOffers"] = await db.Set<RankingOffer>().Where(o => o.ProgramId == programId).ExecuteDeleteAsync(ct);
            rows["relationships"] = await db.Set<Relationship>().Where(r => r.ProgramId == programId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.EndReason, (string?)null).SetProperty(r => r.MatchExplanation, (string?)null), ct);
            // The program's notices (ProgramId, written since ADR 109: older notices carry none and are left to their readers).
            rows["notifications"] = await db.Set<Notifications.Notification>().Where(n => n.ProgramId == programId).ExecuteDeleteAsync(ct);
            // Outcome rows keep their figures for the program's results, not whose they were.
            rows["outcomeObservations"] = await db.Set<OutcomeObservationRow>().Where(o => o.ProgramId == programId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Person, o => "person " + o.Position.ToString()), ct);
            run.Record(rows);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        });
    }

    /// <summary>
    /// A survey without a program (an organisation's needs assessment) has no program to expire with: once it has been closed
    /// longer than its organisation keeps a closed program's data, its named answers are anonymised as a program's are (ADR 99).
    /// Idempotent: an anonymised answer has no person left, so a second node or run finds nothing.
    /// </summary>
    private async Task AnonymiseOrganisationSurveysAsync(DateTime now, CancellationToken ct)
    {
        var closed = await db.Set<Survey>().AsNoTracking()
            .Where(s => s.ProgramId == null && s.Status == SurveyStatus.Closed && s.ClosedAt != null
                && db.Set<SurveyResponse>().Any(r => r.SurveyId == s.Id && r.UserId != null))
            .Select(s => new
            {
                s.Id, ClosedAt = s.ClosedAt!.Value,
                Months = db.Set<RetentionSettings>().Where(x => x.OrganisationId == s.OrganisationId).Select(x => (int?)x.ClosedProgramMonths).FirstOrDefault(),
            })
            .ToListAsync(ct);
        foreach (var survey in closed.Where(s => RetentionSettings.ExpiresAt(s.ClosedAt, s.Months ?? RetentionSettings.DefaultMonths) <= now))
        {
            await db.Set<SurveyResponse>().Where(r => r.SurveyId == survey.Id && r.UserId != null).ExecuteUpdateAsync(Anonymise.SurveyResponse, ct);
        }
    }

    /// <summary>
    /// An erasure request's decline reason is the staff's record (ADR 42) and the organisation's words about a person: it goes
    /// once the request was decided longer ago than the organisation keeps a closed program's data (ADR 122). The decision
    /// (who, when, declined) stays. Idempotent: a cleared reason is not found again.
    /// </summary>
    private async Task ClearDeclineReasonsAsync(DateTime now, CancellationToken ct)
    {
        // Declined requests with their words still kept are few (a handful a year per organisation): read them, decide in memory.
        var declined = await db.Set<ErasureRequest>().AsNoTracking()
            .Where(r => r.DeclineReason != null && r.DecidedAt != null)
            .Select(r => new
            {
                r.Id, DecidedAt = r.DecidedAt!.Value,
                Months = db.Set<RetentionSettings>().Where(s => s.OrganisationId == r.OrganisationId).Select(s => (int?)s.ClosedProgramMonths).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var expired = declined.Where(r => RetentionSettings.ExpiresAt(r.DecidedAt, r.Months ?? RetentionSettings.DefaultMonths) <= now).Select(r => r.Id).ToList();
        if (expired.Count > 0)
        {
            await db.Set<ErasureRequest>().Where(r => expired.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.DeclineReason, (string?)null), ct);
        }
    }

    private const string ErasedEmail = "erased@erased.invalid";
}
