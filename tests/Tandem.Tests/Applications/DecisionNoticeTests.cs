using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Time.Testing;
using Tandem.Features.Applications;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Applications;

/// <summary>
/// Issue 10 item 3: applicants hear about decisions (in the app and by e-mail, with the coordinator's message), may
/// change or withdraw an application until it is decided, and the coordinator sees who has been told and how.
/// </summary>
public sealed class DecisionNoticeTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private async Task<(HttpClient Coordinator, Guid ProgramId, School School)> ProgramAsync()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        return (coordinator, program.Id, school);
    }

    private async Task<(HttpClient Client, string Email, MyApplicationView Application)> ApplyAsync(Guid programId, string name, string role = "mentee")
    {
        var user = await fixture.Tandem.CreateUserAsync(name);
        var client = await fixture.SignInAsync(user);
        var response = await client.PostAsJsonAsync($"/api/v1/programs/{programId}/applications",
            new { role, answers = new { note = "I like reading." }, acceptsCodeOfConduct = true, submit = true });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (client, user.Email, (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!);
    }

    private static async Task<HttpResponseMessage> DecideAsync(HttpClient coordinator, Guid programId, Guid applicationId, string decision, string? message = null) =>
        await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/applications/{applicationId}/decision", new { decision, message });

    private static async Task<NotificationView> LatestNotificationAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!.Items[0];

    private static async Task<ReviewQueueItem> QueueItemAsync(HttpClient coordinator, Guid programId, Guid applicationId) =>
        (await coordinator.GetFromJsonAsync<Paged<ReviewQueueItem>>($"/api/v1/programs/{programId}/applications?pageSize=100", Json.Options))!
            .Items.Single(i => i.Id == applicationId);

    [Fact]
    public async Task AnApprovedApplicantIsToldInTheAppAndByEmailWithTheCoordinatorsMessageAndTheCoordinatorSeesThat()
    {
        var (coordinator, programId, school) = await ProgramAsync();
        var (applicant, email, application) = await ApplyAsync(programId, "Abel Approved");

        var decided = await DecideAsync(coordinator, programId, application.Id, "Approve", "Welcome! Your first meeting is on Monday in the library.");

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var notice = await LatestNotificationAsync(applicant);
        Assert.Equal("Your application to Reading Buddies is approved", notice.Title);
        Assert.Contains("approved", notice.Body);
        Assert.Contains("Message from the coordinator:\nWelcome! Your first meeting is on Monday in the library.", notice.Body);
        Assert.Equal("/my/applications", notice.Link);
        var mail = Assert.Single(await fixture.Smtp.ForAsync(email));
        Assert.Equal("Your application to Reading Buddies is approved", mail.Subject);
        Assert.Contains("Welcome! Your first meeting is on Monday in the library.", mail.TextBody);

        var told = (await QueueItemAsync(coordinator, programId, application.Id)).Told;
        Assert.NotNull(told);
        Assert.Equal(EmailDelivery.Sent, told.Email);
        Assert.Equal("Told on 1 Feb 2027 by e-mail and in the app", told.Sentence);
        var review = (await coordinator.GetFromJsonAsync<ReviewApplicationView>($"/api/v1/programs/{programId}/applications/{application.Id}", Json.Options))!;
        Assert.Equal("Told on 1 Feb 2027 by e-mail and in the app", Assert.Single(review.Decisions).Told?.Sentence);
        var mine = (await applicant.GetFromJsonAsync<Paged<MyApplicationSummary>>("/api/v1/me/applications", Json.Options))!.Items.Single();
        Assert.Equal((ApplicationStatus.Approved, "Welcome! Your first meeting is on Monday in the library."), (mine.Status, mine.DecisionMessage));

        var page = await (await fixture.App.SignedInClientAsync(school.Coordinator)).GetStringAsync($"/programs/{programId}/applications");
        Assert.Contains("Told on 1 Feb 2027 by e-mail and in the app", page);
    }

    [Fact]
    public async Task WaitlistedAndDeclinedApplicantsAreToldAndSomeoneWithoutEmailIsToldInTheAppOnly()
    {
        var (coordinator, programId, _) = await ProgramAsync();
        var (waiting, waitingEmail, waitlisted) = await ApplyAsync(programId, "Wanda Waiting");
        var (declinedClient, _, declined) = await ApplyAsync(programId, "Dora Declined");
        (await declinedClient.PutAsJsonAsync("/api/v1/me/notification-preferences", new { email = false })).EnsureSuccessStatusCode();

        (await DecideAsync(coordinator, programId, waitlisted.Id, "Waitlist")).EnsureSuccessStatusCode();
        (await DecideAsync(coordinator, programId, declined.Id, "Decline", "We had more applicants than places this term.")).EnsureSuccessStatusCode();

        var waitNotice = await LatestNotificationAsync(waiting);
        Assert.Equal("Your application to Reading Buddies is on the waiting list", waitNotice.Title);
        Assert.DoesNotContain("Message from the coordinator", waitNotice.Body);
        Assert.Equal("Your application to Reading Buddies is on the waiting list", Assert.Single(await fixture.Smtp.ForAsync(waitingEmail)).Subject);
        var declineNotice = await LatestNotificationAsync(declinedClient);
        Assert.Equal("Your application to Reading Buddies was declined", declineNotice.Title);
        Assert.Contains("We had more applicants than places this term.", declineNotice.Body);
        Assert.False(declineNotice.Emailed);

        Assert.Equal("Told on 1 Feb 2027 by e-mail and in the app", (await QueueItemAsync(coordinator, programId, waitlisted.Id)).Told?.Sentence);
        Assert.Equal("Told on 1 Feb 2027 in the app only (no e-mail: turned off or no address)",
            (await QueueItemAsync(coordinator, programId, declined.Id)).Told?.Sentence);

        // Waitlisted, then approved: the queue shows how the latest decision was told; the page lists both.
        (await DecideAsync(coordinator, programId, waitlisted.Id, "Approve", "A place opened up.")).EnsureSuccessStatusCode();
        Assert.Equal("Your application to Reading Buddies is approved", (await LatestNotificationAsync(waiting)).Title);
        var review = (await coordinator.GetFromJsonAsync<ReviewApplicationView>($"/api/v1/programs/{programId}/applications/{waitlisted.Id}", Json.Options))!;
        Assert.Equal(2, review.Decisions.Count(d => d.Told?.Email == EmailDelivery.Sent));
    }

    [Fact]
    public async Task WhenTheMailServerIsDownTheCoordinatorSeesTheEmailIsStillQueued()
    {
        var (coordinator, programId, school) = await ProgramAsync();
        var (_, _, application) = await ApplyAsync(programId, "Quentin Queued");
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var down = fixture.Tandem.WithClock(clock, b => b.UseTestSmtp(SmtpCapture.FreePort()));
        var coordinatorOnDownNode = await down.SignedInClientAsync(school.Coordinator);

        var decided = await DecideAsync(coordinatorOnDownNode, programId, application.Id, "Approve", "Welcome.");

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var told = (await QueueItemAsync(coordinator, programId, application.Id)).Told;
        Assert.Equal(EmailDelivery.Queued, told?.Email);
        Assert.Equal("Told on 1 Feb 2027 in the app; the e-mail is queued and will be retried", told?.Sentence);
    }

    [Fact]
    public async Task AnApplicantChangesOrWithdrawsTheirApplicationUntilItIsDecidedAndNotAfter()
    {
        var (coordinator, programId, _) = await ProgramAsync();
        var (applicant, _, application) = await ApplyAsync(programId, "Carla Changes");
        var url = $"/api/v1/me/applications/{application.Id}";

        var changed = await applicant.PutAsJsonAsync(url, new { answers = new { note = "I like reading and drawing." }, acceptsCodeOfConduct = true });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var view = (await changed.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        Assert.Equal(ApplicationStatus.Submitted, view.Status);
        Assert.Equal("I like reading and drawing.", view.Answers.Text("note"));
        var incomplete = await applicant.PutAsJsonAsync(url, new { answers = new { note = "x" }, acceptsCodeOfConduct = false });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);

        (await DecideAsync(coordinator, programId, application.Id, "Waitlist")).EnsureSuccessStatusCode();
        var late = await applicant.PutAsJsonAsync(url, new { answers = new { note = "Too late" }, acceptsCodeOfConduct = true });
        var lateWithdraw = await applicant.PostAsync($"{url}/withdraw", Json.Empty());

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("Your application was put on the waiting list on 1 Feb 2027; it can no longer be changed or withdrawn. Contact the program's coordinators if something has changed.",
            (await late.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(HttpStatusCode.Conflict, lateWithdraw.StatusCode);
        Assert.Contains("put on the waiting list", (await lateWithdraw.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var kept = (await applicant.GetFromJsonAsync<MyApplicationView>(url, Json.Options))!;
        Assert.Equal((ApplicationStatus.Waitlisted, "I like reading and drawing."), (kept.Status, kept.Answers.Text("note")));
    }

    [Fact]
    public async Task AWithdrawnApplicationCannotBeDecidedNorChangedAndNobodyElseCanWithdrawIt()
    {
        var (coordinator, programId, _) = await ProgramAsync();
        var (applicant, _, application) = await ApplyAsync(programId, "Walter Withdraws");
        var (stranger, _, _) = await ApplyAsync(programId, "Stan Stranger");

        var strangers = await stranger.PostAsync($"/api/v1/me/applications/{application.Id}/withdraw", Json.Empty());
        var withdrawn = await applicant.PostAsync($"/api/v1/me/applications/{application.Id}/withdraw", Json.Empty());

        Assert.Equal(HttpStatusCode.NotFound, strangers.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal(ApplicationStatus.Withdrawn, (await withdrawn.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Status);
        var decide = await DecideAsync(coordinator, programId, application.Id, "Approve");
        Assert.Equal(HttpStatusCode.Conflict, decide.StatusCode);
        Assert.Contains("withdrawn by the applicant", (await decide.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var change = await applicant.PutAsJsonAsync($"/api/v1/me/applications/{application.Id}", new { answers = new { note = "Back again" }, acceptsCodeOfConduct = true });
        Assert.Equal(HttpStatusCode.Conflict, change.StatusCode);
        Assert.Contains("You withdrew this application on 1 Feb 2027", (await change.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(ApplicationStatus.Withdrawn, (await QueueItemAsync(coordinator, programId, application.Id)).Status);
    }

    [Fact]
    public async Task TheApplicantWithdrawsFromTheirApplicationsPageAndChangesASubmittedApplicationOnTheApplyPage()
    {
        var (_, programId, _) = await ProgramAsync();
        var user = await fixture.Tandem.CreateUserAsync("Petra Pages");
        var api = await fixture.SignInAsync(user);
        var applied = await api.PostAsJsonAsync($"/api/v1/programs/{programId}/applications",
            new { role = "mentee", answers = new { note = "First answer" }, acceptsCodeOfConduct = true, submit = true });
        var application = (await applied.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        var page = new PageClient(await fixture.App.SignedInClientAsync(user));

        var form = await page.Http.GetStringAsync($"/apply/{programId}/mentee");
        Assert.Contains("You can change your answers, or withdraw it", form);
        Assert.Contains("Save changes", form);
        var saved = await page.SubmitAsync($"/apply/{programId}/mentee", "application",
            [new("intent", "submit"), new("q.note", "Second answer"), new("acceptsCodeOfConduct", "true")]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Your changes are saved. Your application stays submitted.", await saved.Content.ReadAsStringAsync());

        var list = await page.Http.GetStringAsync("/my/applications");
        Assert.Contains("View or change", list);
        var withdrawn = await page.SubmitAsync("/my/applications", $"withdraw-{application.Id}", []);
        var html = await withdrawn.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Contains("Your application to Reading Buddies is withdrawn.", html);
        Assert.Contains("Withdrawn by you", html);
        var mine = (await api.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{application.Id}", Json.Options))!;
        Assert.Equal((ApplicationStatus.Withdrawn, "Second answer"), (mine.Status, mine.Answers.Text("note")));
    }
}
