using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Tests.Applications;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>
/// Issue 16 item 4 (erasure): a marker planted in every personal field a person fills (their name, application answers,
/// check-ins, a concern, a named suggestion, a sensitive answer withheld from use, a decision's message) is found in the database before `tandem privacy erase` and in no table after it;
/// the program's counts still add up.
/// </summary>
public sealed class ErasureTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private Task<List<string>> WhereIsAsync(string marker) => MarkerScan.WhereIsAsync(fixture, marker);

    private Task<List<string>> FilesHoldingAsync(string marker) => MarkerScan.FilesHoldingAsync(fixture, marker);

    [Fact]
    public async Task AfterErasureTheMarkerIsInNoTableAndTheCountsStillAddUp()
    {
        var marker = $"QZX{Guid.NewGuid():N}"[..12];
        var pair = await fixture.PairAsync();
        // The name they typed when they signed up.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == pair.Mentee.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, $"Menna {marker}")));
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new
        {
            meetingId, happened = true, topics = $"topics {marker}", progress = $"progress {marker}", challenges = $"challenges {marker}", nextSteps = $"next {marker}", rating = 4,
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns", new
        {
            category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = $"concern {marker}",
        })).StatusCode);
        Assert.True((await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/suggestions", new { text = $"suggestion {marker}", anonymous = false })).IsSuccessStatusCode);
        // They also apply to be a mentor in another of the school's programs, answering every question.
        var recruiting = await RecruitingProgram.CreateAsync(fixture.Tandem, pair.School);
        var answers = RecruitingProgram.CompleteAnswers();
        answers["why"] = $"why {marker}";
        answers["about"] = $"about {marker}";
        answers["health"] = $"health {marker}";
        var applied = await mentee.PostAsJsonAsync(recruiting.Applications, new { role = "mentor", answers, acceptsCodeOfConduct = true, mentorCapacity = 1, submit = true });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        // The coordinator puts it on the waiting list with a message (ADR 42: the decision's message goes with the application's).
        // Through the fixture's app, whose e-mail goes to the test's SMTP server rather than a folder of files.
        var applicationId = (await applied.Content.ReadFromJsonAsync<Tandem.Features.Applications.MyApplicationView>(Json.Options))!.Id;
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        Assert.True((await coordinator.PostAsJsonAsync($"{recruiting.Applications}/{applicationId}/decision",
            new { decision = "Waitlist", message = $"decision {marker}" })).IsSuccessStatusCode);
        // A sensitive answer they gave without consent to its use is kept apart, for their eyes only (ADR 49): still theirs to erase.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Applications.Application>()
            .Where(a => a.UserId == pair.Mentee.Id && a.ProgramId == recruiting.Program.Id)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.WithheldAnswersJson, $$"""{"background":"withheld {{marker}}"}""")));

        // Their guardian signed a consent for them (ADR 48): the signature and the address the link went to are personal too.
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var consent = new Consent(pair.Mentee.Id, pair.ProgramId, pair.School.Organisation.Id, ConsentPurpose.Program, Now);
            db.Add(consent);
            db.Add(consent.AskGuardian($"parent.{marker}@families.example", $"H{marker}", Now.AddDays(30), Now));
            db.Add(consent.Record(ConsentState.Given, ConsentGiver.Guardian, null, $"Pat {marker}", null, null, Now));
            return await db.SaveChangesAsync();
        });

        // A message in their conversation, and a text file attached to another.
        var conversation = $"/api/v1/relationships/{pair.RelationshipId}/conversation";
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"{conversation}/messages", new { body = $"message {marker}" })).StatusCode);
        var upload = new HttpRequestMessage(HttpMethod.Post, $"{conversation}/attachments")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($"notes {marker}\n")), "file", "notes.txt" } },
        };
        upload.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(mentee, $"/relationships/{pair.RelationshipId}/messages"));
        Assert.Equal(HttpStatusCode.Created, (await mentee.SendAsync(upload)).StatusCode);
        Assert.Single(await FilesHoldingAsync(marker));

        // A journal entry, shared with the partner (ADR 56).
        var entry = await mentee.PostAsJsonAsync("/api/v1/me/journal", new { body = $"journal {marker}" });
        Assert.Equal(HttpStatusCode.Created, entry.StatusCode);
        var entryId = (await entry.Content.ReadFromJsonAsync<Tandem.Features.Journal.JournalEntryView>(Json.Options))!.Id;
        Assert.True((await mentee.PutAsJsonAsync($"/api/v1/me/journal/{entryId}/share", new { relationshipId = pair.RelationshipId })).IsSuccessStatusCode);

        // A reflection on a training role-play and its quiz answers (ADR 61): the reflection goes, the completion's time stays.
        var module = await Tandem.Tests.Training.TrainingTests.CreateAsync(pair.Coordinator, pair.ProgramId, Tandem.Tests.Training.TrainingTests.Module());
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
            new { scenarioId = module.Scenarios[0].Id, answer = $"reflection {marker}" })).StatusCode);

        var before = await WhereIsAsync(marker);
        Assert.Contains("TrainingCompletions.ReflectionsJson", before);
        Assert.Contains("JournalEntries.Body", before);
        Assert.Contains("Messages.Body", before);
        Assert.Contains("AspNetUsers.DisplayName", before);
        Assert.Contains("CheckIns.Topics", before);
        Assert.Contains("Concerns.Description", before);
        Assert.Contains("Applications.AnswersJson", before);
        Assert.Contains("Applications.WithheldAnswersJson", before);
        Assert.Contains("Applications.DecisionMessage", before);
        Assert.Contains("ApplicationDecisions.Message", before);
        Assert.Contains("Consents.GuardianName", before);
        Assert.Contains("Consents.GuardianEmail", before);
        Assert.Contains("ConsentEvents.GuardianName", before);
        var checkInsBefore = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.CheckIns.CheckIn>().CountAsync(c => c.RelationshipId == pair.RelationshipId));

        var output = new StringWriter();
        var code = await TandemCli.RunAsync(["privacy", "erase", "--email", pair.Mentee.Email, "--yes",
            $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={fixture.Tandem.ConnectionString}", $"--DataDirectory={fixture.Tandem.DataDirectory}",
            "--Logging:LogLevel:Default=Warning"], output, output);

        Assert.True(code == 0, output.ToString());
        Assert.Contains($"Erased account {pair.Mentee.Id}", output.ToString());
        Assert.Empty(await WhereIsAsync(marker));
        Assert.Empty(await FilesHoldingAsync(marker));
        Assert.Empty(await WhereIsAsync(pair.Mentee.Email));
        // What the program's figures need is still there: the relationship, its check-in count, the enrolment.
        var checkInsAfter = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.CheckIns.CheckIn>().CountAsync(c => c.RelationshipId == pair.RelationshipId));
        Assert.Equal(checkInsBefore, checkInsAfter);
        var list = await pair.Coordinator.GetStringAsync($"/api/v1/programs/{pair.ProgramId}/relationships/");
        Assert.Contains("Erased person", list);
        // They can no longer sign in.
        var signIn = await fixture.App.CreateClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { email = pair.Mentee.Email, password = TandemFactory.Password });
        Assert.False(signIn.IsSuccessStatusCode);
    }

    [Fact]
    public async Task TheCommandShowsWhoseAccountItIsAndErasesOnlyWithYesThenCarriesOutTheirOpenRequest()
    {
        var pair = await fixture.PairAsync();
        var requestId = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var request = new Tandem.Features.Exports.ErasureRequest(pair.School.Organisation.Id, pair.Mentee.Id, Tandem.Features.Exports.ErasureRequester.Guardian,
                null, "parent.of.menna@families.example", Now);
            db.Add(request);
            await db.SaveChangesAsync();
            return request.Id;
        });
        string[] database = [$"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={fixture.Tandem.ConnectionString}",
            $"--DataDirectory={fixture.Tandem.DataDirectory}", "--Logging:LogLevel:Default=Warning"];

        var asked = new StringWriter();
        Assert.Equal(1, await TandemCli.RunAsync(["privacy", "erase", "--email", pair.Mentee.Email, .. database], asked, asked));
        Assert.Contains(pair.Mentee.DisplayName, asked.ToString());
        Assert.Contains(pair.Mentee.Email, asked.ToString());
        Assert.Contains(pair.School.Organisation.Name, asked.ToString());
        Assert.Contains("open erasure request", asked.ToString());
        Assert.Contains("Add --yes to erase.", asked.ToString());
        Assert.Equal(pair.Mentee.DisplayName, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == pair.Mentee.Id).Select(u => u.DisplayName).SingleAsync()));

        var output = new StringWriter();
        Assert.True(await TandemCli.RunAsync(["privacy", "erase", "--email", pair.Mentee.Email, "--yes", .. database], output, output) == 0, output.ToString());
        var request = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Exports.ErasureRequest>().AsNoTracking().SingleAsync(r => r.Id == requestId));
        Assert.Equal((Tandem.Features.Exports.ErasureRequestState.CarriedOut, null, Tandem.Features.Privacy.Operators.Pseudonym),
            (request.State, request.RequesterEmail, request.DecidedByUserId));
        Assert.Empty(await WhereIsAsync("parent.of.menna@families.example"));
    }

    [Fact]
    public async Task AShortNameIsErasedAsAWholeWordFromTheirOrganisationsNoticesWithinTheColumnsLengthAndOtherMailStays()
    {
        var pair = await fixture.PairAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == pair.Mentee.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Ann")));
        var longTitle = ("Ann reported a concern " + tag + " ").PadRight(Tandem.Features.Notifications.Notification.TitleMax, 'x');
        var (named, annual) = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            // A 200-character title naming them (the replacement is longer than the name), and another notice that only holds the letters.
            var named = new Tandem.Features.Notifications.Notification(pair.School.Coordinator.Id, Tandem.Features.Notifications.NotificationKind.Safeguarding,
                Tandem.Features.Notifications.NotificationChoice.InApp, longTitle, "Ann says hello.", null, Now);
            var annual = new Tandem.Features.Notifications.Notification(pair.Mentor.Id, Tandem.Features.Notifications.NotificationKind.Announcements,
                Tandem.Features.Notifications.NotificationChoice.InApp, $"Annual reading day {tag}", "Bring your Annotated books.", null, Now);
            db.AddRange(named, annual);
            await db.SaveChangesAsync();
            return (named.Id, annual.Id);
        });
        // Someone else's unsent e-mail that holds the letters, not the name.
        var other = await fixture.Tandem.CreateUserAsync("Otto Other");
        await fixture.WithScopeAsync(async s =>
        {
            var message = new MimeKit.MimeMessage();
            message.From.Add(new MimeKit.MailboxAddress("Tandem", "tandem@example.org"));
            message.To.Add(new MimeKit.MailboxAddress(other.DisplayName, other.Email));
            message.Subject = $"Annual report {tag}";
            message.Body = new MimeKit.TextPart("plain") { Text = "The Annual report is out." };
            var outbox = s.GetRequiredService<Tandem.Infrastructure.Email.MailOutbox>();
            outbox.Queue([new Tandem.Infrastructure.Email.OutgoingMessage(message)]);
            return await s.GetRequiredService<TandemDb>().SaveChangesAsync();
        });

        var erased = await EraseAsync(pair.Mentee.Id);

        Assert.NotNull(erased);
        var notices = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>().AsNoTracking()
            .Where(n => n.Id == named || n.Id == annual).ToDictionaryAsync(n => n.Id));
        Assert.StartsWith($"Erased person reported a concern {tag}", notices[named].Title);
        Assert.Equal(Tandem.Features.Notifications.Notification.TitleMax, notices[named].Title.Length);
        Assert.Equal("Erased person says hello.", notices[named].Body);
        Assert.Equal(($"Annual reading day {tag}", "Bring your Annotated books."), (notices[annual].Title, notices[annual].Body));
        Assert.Single(await fixture.OutboxForAsync(other.Email), e => e.Subject == $"Annual report {tag}");
    }

    [Fact]
    public async Task ErasureRenamesTheirStudyGroupsChannelsClearsModerationReasonsCopyingTheirReportsAndTheRosterClassOfTheirInvitation()
    {
        var marker = $"SGZ{Guid.NewGuid():N}"[..12];
        var pair = await fixture.PairAsync();
        var (channelId, otherChannelId) = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            // A study group of the mentor and the mentee, its channel named after them as ChannelAccess names it; a group without them.
            var enrolments = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId).ToListAsync();
            var group = new Tandem.Features.Relationships.Relationship(pair.ProgramId, Tandem.Features.Relationships.RelationshipKind.Group, DateOnly.FromDateTime(Now),
                Tandem.Features.Relationships.RelationshipSource.PoolMatch, null, null, null, Now);
            db.Add(group);
            var otherGroup = new Tandem.Features.Relationships.Relationship(pair.ProgramId, Tandem.Features.Relationships.RelationshipKind.Group, DateOnly.FromDateTime(Now),
                Tandem.Features.Relationships.RelationshipSource.PoolMatch, null, null, null, Now);
            db.AddRange(otherGroup);
            foreach (var e in enrolments.Where(e => e.UserId == pair.Mentor.Id || e.UserId == pair.Mentee.Id))
            {
                db.Add(new Tandem.Features.Relationships.RelationshipMember(group.Id, e.UserId, e.Id, e.Role));
            }
            foreach (var e in enrolments.Where(e => e.UserId == pair.Mentor.Id || e.UserId == pair.OtherMentee.Id))
            {
                db.Add(new Tandem.Features.Relationships.RelationshipMember(otherGroup.Id, e.UserId, e.Id, e.Role));
            }
            var channel = new Tandem.Features.Channels.DiscussionChannel(pair.ProgramId, Tandem.Features.Channels.ChannelKind.StudyGroup, "Study group: Menna, Mona",
                null, Tandem.Features.Channels.ChannelAudience.Everyone, group.Id, null, Now);
            var other = new Tandem.Features.Channels.DiscussionChannel(pair.ProgramId, Tandem.Features.Channels.ChannelKind.StudyGroup, "Study group: Mona, Pat",
                null, Tandem.Features.Channels.ChannelAudience.Everyone, otherGroup.Id, null, Now);
            // The mentor's post, which the mentee reported; the dismissal copied the report's reason.
            var post = new Tandem.Features.Channels.ChannelPost(channel.Id, pair.ProgramId, pair.Mentor.Id, null, "Hello all", Now);
            var report = new Tandem.Features.Channels.PostReport(post.Id, channel.Id, pair.ProgramId, pair.Mentee.Id, $"reason {marker}", Now);
            var dismissal = new Tandem.Features.Channels.ModerationEntry(pair.ProgramId, channel.Id, pair.School.Coordinator.Id,
                Tandem.Features.Channels.ModerationAction.DismissedReports, pair.Mentor.Id, post.Id, $"Report dismissed: reason {marker}", null, Now);
            db.AddRange(channel, other, post, report, dismissal);
            // The roster's invitation they accepted, naming their class.
            var program = await db.Programs.SingleAsync(p => p.Id == pair.ProgramId);
            var invitation = Tandem.Features.Recruitment.Invitation.ToApply(program, pair.Mentee.Email, Tandem.Features.Programs.ProgramRole.Mentee,
                Tandem.Features.Recruitment.InvitationSource.Roster, pair.School.Coordinator.Id, Guid.NewGuid().ToString("N"), Now, Now.AddDays(14),
                new Tandem.Features.Recruitment.InviteeDetails("Menna", "Tee", null, $"Year 9 {marker}"));
            db.Add(invitation);
            await db.SaveChangesAsync();
            return (channel.Id, other.Id);
        });
        Assert.Equal(["Invitations.Group", "ModerationEntries.Reason", "PostReports.Reason"], (await WhereIsAsync(marker)).Order());

        await EraseAsync(pair.Mentee.Id);

        Assert.Empty(await WhereIsAsync(marker));
        var names = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Channels.DiscussionChannel>()
            .Where(c => c.Id == channelId || c.Id == otherChannelId).ToDictionaryAsync(c => c.Id, c => c.Name));
        Assert.Equal("Study group: Mona", names[channelId]);
        Assert.Equal("Study group: Mona, Pat", names[otherChannelId]);
    }

    private Task<Tandem.Features.Exports.Erasure?> EraseAsync(Guid userId) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<Tandem.Features.Exports.ErasePerson>().RunAsync(userId));

    [Fact]
    public async Task ErasureOverwritesTheGoalsTheySetAndTheActionItemsGivenToThemButNotTheirPartnersOwnGoal()
    {
        var marker = $"GLZ{Guid.NewGuid():N}"[..12];
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var target = DateOnly.FromDateTime(Now).AddMonths(3);
        // The mentee's own goal, with a milestone and an item they gave their mentor.
        var theirs = await Tandem.Tests.Goals.GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, target, $"outcome {marker}",
            new[] { new { title = $"milestone {marker}" } });
        await Tandem.Tests.Goals.GoalTests.AddItemAsync(mentee, pair.RelationshipId, theirs.Id, $"item {marker}", pair.Mentor.Id);
        // The mentor's goal: an item given to the mentee (a minor's "Talk about my anxiety at home") and one of the mentor's own.
        var partners = await Tandem.Tests.Goals.GoalTests.CreateGoalAsync(mentor, pair.RelationshipId, target, "Mona keeps a reading log");
        var given = await mentor.PostAsJsonAsync($"{Tandem.Tests.Goals.GoalTests.Goals(pair.RelationshipId)}/{partners.Id}/action-items",
            new { title = $"Talk about my anxiety at home {marker}", notes = $"notes {marker}", assigneeUserId = pair.Mentee.Id });
        Assert.Equal(HttpStatusCode.Created, given.StatusCode);
        await Tandem.Tests.Goals.GoalTests.AddItemAsync(mentor, pair.RelationshipId, partners.Id, "Mona brings the book list", pair.Mentor.Id);
        Assert.Equal(["ActionItems.Notes", "ActionItems.Title", "GoalMilestones.Title", "Goals.Outcome"], (await WhereIsAsync(marker)).Order());

        await EraseAsync(pair.Mentee.Id);

        Assert.Empty(await WhereIsAsync(marker));
        // The partner's own words stay on the board; the rows stay for the program's counts.
        var board = await mentor.GetStringAsync(Tandem.Tests.Goals.GoalTests.Goals(pair.RelationshipId));
        Assert.Contains("Mona keeps a reading log", board);
        Assert.Contains("Mona brings the book list", board);
        Assert.Equal(2, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Goals.Goal>().CountAsync(g => g.RelationshipId == pair.RelationshipId)));
    }

    [Fact]
    public async Task ErasureClearsTheNoteTheySentWithAnotherTimeAndWhatTheyTypedForTheMeetingsTheyProposed()
    {
        var marker = $"MTZ{Guid.NewGuid():N}"[..12];
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        // The mentor proposes a time; the mentee proposes another, with a note (the note is kept with no answerer).
        var proposed = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var meeting = new Tandem.Features.Meetings.Meeting(pair.RelationshipId, pair.ProgramId, pair.Mentor.Id, Now.AddDays(2), 60,
                Tandem.Features.Meetings.MeetingMode.InPerson, "Library", null, "Reading", null, Now);
            db.Add(meeting);
            await db.SaveChangesAsync();
            return meeting.Id;
        });
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/meetings/{proposed}/response",
            new { response = "ProposeAnotherTime", startsAt = new DateTimeOffset(Now.AddDays(3)), note = $"after my appointment {marker}" })).StatusCode);
        // A meeting the mentee proposed and held: its title is copied into the mentor's service-hours line.
        var held = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var meeting = new Tandem.Features.Meetings.Meeting(pair.RelationshipId, pair.ProgramId, pair.Mentee.Id, Now.AddHours(-2), 45,
                Tandem.Features.Meetings.MeetingMode.InPerson, $"place {marker}", null, $"title {marker}", null, Now);
            Assert.True(meeting.Accept(pair.Mentor.Id, Now));
            db.Add(meeting);
            await db.SaveChangesAsync();
            await s.GetRequiredService<Tandem.Features.Recognition.ServiceHours>().ProposeAsync(
                [new(pair.ProgramId, pair.Mentor.Id, Tandem.Features.Recognition.ServiceHourSource.Meeting, meeting.Id, Now.AddHours(-2), 45, $"Meeting held: title {marker}")], default);
            return meeting.Id;
        });
        Assert.Equal(["Meetings.Place", "Meetings.ResponseNote", "Meetings.Title", "ServiceHourEntries.Description"], (await WhereIsAsync(marker)).Order());

        await EraseAsync(pair.Mentee.Id);

        Assert.Empty(await WhereIsAsync(marker));
        var line = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Recognition.ServiceHourEntry>()
            .Where(e => e.UserId == pair.Mentor.Id && e.SourceId == held).Select(e => new { e.Description, e.Minutes }).SingleAsync());
        Assert.Equal(("Meeting held", 45), (line.Description, line.Minutes));
    }

    [Fact]
    public async Task ErasureClearsWhyTheyWereMatchedAndTheDraftComparisonsThatNameThem()
    {
        var marker = $"MCZ{Guid.NewGuid():N}"[..12];
        var pair = await fixture.PairAsync();
        // What matching wrote about the mentee: why they were matched (their answers), a stable match's note, a request's
        // explanation, and the next draft's comparison naming them.
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var enrolments = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && (e.UserId == pair.Mentee.Id || e.UserId == pair.Mentor.Id))
                .ToDictionaryAsync(e => e.UserId, e => e.Id);
            var draft = new Tandem.Features.Matching.MatchDraft(pair.ProgramId, 2, null, [], 2, pair.School.Coordinator.Id, Now);
            draft.Record(1, 0, 10, 0, 10, false, new Tandem.Features.Matching.DraftComparison(1, 0, 1, 0, 0,
            [
                new(new Tandem.Features.Matching.PersonRef(enrolments[pair.Mentee.Id], pair.Mentee.Id, $"Menna {marker}", Tandem.Features.Programs.ProgramRole.Mentee),
                    Tandem.Features.Matching.DraftChange.Changed, ["Someone"], ["Mona Tor"]),
            ]));
            var proposal = new Tandem.Features.Matching.MatchProposal(draft.Id, 0, enrolments[pair.Mentor.Id], enrolments[pair.Mentee.Id], 10,
                [new("languages", 10, true, false, false, $"same languages: {marker}")], false);
            proposal.RecordChoice(new Tandem.Features.Matching.StableChoice(1, 1, $"first choice {marker}"));
            draft.Proposals.Add(proposal);
            db.Add(draft);
            db.Add(new Tandem.Features.Relationships.MentorRequest(pair.ProgramId, enrolments[pair.Mentee.Id], pair.Mentee.Id, enrolments[pair.Mentor.Id], pair.Mentor.Id,
                "Could you help me with reading?", $"same languages: {marker}", 10, Now, Now.AddDays(7)));
            await db.SaveChangesAsync();
            return await db.Set<Tandem.Features.Relationships.Relationship>().Where(r => r.Id == pair.RelationshipId)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.MatchExplanation, $"same languages: {marker}"));
        });
        Assert.Equal(["MatchDrafts.ComparisonJson", "MatchProposals.ChoiceNote", "MatchProposals.ExplanationJson", "MentorRequests.MatchExplanation", "Relationships.MatchExplanation"],
            (await WhereIsAsync(marker)).Order());

        await EraseAsync(pair.Mentee.Id);

        Assert.Empty(await WhereIsAsync(marker));
    }
    [Fact]
    public async Task ErasureClearsTheChoiceNotesOfOthersProposalsThatNameThem()
    {
        var marker = $"MCN{Guid.NewGuid():N}"[..12];
        var pair = await fixture.PairAsync();
        // A stable match's note on the other mentee's proposal names the mentee being erased as a mentor's higher choice.
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var mentor = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && e.UserId == pair.Mentor.Id).Select(e => e.Id).SingleAsync();
            var draft = new Tandem.Features.Matching.MatchDraft(pair.ProgramId, 3, null, [], 2, pair.School.Coordinator.Id, Now);
            var proposal = new Tandem.Features.Matching.MatchProposal(draft.Id, 0, mentor, pair.OtherMenteeEnrolmentId, 10,
                [new("languages", 10, true, false, false, "same languages: English")], false);
            proposal.RecordChoice(new Tandem.Features.Matching.StableChoice(2, 1,
                $"The other mentee got their 2nd choice: their 1st is full with mentees they ranked higher (Menna {marker})."));
            draft.Proposals.Add(proposal);
            db.Add(draft);
            return await db.SaveChangesAsync();
        });
        Assert.Equal(["MatchProposals.ChoiceNote"], await WhereIsAsync(marker));

        await EraseAsync(pair.Mentee.Id);

        Assert.Empty(await WhereIsAsync(marker));
    }
}
