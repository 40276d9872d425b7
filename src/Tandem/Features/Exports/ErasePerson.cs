using Microsoft.EntityFrameworkCore;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Concerns;
using Tandem.Features.Goals;
using Tandem.Features.Matching;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Recruitment;
using Tandem.Features.Relationships;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Exports;

/// <summary>What an erasure changed, table by table.</summary>
public sealed record Erasure(Guid UserId, IReadOnlyDictionary<string, int> Rows);

/// <summary>
/// Erases a person (GDPR Art. 17; COPPA 312.6): every personal field they filled is deleted or overwritten, everywhere,
/// in one transaction, keeping only what a program's counts need (the account, enrolments, applications, relationships,
/// check-ins and survey responses stay as rows without their content, so figures and other people's history still add up).
/// Their name is also taken out of other people's notices and e-mails. The audit log keeps the account id, which no longer
/// leads to a person (ADR 42). The same map as <see cref="ExportMyData"/>, in reverse. Their places at events not yet started
/// are given up as a disabled account's are (ADR 97), and those given a place from a waitlist told after the commit.
/// </summary>
public sealed class ErasePerson(TandemDb db, Events.EventPlaces eventPlaces, TimeProvider clock)
{
    public const string ErasedName = Anonymise.Name;
    public const string ErasedText = Anonymise.Text;

