using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Surveys;

/// <summary>
/// Whom a survey reaches and what its results give away (ADR 99): anonymous results in steps of five answers, audited
/// reads of minors' named answers, nobody removed or disabled asked, reminded or answering, nothing taken in after
/// retention, no backlog of pulses after consent is given again, one commit for sending, no change to a survey just sent.
/// Assertions are about this test's own people and surveys: the job runs over every survey of the class's database.
/// </summary>
[RunsLong(30)]
public sealed class SurveyReachTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AnAnonymousSurveysResultsMoveInStepsOfFiveAnswersSoTheNewestAnswerIsNeverTheDifference()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 6, mentors: 0);
        var survey = await world.CreateAsync(new { template = "MidPoint", trigger = "Now" });
        await world.SendAsync(survey.Id);
        async Task AnswerAsync(Person person, int overall)
        {
            var invitation = Assert.Single(await SurveyProgram.MineAsync(person.Client)).Id;
            (await SurveyProgram.AnswerAsync(person.Client, invitation, new { overall, match = 4, often = 2 })).EnsureSuccessStatusCode();
        }
        foreach (var mentee in world.Mentees.Take(5))
        {
            await AnswerAsync(mentee, 5);
        }
        var url = $"/api/v1/surveys/{survey.Id}/results";
        var csv = $"/api/v1/surveys/{survey.Id}/exports/results?format=csv";
        var five = (await world.Coordinator.GetFromJsonAsync<SurveyResults>(url, Json.Options))!;
        var fiveCsv = await world.Coordinator.GetStringAsync(csv);

        // The sixth answer, whose author the invitations name, changes nothing a coordinator reads.
        await AnswerAsync(world.Mentees[5], 10);
        var six = (await world.Coordinator.GetFromJsonAsync<SurveyResults>(url, Json.Options))!;

        Assert.True(five.Shown);
        Assert.Equal((5, 5.0), (five.Responses, five.Questions.Single(q => q.Id == "overall").Mean));
        Assert.Equal((5, 5.0), (six.Responses, six.Questions.Single(q => q.Id == "overall").Mean));
        Assert.Equal(0, six.Questions.Single(q => q.Id == "overall").Distribution.Single(d => d.Label == "10").Count);
        Assert.Equal(fiveCsv, await world.Coordinator.GetStringAsync(csv));
        Assert.Contains("Results move in steps of 5 answers", WebUtility.HtmlDecode(await world.Coordinator.GetStringAsync($"/surveys/{survey.Id}")));
    }

    [Fact]
    public async Task AStaffReadOfAMinorsNamedAnswersListedOrDownloadedIsWrittenToTheAuditLog()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 0);
        var (minor, adult) = (world.Mentees[0], world.Mentees[1]);
        var survey = await world.CreateAsync(new { template = "NeedsAssessment", anonymous = false });
        await world.SendAsync(survey.Id);
        foreach (var person in new[] { minor, adult })
        {
            var invitation = Assert.Single(await SurveyProgram.MineAsync(person.Client)).Id;
            (await SurveyProgram.AnswerAsync(person.Client, invitation, new { format = "Online", frequency = "Weekly", interest = 4 })).EnsureSuccessStatusCode();
        }
        await MakeMinorAsync(world, minor.User.Id);

        (await world.Coordinator.GetAsync($"/api/v1/surveys/{survey.Id}/responses")).EnsureSuccessStatusCode();
        (await world.Coordinator.GetAsync($"/api/v1/surveys/{survey.Id}/exports/responses?format=csv")).EnsureSuccessStatusCode();

        var entries = (await AuditAboutAsync(world, minor.User.Id)).Where(e => e.Record == AuditRecord.SurveyAnswers).ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal((world.School.Coordinator.Id, world.Program.Id, world.School.Organisation.Id, survey.Id, "Reading a named survey's answers"),
            (e.ActorUserId, e.ProgramId!.Value, e.OrganisationId!.Value, e.RecordId!.Value, e.Purpose)));
        Assert.Empty(await AuditAboutAsync(world, adult.User.Id));
        Assert.Contains("Your answers to a survey that names who answered", WebUtility.HtmlDecode(await minor.Client.GetStringAsync("/my/access-log")));

        // A survey of the organisation without a program: the entry is the organisation's, for its audit log.
        var created = await world.Coordinator.PostAsJsonAsync($"/api/v1/organisations/{world.School.Organisation.Id}/surveys",
            new { title = "Before the next program", anonymous = false, roster = new[] { minor.User.Email } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var organisational = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        await world.SendAsync(organisational.Id);
        var asked = (await SurveyProgram.MineAsync(minor.Client)).Single(s => s.Title == "Before the next program").Id;
        (await SurveyProgram.AnswerAsync(minor.Client, asked, new { format = "Online", frequency = "Weekly", interest = 2 })).EnsureSuccessStatusCode();
        (await world.Coordinator.GetAsync($"/api/v1/surveys/{organisational.Id}/responses")).EnsureSuccessStatusCode();
        var entry = Assert.Single(await AuditAboutAsync(world, minor.User.Id), e => e.RecordId == organisational.Id);
        Assert.Equal((world.School.Organisation.Id, (Guid?)null), (entry.OrganisationId!.Value, entry.ProgramId));
    }

    [Fact]
    public async Task PeopleRemovedOrDisabledAreNeitherAskedNorRemindedAndCannotAnswer()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 3, mentors: 0);
        var (removed, disabled, stays) = (world.Mentees[0], world.Mentees[1], world.Mentees[2]);
        var survey = await world.CreateAsync(new { template = "NeedsAssessment", title = "Reach check", remindAfterDays = 1 });
        await world.SendAsync(survey.Id);
        var invitation = Assert.Single(await SurveyProgram.MineAsync(removed.Client)).Id;
        var organisational = await world.Coordinator.PostAsJsonAsync($"/api/v1/organisations/{world.School.Organisation.Id}/surveys",
            new { title = "Roster check", roster = new[] { removed.User.Email, stays.User.Email } });
        Assert.True(organisational.IsSuccessStatusCode, await organisational.Content.ReadAsStringAsync());
        var rosterSurvey = (await organisational.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;

        // Removed from the program and from the organisation, or disabled, after being asked (or put on the roster).
        await world.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await db.Enrolments.Where(e => e.UserId == removed.User.Id && e.ProgramId == world.Program.Id).ExecuteDeleteAsync();
            await db.OrganisationMemberships.Where(m => m.UserId == removed.User.Id && m.OrganisationId == world.School.Organisation.Id).ExecuteDeleteAsync();
            return await db.Users.Where(u => u.Id == disabled.User.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true));
        });
        await world.SendAsync(rosterSurvey.Id);
        world.Clock.Advance(TimeSpan.FromDays(2));
        await world.RunJobAsync();

        Assert.Equal((0, 0, 1), (await NoticesAsync(world, removed.User.Id, "Reminder: Reach check"), await NoticesAsync(world, disabled.User.Id, "Reminder: Reach check"),
            await NoticesAsync(world, stays.User.Id, "Reminder: Reach check")));
        Assert.Equal((0, 1), (await NoticesAsync(world, removed.User.Id, "A short survey: Roster check"), await NoticesAsync(world, stays.User.Id, "A short survey: Roster check")));
        Assert.Equal(HttpStatusCode.NotFound, (await removed.Client.GetAsync($"/api/v1/me/surveys/{invitation}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SurveyProgram.AnswerAsync(removed.Client, invitation, new { format = "Online", frequency = "Weekly", interest = 4 })).StatusCode);
        Assert.Empty(await SurveyProgram.MineAsync(removed.Client));
        Assert.Equal(2, (await SurveyProgram.MineAsync(stays.Client)).Count);
    }

    [Fact]
    public async Task AfterRetentionTheProgramsSurveysCloseAndTakeNoAnswerNorSuggestionAndAClosedOrganisationSurveysNamedAnswersAreAnonymised()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var mentee = world.Mentees[0];
        var survey = await world.CreateAsync(new { template = "NeedsAssessment", anonymous = false });
        await world.SendAsync(survey.Id);
        var invitation = Assert.Single(await SurveyProgram.MineAsync(mentee.Client)).Id;
        var created = await world.Coordinator.PostAsJsonAsync($"/api/v1/organisations/{world.School.Organisation.Id}/surveys",
            new { title = "Kept for a while", anonymous = false, roster = new[] { mentee.User.Email } });
        var organisational = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        await world.SendAsync(organisational.Id);
        var asked = (await SurveyProgram.MineAsync(mentee.Client)).Single(s => s.Title == "Kept for a while").Id;
        (await SurveyProgram.AnswerAsync(mentee.Client, asked, new { format = "Online", frequency = "Weekly", interest = 4, ideas = "Chess club" })).EnsureSuccessStatusCode();
        (await world.Coordinator.PostAsync($"/api/v1/surveys/{organisational.Id}/close", Json.Empty())).EnsureSuccessStatusCode();
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();

        world.Clock.Advance(TimeSpan.FromDays(25 * 31));
        var pass = await world.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());

        Assert.Contains(pass.Programs, p => p.ProgramId == world.Program.Id);
        var client = await world.App.SignedInClientAsync(mentee.User);
        var coordinator = await world.App.SignedInClientAsync(world.School.Coordinator);
        var answered = await SurveyProgram.AnswerAsync(client, invitation, new { format = "Online", frequency = "Weekly", interest = 4, ideas = "Kept forever?" });
        var suggested = await client.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/suggestions", new { text = "Kept forever too?", anonymous = false });
        Assert.Equal(HttpStatusCode.Conflict, answered.StatusCode);
        Assert.Contains("anonymised", await answered.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, suggested.StatusCode);
        Assert.Contains("anonymised", await suggested.Content.ReadAsStringAsync());
        Assert.Equal(SurveyStatus.Closed, (await coordinator.GetFromJsonAsync<SurveyView>($"/api/v1/surveys/{survey.Id}", Json.Options))!.Status);
        var kept = await world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<SurveyResponse>().AsNoTracking()
            .Where(r => r.SurveyId == organisational.Id).Select(r => new { r.UserId, r.AnswersJson }).ToListAsync());
        Assert.Equal(((Guid?)null, "{}"), (Assert.Single(kept).UserId, kept[0].AnswersJson));
    }

    [Fact]
    public async Task AClosedProgramsDatedAndHalfWaySurveysDoNotOpenButItsClosingSurveyStillDoes()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var today = DateOnly.FromDateTime(world.Clock.GetUtcNow().UtcDateTime);
        var dated = await world.CreateAsync(new { template = "NeedsAssessment", title = "Dated", trigger = "OnDate", sendOn = today.AddDays(2).ToString("yyyy-MM-dd") });
        var halfway = await world.CreateAsync(new { template = "MidPoint" });
        var end = await world.CreateAsync(new { template = "EndOfProgram" });
        foreach (var survey in new[] { dated, halfway, end })
        {
            Assert.Equal(SurveyStatus.Scheduled, (await world.SendAsync(survey.Id)).Status);
        }
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();

        // The program ran 2027-01-10 to 2027-06-30: half-way was 2027-04-05, and the dated survey's day has passed too.
        world.Clock.Advance(new DateTimeOffset(2027, 4, 6, 9, 0, 0, TimeSpan.Zero) - world.Clock.GetUtcNow());
        await world.RunJobAsync();

        var mentee = await world.App.SignedInClientAsync(world.Mentees[0].User);
        Assert.Equal(["End of program survey"], (await SurveyProgram.MineAsync(mentee)).Select(s => s.Title));
        var coordinator = await world.App.SignedInClientAsync(world.School.Coordinator);
        foreach (var survey in new[] { dated, halfway })
        {
            Assert.Equal(SurveyStatus.Scheduled, (await coordinator.GetFromJsonAsync<SurveyView>($"/api/v1/surveys/{survey.Id}", Json.Options))!.Status);
        }
        Assert.Equal(0, await world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<SurveyInvitation>().CountAsync(i => i.SurveyId == dated.Id || i.SurveyId == halfway.Id)));
    }

    [Fact]
    public async Task APulseReminderReachesOnlyTheMembersOfPairsThatHaveNotEndedSinceTheirMeeting()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var (mentor, mentee) = (await program.ApproveAsync("Mia Mentor", "mentor"), await program.ApproveAsync("Max Mentee", "mentee"));
        var (staying, stayingMentee) = (await program.ApproveAsync("Sol Mentor", "mentor"), await program.ApproveAsync("Sam Mentee", "mentee"));
        var ending = await program.StartAsync(mentor, mentee);
        var running = await program.StartAsync(staying, stayingMentee);
        var created = await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/surveys", new { template = "Pulse" });
        var pulse = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        (await program.Coordinator.PostAsync($"/api/v1/surveys/{pulse.Id}/send", Json.Empty())).EnsureSuccessStatusCode();
        foreach (var (pair, by) in new[] { (ending, mentor), (running, staying) })
        {
            (await by.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/check-ins",
                new { happened = true, topics = "Fractions", occurredAt = factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(-30) })).EnsureSuccessStatusCode();
        }
        await factory.WithScopeAsync(s => s.GetRequiredService<DispatchSurveys>().RunAsync());
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{ending.Id}/status", new { status = "EndedEarly", reason = "Moved away" })).EnsureSuccessStatusCode();

        factory.Clock.Advance(TimeSpan.FromDays(3)); // past the pulse's two days
        await factory.WithScopeAsync(s => s.GetRequiredService<DispatchSurveys>().RunAsync());

        var reminded = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .Where(n => n.Title == "Reminder: How was your meeting?").Select(n => n.UserId).ToListAsync());
        Assert.DoesNotContain(mentor.User.Id, reminded);
        Assert.DoesNotContain(mentee.User.Id, reminded);
        Assert.Contains(staying.User.Id, reminded);
        Assert.Contains(stayingMentee.User.Id, reminded);
    }

    [Fact]
    public async Task SomeoneWhoConsentsAgainIsNotAskedAboutMeetingsHeldWhileTheyWereHeldBack()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        var created = await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/surveys", new { template = "Pulse" });
        var pulse = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        (await program.Coordinator.PostAsync($"/api/v1/surveys/{pulse.Id}/send", Json.Empty())).EnsureSuccessStatusCode();
        Task RunJobAsync() => factory.WithScopeAsync(s => s.GetRequiredService<DispatchSurveys>().RunAsync());
        Task<int> AskedAsync(Guid userId) => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<SurveyInvitation>().CountAsync(i => i.SurveyId == pulse.Id && i.UserId == userId));
        async Task CheckInAsync() => (await mentor.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/check-ins",
            new { happened = true, topics = "Fractions", occurredAt = factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(-30) })).EnsureSuccessStatusCode();

        await ConsentStates.HoldBackAsync(factory.Services, mentee.User.Id, program.Program.Id);
        await CheckInAsync();
        await RunJobAsync();
        Assert.Equal((1, 0), (await AskedAsync(mentor.User.Id), await AskedAsync(mentee.User.Id)));
        // The job runs every minute: ten minutes on, it has looked past the meeting (it looks back five, for late commits).
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        await RunJobAsync();

        factory.Clock.Advance(TimeSpan.FromHours(1));
        await GiveAgainAsync(mentee.User.Id, program.Program.Id);
        await RunJobAsync();
        Assert.Equal(0, await AskedAsync(mentee.User.Id)); // not asked about the meeting held while held back

        await CheckInAsync();
        await RunJobAsync();
        Assert.Equal((2, 1), (await AskedAsync(mentor.User.Id), await AskedAsync(mentee.User.Id)));
    }

    [Fact]
    public async Task ASendThatFailsToInviteLeavesADraftToSendAgainNotAnOpenSurveyNobodyWasAskedTo()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 0);
        var survey = await world.CreateAsync(new { template = "NeedsAssessment" });
        var coordinator = new Actor(world.School.Coordinator.Id, IsAdministrator: false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => UseCaseOver.RunAsync<SendSurvey, Outcome<SurveyView>>(world.App.Services, new InvitationsFailToSave(),
            send => send.RunAsync(coordinator, survey.Id)));

        var after = (await world.Coordinator.GetFromJsonAsync<SurveyView>($"/api/v1/surveys/{survey.Id}", Json.Options))!;
        Assert.Equal((SurveyStatus.Draft, 0), (after.Status, after.Invited));
        var sent = await world.SendAsync(survey.Id);
        Assert.Equal((SurveyStatus.Open, 2), (sent.Status, sent.Invited));
    }

    [Fact]
    public async Task AChangeSavedJustAfterTheSurveyWasSentIsRefusedAndAClosedProgramSendsNoNewSurvey()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var survey = await world.CreateAsync(new { template = "EndOfProgram" });
        var coordinator = new Actor(world.School.Coordinator.Id, IsAdministrator: false);

        var changed = await UseCaseOver.RunAsync<UpdateSurvey, Outcome<SurveyView>>(world.App.Services,
            new BeforeFirstUpdate(() => world.WithScopeAsync(s => s.GetRequiredService<SendSurvey>().RunAsync(coordinator, survey.Id))),
            update => update.RunAsync(coordinator, survey.Id, new SaveSurveyRequest { Title = "Changed after sending" }));

        Assert.IsType<Conflict>(changed.Failure);
        var stored = (await world.Coordinator.GetFromJsonAsync<SurveyView>($"/api/v1/surveys/{survey.Id}", Json.Options))!;
        Assert.Equal((SurveyStatus.Scheduled, survey.Title), (stored.Status, stored.Title));

        var draft = await world.CreateAsync(new { template = "MidPoint", trigger = "Now" });
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        var refused = await world.Coordinator.PostAsync($"/api/v1/surveys/{draft.Id}/send", Json.Empty());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("The program is closed", await refused.Content.ReadAsStringAsync());
        Assert.Empty(await SurveyProgram.MineAsync(world.Mentees[0].Client));
    }

    private static Task<int> NoticesAsync(SurveyProgram world, Guid userId, string title) =>
        world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().CountAsync(n => n.UserId == userId && n.Title == title));

    internal static Task<List<AuditEntry>> AuditAboutAsync(SurveyProgram world, Guid userId) =>
        world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == userId).ToListAsync());

    internal static Task MakeMinorAsync(SurveyProgram world, Guid userId) => world.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var now = world.Clock.GetUtcNow().UtcDateTime;
        var application = new Application(world.Program.Id, userId, ProgramRole.Mentee, null, now);
        application.SaveDraft(null, "{}", true, 15, "Pat Parent", "pat.parent@test.example", now);
        db.Add(application);
        return await db.SaveChangesAsync();
    });

    private async Task GiveAgainAsync(Guid userId, Guid programId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var consent = await db.Set<Consent>().SingleAsync(c => c.UserId == userId && c.ProgramId == programId && c.Purpose == ConsentPurpose.Program);
        db.Add(consent.Record(ConsentState.Given, ConsentGiver.Participant, userId, null, null, null, DateTime.UtcNow.AddSeconds(1)));
        await db.SaveChangesAsync();
    }
}
