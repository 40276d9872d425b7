using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Concerns;
using Tandem.Features.Goals;
using Tandem.Features.Matching;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;

namespace Tandem.Features.Exports;

/// <summary>
/// Everything Tandem holds about one person, as one JSON document (GDPR Art. 15 and 20; FERPA's inspect and review): their
/// account, memberships, enrolments, applications with every answer they gave (private ones too: they are theirs), the
/// decisions' messages to them, their relationships and meetings (with their own answers and notes), the goals and action items they set or were given, the check-ins, fit-check answers, requests, concerns,
/// named survey answers and suggestions they wrote, their notices and settings, their own rankings, and who opened their
/// record. Not included: what others wrote about them for staff (reviewers' ratings, handlers' notes on a concern,
/// coordinators' match rules), other people's check-ins and answers, and secrets (password hash, tokens).
/// <para>For a coordinator answering the person's request (<see cref="RunForOrganisationAsync"/>, ADR 83) the document holds
/// what the coordinator's organisation holds and its staff may read: its programs' records only, without the answers the
/// person withheld from staff, the concerns (and their reads) the reader does not handle (a safeguarding report unless the
/// reader leads safeguarding there, a concern about the reader; ADR 109), and what no program holds (notifications, settings, the WhatsApp number, rankings),
/// nor what its staff never read (an adult's messages, ADR 47; the words of mentor requests and their answers, ADR 122); the
/// person downloads all of it themselves. A guardian's download has the child's side of a mentor request only.</para>
/// </summary>
public sealed class ExportMyData(TandemDb db, ListMyAccessLog accessLog, IConcernAuditScope concernScope, IMinors minors, Infrastructure.Files.FileStore files, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>What an organisation's coordinator may be handed: its programs' records, read as <paramref name="Reader"/>.</summary>
    private sealed record Scope(Guid OrganisationId, Infrastructure.Auth.Actor Reader);

    public const string AboutOwn = "Everything Tandem holds about you. Not included: notes staff keep about applications and concerns, other people's check-ins and answers, and secrets such as your password. Your journal is private even from this file, which staff can make for you on request: download it yourself from My journal (/api/v1/me/journal/export).";

    public const string AboutOnRequest = "What this organisation's programs hold about you, made by a coordinator on your request. Not included: notes staff keep about applications and concerns, other people's check-ins and answers, secrets such as your password, records of other organisations, and what only you may read: answers you withheld from staff, your notifications and settings, your WhatsApp number, your rankings, your journal, the words of your mentor requests and their answers, and (unless you are under 18, when staff may review your conversations) the messages you sent. Download everything yourself from Tandem (/api/v1/me/data-export).";

    public const string AboutForGuardian = "What the programs whose consent names you hold about your child, downloaded by you as their parent or guardian. Not included: notes staff keep about applications and concerns, other people's check-ins and answers, secrets such as your child's password, "
        + "records of programs whose consent names someone else or nobody, other parents' or guardians' names and addresses, and what only your child may read: their answers to sensitive questions (shared with staff or not), their notifications and settings, their WhatsApp number, their rankings and their journal. "
        + "The text of a safeguarding report your child made and who read a concern are kept from downloads made for a guardian (a report may be about home); your child's own download has them.";

    /// <summary>Stands in a guardian's download for the text of the child's safeguarding reports.</summary>
    public const string WithheldFromGuardian = "(kept from downloads made for a guardian)";

    /// <summary>The document, or null when there is no such account.</summary>
    public Task<byte[]?> RunAsync(Guid userId, CancellationToken ct = default) => BuildAsync(userId, null, ct);

    /// <summary>
    /// The child's document as the guardian <paramref name="guardianEmail"/> downloads it (ADRs 98, 103): the records of the
    /// programs whose consent names that address only, without what only the child may read (withheld answers,
    /// notifications and settings, WhatsApp number, rankings), other guardians' names and addresses, the text of their
    /// safeguarding reports (blanked, saying so) and the reads of their concerns.
    /// </summary>
    public Task<byte[]?> RunForGuardianAsync(Guid childId, string guardianEmail, CancellationToken ct = default) =>
        BuildAsync(childId, null, ct, guardian: Guardians.Normalize(guardianEmail));

    /// <summary>
    /// The document a coordinator of <paramref name="organisationId"/> makes on the person's request: that organisation's
    /// records only, and only what its staff may read (see the class remarks); null when there is no such account.
    /// </summary>
    public Task<byte[]?> RunForOrganisationAsync(Guid userId, Guid organisationId, Infrastructure.Auth.Actor reader, CancellationToken ct = default) =>
        BuildAsync(userId, new Scope(organisationId, reader), ct);

    private async Task<byte[]?> BuildAsync(Guid userId, Scope? scope, CancellationToken ct, string? guardian = null)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return null;
        }
        var programNames = db.Programs.AsNoTracking();
        // The programs whose records go in: all, or the organisation's (a subquery in each section's filter).
        var organisationId = scope?.OrganisationId;
        var inScope = organisationId is { } only ? db.Programs.Where(p => p.OrganisationId == only).Select(p => p.Id) : db.Programs.Select(p => p.Id);
        // A guardian's download: the programs whose consent names them, and those programs' organisations (ADR 103).
        var forGuardian = guardian is not null;
        if (guardian is not null)
        {
            inScope = Guardians.ConsentsNaming(db, guardian).Where(c => c.UserId == userId).Select(c => c.ProgramId);
        }
        var organisationsInScope = db.Programs.Where(p => inScope.Contains(p.Id)).Select(p => p.OrganisationId);
        // Another guardian's name or address is theirs, not this guardian's to download.
        bool Shown(string? guardianEmail) => guardian is null || (guardianEmail is not null && Guardians.Normalize(guardianEmail) == guardian);
        var document = new JsonObject
        {
            ["exportedAt"] = clock.GetUtcNow().UtcDateTime,
            ["about"] = scope is not null ? AboutOnRequest : forGuardian ? AboutForGuardian : AboutOwn,
            ["account"] = Node(new { user.Id, user.Email, user.DisplayName, user.TimeZoneId, user.CreatedAt, user.EmailConfirmed }),
            ["organisations"] = Node(await db.OrganisationMemberships.AsNoTracking().Where(m => m.UserId == userId && (organisationId == null || m.OrganisationId == organisationId) && (!forGuardian || organisationsInScope.Contains(m.OrganisationId)))
                .Select(m => new { Organisation = db.Organisations.Where(o => o.Id == m.OrganisationId).Select(o => o.Name).FirstOrDefault(), m.Role, m.JoinedAt })
                .ToListAsync(ct)),
            ["enrolments"] = Node(await db.Enrolments.AsNoTracking().Where(e => e.UserId == userId && inScope.Contains(e.ProgramId))
                .Select(e => new { e.Id, Program = programNames.Where(p => p.Id == e.ProgramId).Select(p => p.Name).FirstOrDefault(), e.Role, e.EnrolledAt })
                .ToListAsync(ct)),
        };

        var applications = await db.Set<Application>().AsNoTracking().Where(a => a.UserId == userId && inScope.Contains(a.ProgramId)).OrderBy(a => a.CreatedAt).ToListAsync(ct);
        var programs = await programNames.Where(p => applications.Select(a => a.ProgramId).Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        document["applications"] = Node(applications.Select(a => new
        {
            a.Id, Program = programs.GetValueOrDefault(a.ProgramId), a.Role, a.Status, Answers = forGuardian ? WithoutSensitive(a) : JsonNode.Parse(a.AnswersJson),
            // Answers to sensitive questions the person did not consent to share are kept for them alone (ADR 49); a guardian gets
            // no answer to a sensitive question at all, shared with staff or not, nor which ones were shared (ADR 124).
            WithheldAnswers = scope is null && !forGuardian ? JsonNode.Parse(a.WithheldAnswersJson) : null,
            SensitiveConsents = forGuardian ? null : JsonNode.Parse(a.SensitiveConsentsJson), a.Age,
            GuardianName = Shown(a.GuardianEmail) ? a.GuardianName : null, GuardianEmail = Shown(a.GuardianEmail) ? a.GuardianEmail : null, a.CodeOfConductAcceptedAt, a.CreatedAt, a.SubmittedAt, a.DecidedAt, a.DecisionMessage, a.MentorCapacity,
        }));

        document["consents"] = Node((await db.Set<Consent>().AsNoTracking().Where(c => c.UserId == userId && inScope.Contains(c.ProgramId)).OrderBy(c => c.ProgramId).ThenBy(c => c.Purpose)
                .Select(c => new
                {
                    Program = programNames.Where(p => p.Id == c.ProgramId).Select(p => p.Name).FirstOrDefault(), c.Purpose, c.State, c.Giver,
                    c.GuardianName, c.GuardianEmail, c.OrganisationNoticeVersion, c.ProgramNoticeVersion, c.UpdatedAt,
                    History = db.Set<ConsentEvent>().Where(e => e.ConsentId == c.Id).OrderBy(e => e.At)
                        .Select(e => new { e.State, e.Giver, e.GuardianName, e.OrganisationNoticeVersion, e.ProgramNoticeVersion, e.At }).ToList(),
                })
                .ToListAsync(ct))
            .Select(c => new
            {
                c.Program, c.Purpose, c.State, c.Giver,
                GuardianName = Shown(c.GuardianEmail) ? c.GuardianName : null, GuardianEmail = Shown(c.GuardianEmail) ? c.GuardianEmail : null,
                c.OrganisationNoticeVersion, c.ProgramNoticeVersion, c.UpdatedAt,
                History = c.History.Select(e => new { e.State, e.Giver, GuardianName = Shown(c.GuardianEmail) ? e.GuardianName : null, e.OrganisationNoticeVersion, e.ProgramNoticeVersion, e.At }),
            }));

        var relationshipIds = await db.Set<RelationshipMember>().Where(m => m.UserId == userId)
            .Join(db.Set<Relationship>().Where(r => inScope.Contains(r.ProgramId)), m => m.RelationshipId, r => r.Id, (m, r) => r.Id).ToListAsync(ct);
        var relationships = await db.Set<Relationship>().AsNoTracking().Where(r => relationshipIds.Contains(r.Id)).ToListAsync(ct);
        var members = await db.Set<RelationshipMember>().AsNoTracking().Where(m => relationshipIds.Contains(m.RelationshipId))
            .Select(m => new { m.RelationshipId, Name = db.Users.Where(u => u.Id == m.UserId).Select(u => u.DisplayName).FirstOrDefault(),
                Role = db.Enrolments.Where(e => e.Id == m.EnrolmentId).Select(e => e.Role).FirstOrDefault() })
            .ToListAsync(ct);
        var relationshipPrograms = await programNames.Where(p => relationships.Select(r => r.ProgramId).Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        document["relationships"] = Node(relationships.Select(r => new
        {
            r.Id, Program = relationshipPrograms.GetValueOrDefault(r.ProgramId), r.Kind, r.Status, r.StartsOn, r.EndedAt, r.MatchExplanation,
            Members = members.Where(m => m.RelationshipId == r.Id).Select(m => new { m.Name, m.Role }),
        }));
        document["meetings"] = Node(await db.Set<Meeting>().AsNoTracking().Where(m => relationshipIds.Contains(m.RelationshipId))
            .OrderBy(m => m.StartsAt)
            .Select(m => new { m.Id, m.RelationshipId, m.Title, m.StartsAt, m.DurationMinutes, m.Mode, m.Place, m.VideoLink, m.Status,
                ProposedByMe = m.ProposedByUserId == userId,
                // The note has no author column. A decline's or cancellation's note is the answerer's; on a meeting still proposed or
                // accepted it can only be the note sent with "propose another time", the proposer's (a group's later answers do not replace it).
                MyResponseNote = (m.Status == MeetingStatus.Declined || m.Status == MeetingStatus.Cancelled ? m.RespondedByUserId : m.ProposedByUserId) == userId
                    ? m.ResponseNote : null,
                MyAnswer = db.Set<MeetingAnswer>().Where(a => a.MeetingId == m.Id && a.UserId == userId)
                    .Select(a => new { a.Answer, a.Note, a.AnsweredAt }).FirstOrDefault() })
            .ToListAsync(ct));
        // Goals (ADR 59): the goals they set, with their milestones and action items, and the items assigned to them on their
        // partners' goals (the same words erasure overwrites; the rest of a partner's goal is the partner's).
        var goals = await db.Set<Goal>().AsNoTracking().Where(g => relationshipIds.Contains(g.RelationshipId)
                && (g.CreatedByUserId == userId || db.Set<ActionItem>().Any(a => a.GoalId == g.Id && a.AssigneeUserId == userId)))
            .OrderBy(g => g.CreatedAt).ToListAsync(ct);
        var goalIds = goals.Select(g => g.Id).ToList();
        var milestones = await db.Set<Milestone>().AsNoTracking().Where(m => goalIds.Contains(m.GoalId)).OrderBy(m => m.DueOn).ThenBy(m => m.Id).ToListAsync(ct);
        var items = await db.Set<ActionItem>().AsNoTracking().Where(a => goalIds.Contains(a.GoalId)).OrderBy(a => a.State).ThenBy(a => a.Position).ToListAsync(ct);
        document["goals"] = Node(goals.Select(g =>
        {
            var mine = g.CreatedByUserId == userId;
            return new
            {
                g.Id, g.RelationshipId, SetByMe = mine,
                Outcome = mine ? g.Outcome : null, Measure = mine ? g.Measure : null, g.TargetDate, Status = g.Status.ToString(), g.CreatedAt, g.ClosedAt,
                Milestones = mine ? milestones.Where(m => m.GoalId == g.Id).Select(m => new { m.Title, m.DueOn, m.DoneAt }).ToList() : [],
                ActionItems = items.Where(a => a.GoalId == g.Id && (mine || a.AssigneeUserId == userId))
                    .Select(a => new { a.Title, a.Notes, AssignedToMe = a.AssigneeUserId == userId, State = a.State.ToString(), a.DueOn, a.DoneAt }).ToList(),
            };
        }));
        document["checkIns"] = Node(await db.Set<CheckIn>().AsNoTracking().Where(c => c.AuthorUserId == userId && relationshipIds.Contains(c.RelationshipId)).OrderBy(c => c.OccurredAt)
            .Select(c => new { c.Id, c.RelationshipId, c.MeetingId, c.Happened, c.Topics, c.Progress, c.Challenges, c.NextSteps, c.Rating, c.OccurredAt, c.CreatedAt, c.UpdatedAt })
            .ToListAsync(ct));
        // The messages they sent, with their attachments' bytes (base64), so the file is complete without the app. Not in a
        // coordinator's copy of an adult's: staff never read an adult's conversation (ADR 47), so it does not leave through them
        // either (ADR 83 amended by ADR 122); a minor's conversation staff may review, so it stays.
        if (scope is null || (await minors.WhichAsync([userId], ct)).Count > 0)
        {
            await MessagesSentAsync(document, userId, relationshipIds, ct);
        }
        // A request's message is the mentee's words, its decision note the mentor's: kept from a coordinator's copy (staff do not
        // read them), and in a guardian's only the child's own side (ADR 122).
        document["mentorRequests"] = Node((await db.Set<MentorRequest>().AsNoTracking().Where(r => (r.MenteeUserId == userId || r.MentorUserId == userId) && inScope.Contains(r.ProgramId))
            .Select(r => new { r.Id, Sent = r.MenteeUserId == userId, r.Message, r.Status, r.CreatedAt, r.DecidedAt, r.DecisionNote })
            .ToListAsync(ct))
            .Select(r => new
            {
                r.Id, Mine = r.Sent ? "sent" : "received",
                Message = scope is null && (!forGuardian || r.Sent) ? r.Message : null,
                r.Status, r.CreatedAt, r.DecidedAt,
                DecisionNote = scope is null && (!forGuardian || !r.Sent) ? r.DecisionNote : null,
            }));
        document["fitCheckAnswers"] = Node(await db.Set<FitCheckAnswer>().AsNoTracking().Where(f => f.UserId == userId && relationshipIds.Contains(f.RelationshipId))
            .Select(f => new { f.RelationshipId, f.Answer, f.Note }).ToListAsync(ct));
        // On request, only the concerns the reader handles (ADR 98 applied to ADR 83, ADR 109): a safeguarding report for the
        // organisation's current safeguarding leads, never one about the reader (named, or in the pair it names). That a concern
        // exists, and its category, would tell the others what only its handlers may know.
        var reported = db.Set<Concern>().AsNoTracking().Where(c => c.ReporterUserId == userId && inScope.Contains(c.ProgramId));
        if (scope is not null)
        {
            var handled = concernScope.HandledBy(scope.Reader);
            reported = reported.Where(c => handled.Contains(c.Id));
        }
        document["concernsReported"] = Node(await reported
            .Select(c => new
            {
                c.Id, Program = programNames.Where(p => p.Id == c.ProgramId).Select(p => p.Name).FirstOrDefault(), c.Category,
                Description = forGuardian && c.Category == ConcernCategory.Safeguarding ? WithheldFromGuardian : c.Description,
                c.State, c.ReportedAt,
            })
            .ToListAsync(ct));
        document["surveyAnswers"] = Node((await db.Set<SurveyResponse>().AsNoTracking()
                .Where(r => r.UserId == userId && (organisationId == null || db.Set<Survey>().Any(s => s.Id == r.SurveyId && s.OrganisationId == organisationId))
                    && (!forGuardian || db.Set<Survey>().Any(s => s.Id == r.SurveyId && (s.ProgramId != null ? inScope.Contains(s.ProgramId.Value) : organisationsInScope.Contains(s.OrganisationId)))))
                .Select(r => new { Survey = db.Set<Survey>().Where(s => s.Id == r.SurveyId).Select(s => s.Title).FirstOrDefault(), r.AnswersJson, r.SubmittedAt })
                .ToListAsync(ct))
            .Select(r => new { r.Survey, Answers = JsonNode.Parse(r.AnswersJson), r.SubmittedAt }));
        document["suggestions"] = Node(await db.Set<Suggestion>().AsNoTracking().Where(s => s.AuthorUserId == userId && inScope.Contains(s.ProgramId))
            .Select(s => new { Program = programNames.Where(p => p.Id == s.ProgramId).Select(p => p.Name).FirstOrDefault(), s.Text, s.SubmittedAt, s.Answer, s.AnsweredAt })
            .ToListAsync(ct));
        // Notifications and settings belong to no program: in the person's own download only (not a guardian's, ADR 103).
        if (scope is null && !forGuardian)
        {
            document["notifications"] = Node(await db.Set<Notification>().AsNoTracking().Where(n => n.UserId == userId)
                .OrderBy(n => n.CreatedAt)
                .Select(n => new { n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt, n.EmailedAt, InDigest = n.DigestId != null }).ToListAsync(ct));
            document["notificationPreferences"] = Node((await db.Set<NotificationPreference>().AsNoTracking().Where(p => p.UserId == userId)
                .Select(p => new { p.Kind, p.Choice, p.UpdatedAt }).ToListAsync(ct))
                .OrderBy(p => p.Kind).Select(p => new { Kind = p.Kind.ToString(), Choice = p.Choice.ToString(), p.UpdatedAt }));
        }
        // Their WhatsApp number (their own download only) and the programs they opted in to (ADR 69).
        document["whatsApp"] = Node(new
        {
            Number = scope is null && !forGuardian
                ? await db.Set<Integrations.WhatsAppNumber>().AsNoTracking().Where(n => n.UserId == userId).Select(n => n.Number).SingleOrDefaultAsync(ct)
                : null,
            OptedIn = await db.Set<Integrations.WhatsAppOptIn>().AsNoTracking().Where(o => o.UserId == userId && inScope.Contains(o.ProgramId)).OrderBy(o => o.OptedInAt)
                .Select(o => new { Program = programNames.Where(p => p.Id == o.ProgramId).Select(p => p.Name).FirstOrDefault(), o.OptedInAt }).ToListAsync(ct),
        });
        // Recognition (ADR 63): kudos sent and received, badges, the service-hours ledger and certificates.
        document["kudos"] = Node(await db.Set<Recognition.Kudos>().AsNoTracking().Where(k => (k.FromUserId == userId || k.ToUserId == userId) && inScope.Contains(k.ProgramId)).OrderBy(k => k.SentAt)
            .Select(k => new
            {
                Program = programNames.Where(p => p.Id == k.ProgramId).Select(p => p.Name).FirstOrDefault(),
                From = db.Users.Where(u => u.Id == k.FromUserId).Select(u => u.DisplayName).FirstOrDefault(),
                To = db.Users.Where(u => u.Id == k.ToUserId).Select(u => u.DisplayName).FirstOrDefault(),
                k.Message, k.SentAt,
            }).ToListAsync(ct));
        document["badges"] = Node(await db.Set<Recognition.BadgeAward>().AsNoTracking().Where(b => b.UserId == userId && inScope.Contains(b.ProgramId)).OrderBy(b => b.AwardedAt)
            .Select(b => new { Program = programNames.Where(p => p.Id == b.ProgramId).Select(p => p.Name).FirstOrDefault(), b.Badge, b.Reason, b.AwardedAt }).ToListAsync(ct));
        document["serviceHours"] = Node(await db.Set<Recognition.ServiceHourEntry>().AsNoTracking().Where(e => e.UserId == userId && inScope.Contains(e.ProgramId)).OrderBy(e => e.OccurredAt)
            .Select(e => new { Program = programNames.Where(p => p.Id == e.ProgramId).Select(p => p.Name).FirstOrDefault(), Source = e.Source.ToString(), e.Description,
                e.OccurredAt, e.Minutes, State = e.State.ToString(), e.DecidedAt, e.Note }).ToListAsync(ct));
        document["certificates"] = Node(await db.Set<Recognition.Certificate>().AsNoTracking().Where(c => c.UserId == userId && inScope.Contains(c.ProgramId)).OrderBy(c => c.IssuedAt)
            .Select(c => new { c.HolderName, c.PublicName, c.ProgramName, c.OrganisationName, Role = c.Role.ToString(), c.From, c.To, c.ConfirmedMinutes, c.IssuedAt, c.TrainingJson }).ToListAsync(ct));
        // Training (ADR 61): their progress in each module, with their quiz answers and reflections (read by them and the program's coordinators).
        var training = await (
            from c in db.Set<Training.TrainingCompletion>().AsNoTracking()
            where c.UserId == userId
            join m in db.Set<Training.TrainingModule>().AsNoTracking() on c.ModuleId equals m.Id
            join p in db.Programs on m.ProgramId equals p.Id
            where inScope.Contains(p.Id)
            orderby c.StartedAt
            select new { Completion = c, Module = m, Program = p.Name }).ToListAsync(ct);
        document["training"] = Node(training.Select(t => new
        {
            t.Program, Module = t.Module.Title,
            t.Completion.StartedAt, t.Completion.QuizAttempts, t.Completion.QuizScorePercent, t.Completion.QuizPassed, t.Completion.CompletedAt, t.Completion.Minutes,
            QuizAnswers = t.Module.Questions().Where(q => t.Completion.QuizAnswers().ContainsKey(q.Id))
                .Select(q => new { Question = q.Text, Answer = q.Options.ElementAtOrDefault(t.Completion.QuizAnswers()[q.Id]) }).ToList(),
            Reflections = t.Module.Scenarios().Where(sc => t.Completion.Reflections().ContainsKey(sc.Id))
                .Select(sc => new { Scenario = sc.Prompt, Reflection = t.Completion.Reflections()[sc.Id] }).ToList(),
        }).ToList());
        // Events (ADR 62): what they answered to each event, their place in the waitlist and whether they came.
        document["eventRsvps"] = Node(await (
            from r in db.Set<Events.EventRsvp>().AsNoTracking()
            where r.UserId == userId
            join e in db.Set<Events.ProgramEvent>().AsNoTracking() on r.EventId equals e.Id
            where inScope.Contains(e.ProgramId)
            orderby e.StartsAt
            select new
            {
                Program = programNames.Where(p => p.Id == e.ProgramId).Select(p => p.Name).FirstOrDefault(),
                Event = e.Title, Kind = e.Kind.ToString(), e.StartsAt, e.EndsAt, Answer = r.State.ToString(), r.RespondedAt, r.Attended,
            }).ToListAsync(ct));
        // Discussion channels (ADR 66): what they wrote (threads and replies, hidden or not) and the reports they made.
        document["channelPosts"] = Node(await (
            from p in db.Set<Channels.ChannelPost>().AsNoTracking()
            where p.AuthorUserId == userId
            join c in db.Set<Channels.DiscussionChannel>().AsNoTracking() on p.ChannelId equals c.Id
            where inScope.Contains(c.ProgramId)
            orderby p.PostedAt
            select new
            {
                Program = programNames.Where(x => x.Id == c.ProgramId).Select(x => x.Name).FirstOrDefault(),
                Channel = c.Name, p.Id, InReplyTo = p.ParentPostId, p.Body, p.PostedAt, HiddenByModerator = p.HiddenAt != null,
            }).ToListAsync(ct));
        document["channelReports"] = Node(await db.Set<Channels.PostReport>().AsNoTracking()
            .Where(r => r.ReporterUserId == userId && db.Set<Channels.ChannelPost>().Any(p => p.Id == r.PostId
                && db.Set<Channels.DiscussionChannel>().Any(c => c.Id == p.ChannelId && inScope.Contains(c.ProgramId))))
            .OrderBy(r => r.ReportedAt)
            .Select(r => new { r.PostId, r.Reason, r.ReportedAt, State = r.State.ToString() }).ToListAsync(ct));
        // Their rankings of candidates: their own download only.
        var enrolmentIds = scope is null && !forGuardian ? await db.Enrolments.Where(e => e.UserId == userId).Select(e => e.Id).ToListAsync(ct) : [];
        document["rankings"] = scope is not null || forGuardian ? null : Node(await db.Set<RankingOffer>().AsNoTracking()
            .Where(o => enrolmentIds.Contains(o.MenteeEnrolmentId) || enrolmentIds.Contains(o.MentorEnrolmentId))
            .Select(o => new
            {
                Candidate = db.Enrolments.Where(e => e.Id == (enrolmentIds.Contains(o.MenteeEnrolmentId) ? o.MentorEnrolmentId : o.MenteeEnrolmentId))
                    .Select(e => e.User!.DisplayName).FirstOrDefault(),
                MyRank = enrolmentIds.Contains(o.MenteeEnrolmentId) ? o.MenteeRank : o.MentorRank,
                o.OfferedAt,
            })
            .ToListAsync(ct));
        var access = new List<MyAccessView>();
        for (var page = 1; ; page++)
        {
            var read = await accessLog.RunAsync(new Infrastructure.Auth.Actor(userId, false), page, Infrastructure.Paging.PageRequest.MaxPageSize, ct, organisationId, forGuardian,
                scope?.Reader);
            access.AddRange(read.Items);
            if (read.Items.Count < read.PageSize)
            {
                break;
            }
        }
        document["whoOpenedMyRecord"] = Node(access);
        return JsonSerializer.SerializeToUtf8Bytes(document, Options);
    }

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, Options);

    /// <summary>
    /// The answers without those to sensitive questions the child agreed to share with the program's staff (ADR 124): the
    /// child gave them to the program for matching, not to their parents; the child's own download has them.
    /// </summary>
    private static JsonNode? WithoutSensitive(Application application)
    {
        var shared = application.SensitiveConsents();
        var answers = AnswerSheet.Parse(application.AnswersJson);
        foreach (var key in shared.Keys)
        {
            answers.Remove(key);
        }
        return JsonNode.Parse(AnswerSheet.Serialize(answers));
    }

    /// <summary>The messages they sent, with their attachments' bytes (base64), so the file is complete without the app.</summary>
    private async Task MessagesSentAsync(JsonObject document, Guid userId, List<Guid> relationshipIds, CancellationToken ct)
    {
        var messages = await db.Set<Conversations.Message>().AsNoTracking().Where(m => m.SenderUserId == userId && relationshipIds.Contains(m.RelationshipId)).OrderBy(m => m.RelationshipId).ThenBy(m => m.Number)
            .Select(m => new { m.Id, m.RelationshipId, m.Number, m.Body, m.SentAt, m.AttachmentName, m.AttachmentContentType, m.AttachmentSize, m.AttachmentKey })
            .ToListAsync(ct);
        var attachments = await files.ReadAllAsync(messages.Where(m => m.AttachmentKey != null).Select(m => m.AttachmentKey!).ToList(), ct);
        var sent = messages.Select(m => new
        {
            m.Id, m.RelationshipId, m.Number, m.Body, m.SentAt,
            Attachment = m.AttachmentKey is null ? null : new
            {
                Name = m.AttachmentName, ContentType = m.AttachmentContentType, Size = m.AttachmentSize,
                ContentBase64 = attachments.TryGetValue(m.AttachmentKey, out var bytes) ? Convert.ToBase64String(bytes) : null,
            },
        });
        document["messagesSent"] = Node(sent);
    }
}