    /// <summary>The erasure, or null when there is no such account.</summary>
    public async Task<Erasure?> RunAsync(Guid userId, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.DisplayName, u.Email, u.NormalizedEmail }).SingleOrDefaultAsync(ct);
        if (user is null)
        {
            return null;
        }
        var rows = new Dictionary<string, int>();
        var erasedEmail = $"erased-{userId:N}@erased.invalid";
        var normalized = user.NormalizedEmail ?? "";
        var name = user.DisplayName;
        IReadOnlyList<Events.EventPromotion> promoted = [];
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            rows.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Their places at events not yet started go to the waitlists, under each event's lock, as a disabled account's do
            // (the account is disabled below, directly, so DisableUser's listeners are not told).
            promoted = await eventPlaces.ReleaseAsync(userId, null, clock.GetUtcNow().UtcDateTime, ct);
            var enrolments = db.Enrolments.Where(e => e.UserId == userId).Select(e => e.Id);

            rows["applications"] = await db.Set<Application>().Where(a => a.UserId == userId).ExecuteUpdateAsync(Anonymise.Application, ct);
            // The decision's message is kept with each decision too (the review's history shows it): it goes with the application's (ADR 42).
            var applications = db.Set<Application>().Where(a => a.UserId == userId).Select(a => a.Id);
            rows["applicationDecisions"] = await db.Set<ApplicationDecision>().Where(d => applications.Contains(d.ApplicationId) && d.Message != null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Message, (string?)null), ct);
            // A guardian's open links to the child's view name the address the consents hold; they go with it (ADR 52).
            var guardianAddresses = db.Set<Consent>().Where(c => c.UserId == userId && c.GuardianEmail != null).Select(c => c.GuardianEmail!.ToLower());
            rows["guardianLinks"] = await db.Set<GuardianAccessLink>().Where(l => guardianAddresses.Contains(l.Email)).ExecuteDeleteAsync(ct);
            // Consents keep their state and history (what was agreed, when, on which notice) without the guardian's name and address.
            rows["consents"] = await db.Set<Consent>().Where(c => c.UserId == userId).ExecuteUpdateAsync(Anonymise.Consent, ct)
                + await db.Set<ConsentEvent>().Where(c => c.UserId == userId).ExecuteUpdateAsync(Anonymise.ConsentEvent, ct);
            rows["checkIns"] = await db.Set<CheckIn>().Where(c => c.AuthorUserId == userId).ExecuteUpdateAsync(Anonymise.CheckIn, ct);
            // Their attachments' bytes go with the rows' pointers to them.
            var attachmentKeys = db.Set<Conversations.Message>().Where(m => m.SenderUserId == userId && m.AttachmentKey != null).Select(m => m.AttachmentKey!);
            rows["attachmentFiles"] = await db.Set<Infrastructure.Files.StoredFile>().Where(f => attachmentKeys.Contains(f.Key)).ExecuteDeleteAsync(ct);
            rows["messages"] = await db.Set<Conversations.Message>().Where(m => m.SenderUserId == userId).ExecuteUpdateAsync(Anonymise.Message, ct);
            rows["concerns"] = await db.Set<Concern>().Where(c => c.ReporterUserId == userId).ExecuteUpdateAsync(Anonymise.Concern, ct);
            // Discussion channels (ADR 66): their posts stay in their threads without their words, as messages do; their reports' reasons
            // and the moderators' reasons about them go; their places in channels go.
            rows["channelPosts"] = await db.Set<Channels.ChannelPost>().Where(p => p.AuthorUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Body, Anonymise.Text), ct);
            rows["channelReports"] = await db.Set<Channels.PostReport>().Where(r => r.ReporterUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Reason, Anonymise.Text), ct);
            // A dismissal or hide of a post they reported may have copied their report's reason ("Report dismissed: …", ADR 109).
            var reportedPosts = db.Set<Channels.PostReport>().Where(r => r.ReporterUserId == userId).Select(r => r.PostId);
            rows["moderationEntries"] = await db.Set<Channels.ModerationEntry>()
                .Where(e => e.Reason != null && (e.SubjectUserId == userId || (e.PostId != null && reportedPosts.Contains(e.PostId.Value))))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Reason, (string?)null), ct);
            // Their study groups' channels are named after the members' first names ("Study group: Ann, Bob, Cy"): renamed without theirs.
            rows["channels"] = await RenameStudyGroupsAsync(userId, ct);
            rows["channelMembers"] = await db.Set<Channels.ChannelMember>().Where(m => m.UserId == userId).ExecuteDeleteAsync(ct);
            // The journal is the person's alone (ADR 56): it goes whole, shared entries included.
            rows["journalEntries"] = await db.Set<Journal.JournalEntry>().Where(j => j.AuthorUserId == userId).ExecuteDeleteAsync(ct);
            // Recognition (ADR 63): what they were given goes; the words of kudos they sent are erased from the recipients' lists.
            rows["kudos"] = await db.Set<Recognition.Kudos>().Where(k => k.ToUserId == userId).ExecuteDeleteAsync(ct)
                + await db.Set<Recognition.Kudos>().Where(k => k.FromUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Message, ErasedText), ct);
            rows["badges"] = await db.Set<Recognition.BadgeAward>().Where(b => b.UserId == userId).ExecuteDeleteAsync(ct);
            rows["serviceHours"] = await db.Set<Recognition.ServiceHourEntry>().Where(e => e.UserId == userId).ExecuteDeleteAsync(ct);
            // The partners' ledger lines copy the title of a meeting the person proposed ("Meeting held: …"); it goes with the title below.
            var proposed = db.Set<Meeting>().Where(m => m.ProposedByUserId == userId).Select(m => m.Id);
            rows["othersServiceHours"] = await db.Set<Recognition.ServiceHourEntry>()
                .Where(e => e.Source == Recognition.ServiceHourSource.Meeting && proposed.Contains(e.SourceId) && e.Description != Anonymise.MeetingHeld)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Description, Anonymise.MeetingHeld), ct);
            rows["certificates"] = await db.Set<Recognition.Certificate>().Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
            // Their training reflections and quiz answers go; when they completed which module, and its minutes, stay for the program's figures (ADR 61).
            rows["trainingCompletions"] = await db.Set<Training.TrainingCompletion>().Where(c => c.UserId == userId).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.ReflectionsJson, "{}").SetProperty(c => c.QuizAnswersJson, "{}"), ct);
            // Goals (ADR 59, amended): a goal is the pair's board, but its words are its writer's. A goal they created goes with its
            // milestones and items (items record no author; under their goal they are most likely theirs); an item assigned to
            // them goes wherever it is ("Talk about my anxiety at home"). A goal their partner created, and its other items, stay:
            // the partner's words, as the partner's check-ins are (ADR 42).
            var theirGoals = db.Set<Goal>().Where(g => g.CreatedByUserId == userId).Select(g => g.Id);
            rows["goals"] = await db.Set<Goal>().Where(g => g.CreatedByUserId == userId).ExecuteUpdateAsync(Anonymise.Goal, ct);
            rows["goalMilestones"] = await db.Set<Milestone>().Where(m => theirGoals.Contains(m.GoalId)).ExecuteUpdateAsync(Anonymise.Milestone, ct);
            rows["actionItems"] = await db.Set<ActionItem>().Where(a => a.AssigneeUserId == userId || theirGoals.Contains(a.GoalId)).ExecuteUpdateAsync(Anonymise.ActionItem, ct);
            rows["mentorRequests"] = await db.Set<MentorRequest>().Where(r => r.MenteeUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Message, ErasedText), ct)
                + await db.Set<MentorRequest>().Where(r => r.MentorUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(r => r.DecisionNote, (string?)null), ct)
                + await db.Set<MentorRequest>().Where(r => (r.MenteeUserId == userId || r.MentorUserId == userId) && r.MatchExplanation != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.MatchExplanation, (string?)null), ct);
            // Matching's copies: why they were matched (their answers: "same languages: Urdu") on their proposals, relationships
            // and requests, and what names them on others' rows: a stable match's choice notes (another's note names the
            // candidates ranked higher, "Maya Mentor (1st) is full with mentees they ranked higher") and the drafts' comparisons
            // with the draft before, which name the people whose match changed. Every choice note and comparison in their
            // programs goes (each is worked out once, and no draft's figures need it; ADR 111).
            rows["matchProposals"] = await db.Set<MatchProposal>().Where(p => enrolments.Contains(p.FirstEnrolmentId) || enrolments.Contains(p.SecondEnrolmentId))
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.ExplanationJson, "[]").SetProperty(p => p.ChoiceNote, (string?)null), ct);
            var programs = db.Enrolments.Where(e => e.UserId == userId).Select(e => e.ProgramId);
            var theirProgramsDrafts = db.Set<MatchDraft>().Where(d => programs.Contains(d.ProgramId)).Select(d => d.Id);
            rows["matchProposals"] += await db.Set<MatchProposal>().Where(p => theirProgramsDrafts.Contains(p.DraftId) && p.ChoiceNote != null)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.ChoiceNote, (string?)null), ct);
            rows["matchDrafts"] = await db.Set<MatchDraft>().Where(d => programs.Contains(d.ProgramId) && d.ComparisonJson != null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ComparisonJson, (string?)null), ct);
            var theirRelationships = db.Set<RelationshipMember>().Where(m => m.UserId == userId).Select(m => m.RelationshipId);
            rows["relationships"] = await db.Set<Relationship>().Where(r => theirRelationships.Contains(r.Id) && r.MatchExplanation != null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.MatchExplanation, (string?)null), ct);
            rows["fitCheckAnswers"] = await db.Set<FitCheckAnswer>().Where(f => f.UserId == userId).ExecuteUpdateAsync(Anonymise.FitCheckAnswer, ct);
            rows["meetingAnswers"] = await db.Set<MeetingAnswer>().Where(a => a.UserId == userId).ExecuteUpdateAsync(Anonymise.MeetingAnswer, ct);
            // A meeting's note has no author column: an answer's note is the answerer's, but "propose another time" keeps the
            // proposer's note with no answerer, and a group member's later answer makes someone else the answerer. So the note goes
            // when they answered or proposed: sometimes the other side's note goes too, never theirs stays.
            rows["meetings"] = await db.Set<Meeting>().Where(m => (m.RespondedByUserId == userId || m.ProposedByUserId == userId) && m.ResponseNote != null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ResponseNote, (string?)null), ct)
            // What they typed when proposing: the title, place and link of the meetings they proposed (the proposer of record:
            // a meeting moved by the other side is then the other side's).
                + await db.Set<Meeting>().Where(m => m.ProposedByUserId == userId && (m.Title != null || m.Place != null || m.VideoLink != null))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Title, (string?)null).SetProperty(m => m.Place, (string?)null).SetProperty(m => m.VideoLink, (string?)null), ct);
            rows["surveyResponses"] = await db.Set<SurveyResponse>().Where(r => r.UserId == userId).ExecuteUpdateAsync(Anonymise.SurveyResponse, ct);
            rows["suggestions"] = await db.Set<Suggestion>().Where(x => x.AuthorUserId == userId).ExecuteUpdateAsync(Anonymise.Suggestion, ct);
            rows["invitations"] = await db.Set<Invitation>().Where(i => i.NormalizedEmail == normalized || i.AcceptedByUserId == userId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Email, erasedEmail).SetProperty(i => i.NormalizedEmail, erasedEmail.ToUpperInvariant())
                .SetProperty(i => i.FirstName, "Erased").SetProperty(i => i.LastName, "person").SetProperty(i => i.Group, (string?)null), ct);
            rows["nominations"] = await db.Set<Nomination>().Where(n => n.NomineeUserId == userId || n.NomineeEmail.ToUpper() == normalized).ExecuteUpdateAsync(s => s
                .SetProperty(n => n.NomineeEmail, erasedEmail).SetProperty(n => n.Statement, ErasedText), ct);
            rows["unmatchedEntries"] = await db.Set<UnmatchedEntry>().Where(u => u.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Name, ErasedName), ct);
            rows["rankingOffers"] = await db.Set<RankingOffer>().Where(o => enrolments.Contains(o.MenteeEnrolmentId) || enrolments.Contains(o.MentorEnrolmentId)).ExecuteDeleteAsync(ct);
            rows["notifications"] = await db.Set<Notification>().Where(n => n.UserId == userId).ExecuteDeleteAsync(ct);
            rows["notificationPreferences"] = await db.Set<NotificationPreference>().Where(p => p.UserId == userId).ExecuteDeleteAsync(ct);
            rows["notificationDigests"] = await db.Set<NotificationDigest>().Where(d => d.UserId == userId).ExecuteDeleteAsync(ct);
            // Their WhatsApp number and opt-ins, and messages still waiting for them (the bodies hold no number, ADR 69).
            rows["whatsApp"] = await db.Set<Integrations.WhatsAppOptIn>().Where(o => o.UserId == userId).ExecuteDeleteAsync(ct)
                + await db.Set<Integrations.WhatsAppNumber>().Where(n => n.UserId == userId).ExecuteDeleteAsync(ct)
                + await db.Set<Integrations.OutboundPost>().Where(p => p.Target == Integrations.OutboundTarget.WhatsApp && p.TargetId == userId).ExecuteDeleteAsync(ct);
            rows["calendarFeeds"] = await db.Set<CalendarFeed>().Where(f => f.UserId == userId).ExecuteDeleteAsync(ct);
            // An earlier request of theirs that was declined says why, about them: the reason goes, the decision stays (ADR 122).
            rows["erasureRequests"] = await db.Set<ErasureRequest>().Where(r => r.SubjectUserId == userId && r.DeclineReason != null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.DeclineReason, (string?)null), ct);
            rows["sessions"] = await db.UserSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
            rows["accountTokens"] = await db.Set<AccountToken>().Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
            rows["logins"] = await db.UserLogins.Where(l => l.UserId == userId).ExecuteDeleteAsync(ct)
                + await db.UserClaims.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct)
                + await db.UserTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
            if (name.Length >= 3)
            {
                // Other people's notices name them ("Menna Tee reported a concern"): the name goes, the notice stays (ADR 102).
                rows["othersNotifications"] = await EraseNameFromNoticesAsync(userId, name, ct);
                // Other people's posts in their programs' channels mention them ("@Menna Tee, thanks"): the name goes, the post stays (ADR 124).
                rows["othersPosts"] = await EraseNameFromPostsAsync(userId, name, ct);
            }
            rows["account"] = await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.DisplayName, ErasedName).SetProperty(u => u.Email, erasedEmail).SetProperty(u => u.NormalizedEmail, erasedEmail.ToUpperInvariant())
                .SetProperty(u => u.UserName, erasedEmail).SetProperty(u => u.NormalizedUserName, erasedEmail.ToUpperInvariant())
                .SetProperty(u => u.EmailConfirmed, false).SetProperty(u => u.PasswordHash, (string?)null).SetProperty(u => u.PhoneNumber, (string?)null)
                .SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N")).SetProperty(u => u.TimeZoneId, "UTC")
                .SetProperty(u => u.IsDisabled, true), ct);
            await transaction.CommitAsync(ct);
        });
        // After the commit (ADR 122): the scan reads and parses the whole outbox, and inside the transaction it held every other
        // writer back (SQLite has one) for as long as that took. Each batch's delete is its own short write.
        rows["emails"] = await EraseEmailsAsync(name, user.Email ?? "", ct);
        await eventPlaces.TellPromotedAsync(promoted, ct);
        return new Erasure(userId, rows);
    }

    /// <summary>
    /// The outbox's copies of e-mails to them or naming them (sent ones are purged after 30 days anyway; unsent ones would
    /// carry the name out): read as MIME, in batches, and removed when they name the person.
    /// </summary>
    private async Task<int> EraseEmailsAsync(string name, string email, CancellationToken ct)
    {
        var removed = 0;
        // The outbox holds about 30 days of mail (sent copies are purged): its ids fit in memory, its bodies are read 500 at a time.
        var ids = await db.Set<OutgoingEmail>().AsNoTracking().OrderBy(e => e.CreatedAt).Select(e => e.Id).ToListAsync(ct);
        foreach (var chunk in ids.Chunk(500))
        {
            var batch = await db.Set<OutgoingEmail>().AsNoTracking().Where(e => chunk.Contains(e.Id))
                .Select(e => new { e.Id, e.Recipient, e.Mime }).ToListAsync(ct);
            var naming = batch.Where(e => string.Equals(e.Recipient, email, StringComparison.OrdinalIgnoreCase) || Names(e.Mime, name, email)).Select(e => e.Id).ToList();
            if (naming.Count > 0)
            {
                removed += await db.Set<OutgoingEmail>().Where(e => naming.Contains(e.Id)).ExecuteDeleteAsync(ct);
            }
        }
        return removed;
    }

    private static bool Names(byte[] mime, string name, string email)
    {
        using var stream = new MemoryStream(mime);
        var message = MimeMessage.Load(stream);
        var text = string.Join('\n', message.Subject, message.TextBody, message.HtmlBody, string.Join(',', message.To.Mailboxes.Select(m => m.Address + " " + m.Name)));
        // The name as a whole word: "Ann" is not in "Annual", and another person's mail that merely contains the letters stays (ADR 102).
        return (name.Length >= 3 && WholeWord(name).IsMatch(text)) || (email.Length > 0 && text.Contains(email, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The name where no letter or digit touches it on either side.</summary>
    internal static System.Text.RegularExpressions.Regex WholeWord(string name) =>
        new($@"(?<![\p{{L}}\p{{N}}]){System.Text.RegularExpressions.Regex.Escape(name)}(?![\p{{L}}\p{{N}}])", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// Replaces the name, as a whole word, in the notices of the people who could have been told about them: the people of
    /// their organisations (members, enrolled, with a consent there) and the administrators. The text is clipped to the
    /// columns' lengths, since "Erased person" is longer than a short name ("Ann") and PostgreSQL refuses an overlong value.
    /// The database narrows by the letters; the word is checked here, 500 notices at a time.
    /// </summary>
    private async Task<int> EraseNameFromNoticesAsync(Guid userId, string name, CancellationToken ct)
    {
        var organisations = db.OrganisationMemberships.Where(m => m.UserId == userId).Select(m => m.OrganisationId)
            .Union(db.Enrolments.Where(e => e.UserId == userId).Join(db.Programs, e => e.ProgramId, p => p.Id, (_, p) => p.OrganisationId))
            .Union(db.Set<Consent>().Where(c => c.UserId == userId).Select(c => c.OrganisationId));
        var administrators = db.AdministratorIds();
        var told = db.Users.Where(u => u.Id != userId && (administrators.Contains(u.Id)
            || db.OrganisationMemberships.Any(m => m.UserId == u.Id && organisations.Contains(m.OrganisationId))
            || db.Enrolments.Any(e => e.UserId == u.Id && db.Programs.Any(p => p.Id == e.ProgramId && organisations.Contains(p.OrganisationId)))
            || db.Set<Consent>().Any(c => c.UserId == u.Id && organisations.Contains(c.OrganisationId)))).Select(u => u.Id);
        var word = WholeWord(name);
        var changed = 0;
        var ids = await db.Set<Notification>().AsNoTracking().Where(n => told.Contains(n.UserId) && (n.Title.Contains(name) || n.Body.Contains(name)))
            .Select(n => n.Id).ToListAsync(ct);
        foreach (var chunk in ids.Chunk(500))
        {
            var batch = await db.Set<Notification>().AsNoTracking().Where(n => chunk.Contains(n.Id)).Select(n => new { n.Id, n.Title, n.Body }).ToListAsync(ct);
            foreach (var notice in batch)
            {
                var title = Clip(word.Replace(notice.Title, ErasedName), Notification.TitleMax);
                var body = Clip(word.Replace(notice.Body, ErasedName), Notification.BodyMax);
                if (title != notice.Title || body != notice.Body)
                {
                    changed += await db.Set<Notification>().Where(n => n.Id == notice.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(n => n.Title, title).SetProperty(n => n.Body, body), ct);
                }
            }
        }
        return changed;
    }

    /// <summary>
    /// Replaces the name, as a whole word and whatever its case (people type "@menna tee"), in other people's posts in the
    /// channels of the programs they were enrolled in, where the channels' @mentions could name them. The words around it are
    /// the authors' and stay. The database narrows by the letters as written or lower-cased (SQLite lower-cases ASCII only: a
    /// mention typed all in small letters of a name with an accented capital is missed there); the word is checked here, 500
    /// posts at a time.
    /// </summary>
    private async Task<int> EraseNameFromPostsAsync(Guid userId, string name, CancellationToken ct)
    {
        var programs = db.Enrolments.Where(e => e.UserId == userId).Select(e => e.ProgramId);
        var lower = name.ToLowerInvariant();
        var word = new System.Text.RegularExpressions.Regex(WholeWord(name).ToString(),
            System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var ids = await db.Set<Channels.ChannelPost>().AsNoTracking()
            .Where(p => programs.Contains(p.ProgramId) && p.AuthorUserId != userId && (p.Body.Contains(name) || p.Body.ToLower().Contains(lower)))
            .Select(p => p.Id).ToListAsync(ct);
        var changed = 0;
        foreach (var chunk in ids.Chunk(500))
        {
            var batch = await db.Set<Channels.ChannelPost>().AsNoTracking().Where(p => chunk.Contains(p.Id)).Select(p => new { p.Id, p.Body }).ToListAsync(ct);
            foreach (var post in batch)
            {
                var body = Clip(word.Replace(post.Body, ErasedName), Channels.ChannelPost.BodyMax);
                if (body != post.Body)
                {
                    changed += await db.Set<Channels.ChannelPost>().Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Body, body), ct);
                }
            }
        }
        return changed;
    }

    /// <summary>
    /// The study-group channels of their group relationships, renamed from the other members' first names (erased members'
    /// left out too), or plain "Study group" when nobody is left to name. A person is in a handful of groups: read, then updated one by one.
    /// </summary>
    private async Task<int> RenameStudyGroupsAsync(Guid userId, CancellationToken ct)
    {
        var groups = db.Set<RelationshipMember>().Where(m => m.UserId == userId).Select(m => m.RelationshipId);
        var channels = await db.Set<Channels.DiscussionChannel>().AsNoTracking()
            .Where(c => c.Kind == Channels.ChannelKind.StudyGroup && c.RelationshipId != null && groups.Contains(c.RelationshipId.Value))
            .Select(c => new
            {
                c.Id, c.Name,
                Others = db.Set<RelationshipMember>().Where(m => m.RelationshipId == c.RelationshipId && m.UserId != userId)
                    .Join(db.Users, m => m.UserId, u => u.Id, (_, u) => u.DisplayName).ToList(),
            })
            .ToListAsync(ct);
        var renamed = 0;
        foreach (var channel in channels)
        {
            var name = Channels.DiscussionChannel.StudyGroupName(channel.Others.Where(n => n != ErasedName));
            if (name != channel.Name)
            {
                renamed += await db.Set<Channels.DiscussionChannel>().Where(c => c.Id == channel.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, name), ct);
            }
        }
        return renamed;
    }

    // Cut at whole characters: half an emoji is refused by PostgreSQL (ADR 108).
    private static string Clip(string text, int max) => text.Length <= max ? text : Tandem.Infrastructure.Text.WholeCharacters.Within(text, max - 1) + "…";
}
