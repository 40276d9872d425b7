using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Exports;
using Tandem.Features.Programs;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Recognition;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Tandem.Tests.Recognition;

/// <summary>
/// Issue 13 item 5 (ADR 63): kudos between a pair's members and from coordinators, badges by rule (once) and by hand,
/// the service-hours ledger proposed from meetings held and confirmed by coordinators, and certificates of a closed
/// program with a verification code nobody can forge or alter.
/// </summary>
public sealed class RecognitionTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private static async Task TurnOnAsync(Pair pair, params string[] rules)
    {
        var response = await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badge-rules", new { enabled = rules });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task CheckInAsync(HttpClient member, Pair pair, Guid meetingId)
    {
        var response = await member.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new { meetingId, happened = true, topics = "Reading" });
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<List<BadgeAwardView>> BadgesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<BadgeAwardView>>("/api/v1/me/badges", Json.Options))!;

    [Fact]
    public async Task BadgesAreAwardedOnceOnTheFirstAndTheTenthMeetingHeld()
    {
        var pair = await fixture.PairAsync();
        await TurnOnAsync(pair, BadgeCatalogue.FirstMeeting, BadgeCatalogue.TenMeetings);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);

        var first = await pair.MeetingAsync(Now.AddDays(-20));
        await CheckInAsync(mentee, pair, first);
        await CheckInAsync(mentor, pair, first);
        Assert.Equal([BadgeCatalogue.FirstMeeting], (await BadgesAsync(mentee)).Select(b => b.Badge));
        Assert.Equal([BadgeCatalogue.FirstMeeting], (await BadgesAsync(mentor)).Select(b => b.Badge));

        for (var i = 1; i <= 10; i++)
        {
            await CheckInAsync(mentor, pair, await pair.MeetingAsync(Now.AddDays(-20 + i)));
            var held = (await BadgesAsync(mentee)).Select(b => b.Badge).Order().ToList();
            // The tenth meeting held (the first plus nine) awards "ten meetings"; the eleventh awards nothing again.
            Assert.Equal(i >= 9 ? [BadgeCatalogue.FirstMeeting, BadgeCatalogue.TenMeetings] : [BadgeCatalogue.FirstMeeting], held);
        }
        Assert.All(await BadgesAsync(mentee), b => Assert.False(b.ByHand));
        var notices = (await mentee.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications?pageSize=100", Json.Options))!.Items;
        Assert.Single(notices, n => n.Title == "You earned a badge: Ten meetings");
        Assert.Single(notices, n => n.Title == "You earned a badge: First meeting");
    }

    [Fact]
    public async Task ARuleThatIsOffAwardsNothingAndAnUnknownRuleIsRefused()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await CheckInAsync(mentee, pair, await pair.MeetingAsync(Now.AddDays(-1)));
        Assert.Empty(await BadgesAsync(mentee));

        var refused = await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badge-rules", new { enabled = new[] { "made-up" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badge-rules", new { enabled = Array.Empty<string>() })).StatusCode);
    }

    [Fact]
    public async Task ACoordinatorAwardsABadgeByHandWithAReasonOnce()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var url = $"/api/v1/programs/{pair.ProgramId}/badges";

        var awarded = await pair.Coordinator.PostAsJsonAsync(url, new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "Ran the book swap" });
        Assert.Equal(HttpStatusCode.Created, awarded.StatusCode);
        var again = await pair.Coordinator.PostAsJsonAsync(url, new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "Twice" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync(url, new { userId = pair.Mentee.Id, badge = BadgeCatalogue.FirstMeeting, reason = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync(url, new { userId = pair.School.Outsider.Id, badge = BadgeCatalogue.FirstMeeting, reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync(url, new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "Me" })).StatusCode);

        var mine = Assert.Single(await BadgesAsync(mentee));
        Assert.Equal(("Special recognition", "Ran the book swap", true), (mine.Title, mine.Reason, mine.ByHand));
        var listed = (await pair.Coordinator.GetFromJsonAsync<Paged<BadgeAwardView>>(url, Json.Options))!;
        Assert.Equal("Menna Tee", Assert.Single(listed.Items).HolderName);
    }

    [Fact]
    public async Task HoursAreProposedFromAMeetingHeldAndConfirmedByACoordinator()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var meeting = await pair.MeetingAsync(Now.AddDays(-2), minutes: 90);
        await CheckInAsync(mentee, pair, meeting);
        await CheckInAsync(await fixture.SignInAsync(pair.Mentor), pair, meeting);

        var ledger = (await mentee.GetFromJsonAsync<MyServiceHours>("/api/v1/me/service-hours", Json.Options))!;
        var line = Assert.Single(ledger.Entries.Items);
        Assert.Equal((ServiceHourSource.Meeting, meeting, 90, ServiceHourState.Proposed), (line.Source, line.SourceId, line.Minutes, line.State));
        Assert.Equal((0, 90), (ledger.ConfirmedMinutes, ledger.ProposedMinutes));

        var queue = (await pair.Coordinator.GetFromJsonAsync<Paged<ServiceHourView>>($"/api/v1/programs/{pair.ProgramId}/service-hours?state=Proposed", Json.Options))!;
        Assert.Equal(["Menna Tee", "Mona Tor"], queue.Items.Select(e => e.PersonName).Order());
        var confirm = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}/confirm", new { note = "Thanks" });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}/reject", new { })).StatusCode);
        var mentorLine = queue.Items.Single(e => e.UserId == pair.Mentor.Id);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{mentorLine.Id}/reject", new { note = "Double entry" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}/confirm", new { })).StatusCode);

        ledger = (await mentee.GetFromJsonAsync<MyServiceHours>("/api/v1/me/service-hours", Json.Options))!;
        Assert.Equal((90, 1.5m, ServiceHourState.Confirmed), (ledger.ConfirmedMinutes, ledger.ConfirmedHours, ledger.Entries.Items[0].State));
        var people = (await pair.Coordinator.GetFromJsonAsync<Paged<PersonServiceHours>>($"/api/v1/programs/{pair.ProgramId}/service-hours/people", Json.Options))!;
        Assert.Equal([("Menna Tee", 90, 0), ("Mona Tor", 0, 90)], people.Items.Select(p => (p.DisplayName, p.ConfirmedMinutes, p.RejectedMinutes)));
    }

    [Fact]
    public async Task AnotherParticipantSeesNeitherSomeonesHoursNorTheirKudos()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        await CheckInAsync(mentee, pair, await pair.MeetingAsync(Now.AddDays(-3)));

        var sent = await mentor.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "KUDOSMARK great reading" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var fromCoordinator = await pair.Coordinator.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.OtherMentee.Id, message = "Welcome" });
        Assert.Equal(HttpStatusCode.Created, fromCoordinator.StatusCode);
        // A participant thanks only the members of their own pairs and groups.
        Assert.Equal(HttpStatusCode.BadRequest, (await other.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "Hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentor.Id, message = new string('x', 281) })).StatusCode);

        var received = (await mentee.GetFromJsonAsync<Paged<KudosView>>("/api/v1/me/kudos", Json.Options))!;
        Assert.Equal(("Mona Tor", "KUDOSMARK great reading"), (Assert.Single(received.Items).FromName, received.Items[0].Message));
        Assert.Contains("KUDOSMARK", await mentor.GetStringAsync("/api/v1/me/kudos"));
        Assert.Contains("KUDOSMARK", await pair.Coordinator.GetStringAsync($"/api/v1/programs/{pair.ProgramId}/kudos"));
        var notices = (await mentee.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!.Items;
        Assert.Contains(notices, n => n.Title == "Kudos from Mona Tor");

        var others = await other.GetStringAsync("/api/v1/me/kudos") + await other.GetStringAsync("/api/v1/me/service-hours") + await other.GetStringAsync("/my/recognition");
        Assert.DoesNotContain("KUDOSMARK", others);
        Assert.DoesNotContain("Menna Tee", others);
        Assert.Contains("Welcome", others);
        Assert.Equal(0, (await other.GetFromJsonAsync<MyServiceHours>("/api/v1/me/service-hours", Json.Options))!.Entries.TotalCount);
        foreach (var staffOnly in new[] { "kudos", "service-hours", "service-hours/people", "badges", "badge-rules", "certificates" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/v1/programs/{pair.ProgramId}/{staffOnly}")).StatusCode);
        }
        var page = await other.GetAsync($"/programs/{pair.ProgramId}/recognition");
        Assert.DoesNotContain("Menna Tee", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AClosedProgramsCertificateNamesTheHolderAndTheirHoursAndVerifies()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var meeting = await pair.MeetingAsync(Now.AddDays(-2), minutes: 90);
        await CheckInAsync(mentee, pair, meeting);
        var line = (await mentee.GetFromJsonAsync<MyServiceHours>("/api/v1/me/service-hours", Json.Options))!.Entries.Items.Single();
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}/confirm", new { })).EnsureSuccessStatusCode();
        Assert.Empty((await mentee.GetFromJsonAsync<List<MyCertificateView>>("/api/v1/me/certificates", Json.Options))!);

        // The mentee said on an application that she is 15: the public page shortens her name (ADR 63).
        await MakeMinorAsync(pair.ProgramId, pair.Mentee.Id);
        await TurnOnAsync(pair, BadgeCatalogue.ProgramComplete);
        var closed = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" });
        Assert.True(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        var certificate = Assert.Single((await mentee.GetFromJsonAsync<List<MyCertificateView>>("/api/v1/me/certificates", Json.Options))!);
        Assert.Equal(("Menna Tee", "Reading Buddies", 90), (certificate.HolderName, certificate.ProgramName, certificate.ConfirmedMinutes));
        Assert.Equal(3, (await pair.Coordinator.GetFromJsonAsync<Paged<ProgramCertificateView>>($"/api/v1/programs/{pair.ProgramId}/certificates", Json.Options))!.TotalCount);

        var pdf = await mentee.GetAsync(certificate.DownloadUrl);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains("Menna Tee", text);
            Assert.Contains("Reading Buddies", text);
            Assert.Contains("Confirmed service hours: 1.5", text);
            Assert.Contains("/certificates/verify/", text);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(pair.OtherMentee)).GetAsync(certificate.DownloadUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pair.Coordinator.GetAsync(certificate.DownloadUrl)).StatusCode);

        var code = certificate.VerifyUrl[(certificate.VerifyUrl.LastIndexOf('/') + 1)..];
        var anonymous = fixture.App.AnonymousClient();
        var genuine = (await anonymous.GetFromJsonAsync<CertificateVerification>($"/api/v1/certificates/verify/{code}", Json.Options))!;
        Assert.True(genuine.Genuine);
        Assert.Equal(("Menna T.", "Reading Buddies", "Mentee", 1.5m), (genuine.Name, genuine.ProgramName, genuine.Role, genuine.ConfirmedHours));
        Assert.DoesNotContain("Menna Tee", await anonymous.GetStringAsync($"/api/v1/certificates/verify/{code}"));
        // Closing awarded "program complete" to the pair's members (the other mentee had no pair), once.
        Assert.Equal([BadgeCatalogue.ProgramComplete], (await BadgesAsync(mentee)).Select(b => b.Badge));
        Assert.Empty(await BadgesAsync(await fixture.SignInAsync(pair.OtherMentee)));

        var altered = code[..10] + (code[10] == 'A' ? 'B' : 'A') + code[11..];
        foreach (var forged in new[] { altered, "not-a-code", Guid.NewGuid().ToString("N") })
        {
            var answer = await anonymous.GetAsync($"/api/v1/certificates/verify/{forged}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var verdict = (await answer.Content.ReadFromJsonAsync<CertificateVerification>(Json.Options))!;
            Assert.Equal((false, Certificates.NotGenuine, null), (verdict.Genuine, verdict.Message, verdict.Name));
        }

        var page = await anonymous.GetAsync($"/certificates/verify/{code}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Genuine.", html);
        Assert.Contains("Menna T.", html);
        Assert.DoesNotContain("Menna Tee", html);
        var forgedPage = await anonymous.GetAsync($"/certificates/verify/{altered}");
        Assert.Equal(HttpStatusCode.OK, forgedPage.StatusCode);
        var forgedHtml = await forgedPage.Content.ReadAsStringAsync();
        Assert.Contains("Not genuine.", forgedHtml);
        Assert.DoesNotContain("Menna Tee", forgedHtml);

        // The participant's page links to the PDF, the verification page and LinkedIn.
        var mine = await mentee.GetStringAsync("/my/recognition");
        Assert.Contains(certificate.DownloadUrl, mine);
        Assert.Contains("Add to LinkedIn", mine);
    }

    [Fact]
    public async Task ACertificateListsTheTrainingTheHolderCompletedByTitleOnly()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var listening = await Training.TrainingTests.CreateAsync(pair.Coordinator, pair.ProgramId,
            Training.TrainingTests.Module("Listening well", scenario: false));
        var unfinished = await Training.TrainingTests.CreateAsync(pair.Coordinator, pair.ProgramId,
            Training.TrainingTests.Module("Planning sessions", scenario: false));
        (await Training.TrainingTests.AnswerAsync(mentee, listening, right: 3)).EnsureSuccessStatusCode();
        // Started but failed: not completed, so not on the certificate.
        (await Training.TrainingTests.AnswerAsync(mentee, unfinished, right: 0)).EnsureSuccessStatusCode();

        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        var certificate = Assert.Single((await mentee.GetFromJsonAsync<List<MyCertificateView>>("/api/v1/me/certificates", Json.Options))!);
        Assert.Equal(["Listening well"], certificate.TrainingCompleted);
        Assert.Contains("Training completed: Listening well", await mentee.GetStringAsync("/my/recognition"));
        using (var document = PdfDocument.Open(await mentee.GetByteArrayAsync(certificate.DownloadUrl)))
        {
            var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains("Training completed: Listening well", text);
            Assert.DoesNotContain("Planning sessions", text);
            Assert.DoesNotContain("%", text);
        }

        var code = certificate.VerifyUrl[(certificate.VerifyUrl.LastIndexOf('/') + 1)..];
        var anonymous = fixture.App.AnonymousClient();
        var verified = (await anonymous.GetFromJsonAsync<CertificateVerification>($"/api/v1/certificates/verify/{code}", Json.Options))!;
        Assert.Equal(["Listening well"], verified.TrainingCompleted!);
        var html = await anonymous.GetStringAsync($"/certificates/verify/{code}");
        Assert.Contains("<li>Listening well</li>", html);
        Assert.DoesNotContain("Planning sessions", html);

        // The mentor completed nothing: the page says so.
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentorsCertificate = Assert.Single((await mentor.GetFromJsonAsync<List<MyCertificateView>>("/api/v1/me/certificates", Json.Options))!);
        var mentorsCode = mentorsCertificate.VerifyUrl[(mentorsCertificate.VerifyUrl.LastIndexOf('/') + 1)..];
        Assert.Contains("None recorded", await anonymous.GetStringAsync($"/certificates/verify/{mentorsCode}"));
    }

    [Fact]
    public async Task CompletingARelationshipAwardsProgramCompleteToItsMembersOnceEvenWhenTheProgramClosesLater()
    {
        var pair = await fixture.PairAsync();
        await TurnOnAsync(pair, BadgeCatalogue.ProgramComplete);
        var completed = await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Completed" });
        Assert.True(completed.IsSuccessStatusCode, await completed.Content.ReadAsStringAsync());
        Assert.Equal([BadgeCatalogue.ProgramComplete], (await BadgesAsync(await fixture.SignInAsync(pair.Mentor))).Select(b => b.Badge));

        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal([BadgeCatalogue.ProgramComplete], (await BadgesAsync(mentee)).Select(b => b.Badge));
        var certificate = Assert.Single((await mentee.GetFromJsonAsync<List<MyCertificateView>>("/api/v1/me/certificates", Json.Options))!);
        // An adult's name is shown in full on the public page.
        var code = certificate.VerifyUrl[(certificate.VerifyUrl.LastIndexOf('/') + 1)..];
        Assert.Equal("Menna Tee", (await fixture.App.AnonymousClient().GetFromJsonAsync<CertificateVerification>($"/api/v1/certificates/verify/{code}", Json.Options))!.Name);
    }

    [Fact]
    public async Task ACoordinatorTurnsOnRulesAndConfirmsHoursOnTheRecognitionPage()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await CheckInAsync(mentee, pair, await pair.MeetingAsync(Now.AddDays(-1), minutes: 45));
        var pages = await PageClient.SignInAsync(fixture.Tandem, pair.School.Coordinator.Email);
        var path = $"/programs/{pair.ProgramId}/recognition";
        var html = await pages.Http.GetStringAsync(path);
        Assert.Contains("Hours to confirm", html);
        Assert.Contains("Menna Tee", html);

        var rules = await pages.SubmitAsync(path, "badge-rules", [new("Enabled", BadgeCatalogue.FirstMeeting), new("Enabled", BadgeCatalogue.TenMeetings)]);
        Assert.Equal(HttpStatusCode.OK, rules.StatusCode);
        var on = (await pair.Coordinator.GetFromJsonAsync<List<BadgeRuleView>>($"/api/v1/programs/{pair.ProgramId}/badge-rules", Json.Options))!;
        Assert.Equal([BadgeCatalogue.FirstMeeting, BadgeCatalogue.TenMeetings], on.Where(r => r.Enabled).Select(r => r.Code).Order());

        var line = (await mentee.GetFromJsonAsync<MyServiceHours>("/api/v1/me/service-hours", Json.Options))!.Entries.Items.Single();
        var confirmed = await pages.SubmitAsync(path, "hours-decide", [new("Action", $"confirm:{line.Id}")]);
        Assert.Contains("Hours confirmed.", await confirmed.Content.ReadAsStringAsync());
        Assert.Equal(45, (await mentee.GetFromJsonAsync<MyServiceHours>("/api/v1/me/service-hours", Json.Options))!.ConfirmedMinutes);

        var awarded = await pages.SubmitAsync(path, "badge-award", [new("Person", pair.Mentee.Id.ToString()), new("Badge", BadgeCatalogue.Special), new("Reason", "Helped a new pair")]);
        Assert.Contains("Badge awarded to Menna Tee.", await awarded.Content.ReadAsStringAsync());
        var twice = await pages.SubmitAsync(path, "badge-award", [new("Person", pair.Mentee.Id.ToString()), new("Badge", BadgeCatalogue.Special), new("Reason", "Again")]);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("Helped a new pair", await mentee.GetStringAsync("/my/recognition"));

        // The form posted without a participant (none to choose yet) or with a reason longer than the column: a message, not a 500.
        var nobody = await pages.SubmitAsync(path, "badge-award", [new("Badge", BadgeCatalogue.Special), new("Reason", "For everyone")]);
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Contains("Choose the participant who gets the badge.", await nobody.Content.ReadAsStringAsync());
        var tooLong = await pages.SubmitAsync(path, "badge-award",
            [new("Person", pair.Mentor.Id.ToString()), new("Badge", BadgeCatalogue.Special), new("Reason", new string('r', BadgeAward.ReasonMax + 1))]);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains($"The reason has at most {BadgeAward.ReasonMax} characters.", await tooLong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SomeoneEnrolledAsMenteeAndAsMentorGetsOneCertificateAsMentorAndEveryoneElseGetsTheirs()
    {
        var pair = await fixture.PairAsync();
        // The mentee also mentors in the same program (two enrolments, one person).
        await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, pair.Mentee, "Mentor");

        var closed = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" });

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var certificate = Assert.Single((await mentee.GetFromJsonAsync<List<MyCertificateView>>("/api/v1/me/certificates", Json.Options))!);
        Assert.Equal(ProgramRole.Mentor, certificate.Role);
        Assert.Equal(HttpStatusCode.OK, (await mentee.GetAsync("/my/recognition")).StatusCode);
        var listed = (await pair.Coordinator.GetFromJsonAsync<Paged<ProgramCertificateView>>($"/api/v1/programs/{pair.ProgramId}/certificates", Json.Options))!;
        Assert.Equal(3, listed.TotalCount); // the mentor, the other mentee and this person once
        Assert.Single(listed.Items, c => c.UserId == pair.Mentee.Id);
    }

    [Fact]
    public async Task APersonsRecognitionIsInTheirDataExportAndGoesWithTheirErasure()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await CheckInAsync(mentee, pair, await pair.MeetingAsync(Now.AddDays(-1), minutes: 30));
        (await mentor.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "RECEIVEDMARK" })).EnsureSuccessStatusCode();
        (await mentee.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentor.Id, message = "SENTMARK" })).EnsureSuccessStatusCode();
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badges", new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "BADGEMARK" })).EnsureSuccessStatusCode();

        var export = await mentee.GetStringAsync("/api/v1/me/data-export");
        foreach (var marker in new[] { "RECEIVEDMARK", "SENTMARK", "BADGEMARK", "\"serviceHours\"", "\"certificates\"" })
        {
            Assert.Contains(marker, export);
        }

        var erased = await fixture.WithScopeAsync(s => s.GetRequiredService<ErasePerson>().RunAsync(pair.Mentee.Id));
        Assert.Equal((2, 1, 1), (erased!.Rows["kudos"], erased.Rows["badges"], erased.Rows["serviceHours"]));
        var mentorsKudos = await mentor.GetStringAsync("/api/v1/me/kudos");
        Assert.DoesNotContain("SENTMARK", mentorsKudos);
        Assert.DoesNotContain("RECEIVEDMARK", mentorsKudos);
        Assert.Equal(0, (await pair.Coordinator.GetFromJsonAsync<Paged<ServiceHourView>>($"/api/v1/programs/{pair.ProgramId}/service-hours", Json.Options))!
            .Items.Count(e => e.UserId == pair.Mentee.Id));
    }

    [Fact]
    public async Task KudosToSomeoneTheProgramMayNotContactAreRefusedWithoutSayingWhyToAPeerAndNothingIsWritten()
    {
        var pair = await fixture.PairAsync();
        var mentor = await fixture.SignInAsync(pair.Mentor);
        // The mentee's consent to the program waits for a guardian (ADR 48).
        await AwaitingConsentAsync(pair, pair.Mentee.Id);

        var fromPeer = await mentor.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "PEERMARK thanks" });
        var peerBody = await fromPeer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, fromPeer.StatusCode);
        Assert.Contains("You cannot send kudos to this person now.", peerBody);
        Assert.DoesNotContain("consent", peerBody, StringComparison.OrdinalIgnoreCase);
        var fromCoordinator = await pair.Coordinator.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "STAFFMARK" });
        Assert.Equal(HttpStatusCode.Conflict, fromCoordinator.StatusCode);

        Assert.DoesNotContain(await NoticesAsync(pair.Mentee.Id), n => n.StartsWith("Kudos from", StringComparison.Ordinal));
        Assert.Equal(0, (await pair.Coordinator.GetFromJsonAsync<Paged<KudosView>>($"/api/v1/programs/{pair.ProgramId}/kudos", Json.Options))!.TotalCount);
        Assert.DoesNotContain("Menna Tee", await (await fixture.SignInPagesAsync(pair.Mentor)).Http.GetStringAsync("/my/recognition"));
    }

    [Fact]
    public async Task ABadgeStillGoesToSomeoneTheProgramMayNotContactButTheirNoticeIsWithheld()
    {
        var pair = await fixture.PairAsync();
        await TurnOnAsync(pair, BadgeCatalogue.FirstMeeting);
        await AwaitingConsentAsync(pair, pair.Mentee.Id);

        await CheckInAsync(await fixture.SignInAsync(pair.Mentor), pair, await pair.MeetingAsync(Now.AddDays(-1)));
        var byHand = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badges", new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "Kind" });
        Assert.Equal(HttpStatusCode.Created, byHand.StatusCode);

        Assert.Equal([BadgeCatalogue.FirstMeeting, BadgeCatalogue.Special], (await BadgesAsync(await fixture.SignInAsync(pair.Mentee))).Select(b => b.Badge).Order());
        Assert.DoesNotContain(await NoticesAsync(pair.Mentee.Id), n => n.StartsWith("You earned a badge", StringComparison.Ordinal));
        Assert.Contains("You earned a badge: First meeting", await NoticesAsync(pair.Mentor.Id));
    }

    [Fact]
    public async Task KudosGoOnlyToPartnersInAnActivePairAndNeverToADisabledAccountAndARuleLeavesADisabledAccountOut()
    {
        var pair = await fixture.PairAsync();
        await TurnOnAsync(pair, BadgeCatalogue.FirstMeeting);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var kudos = new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "Thanks" };

        // A paused pair: no kudos between its members (nor from the list of whom to thank).
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Paused" })).EnsureSuccessStatusCode();
        var paused = await mentor.PostAsJsonAsync("/api/v1/kudos", kudos);
        Assert.Equal(HttpStatusCode.BadRequest, paused.StatusCode);
        Assert.Contains("active pairs and groups", await paused.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Menna Tee", await (await fixture.SignInPagesAsync(pair.Mentor)).Http.GetStringAsync("/my/recognition"));
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Active" })).EnsureSuccessStatusCode();

        // A disabled account: no kudos from a partner or a coordinator, and a rule that fires awards the others only.
        await DisableAsync(pair.Mentee.Id);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentor.PostAsJsonAsync("/api/v1/kudos", kudos)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync("/api/v1/kudos", kudos)).StatusCode);
        await CheckInAsync(mentor, pair, await pair.MeetingAsync(Now.AddDays(-1)));
        var holders = (await pair.Coordinator.GetFromJsonAsync<Paged<BadgeAwardView>>($"/api/v1/programs/{pair.ProgramId}/badges", Json.Options))!.Items;
        Assert.Equal([pair.Mentor.Id], holders.Select(b => b.UserId));
        Assert.DoesNotContain(await NoticesAsync(pair.Mentee.Id), n => n.StartsWith("You earned a badge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACoordinatorsReadOfAMinorsKudosHoursAndBadgeReasonsIsWrittenToTheAuditLog()
    {
        var pair = await fixture.PairAsync();
        var mentor = await fixture.SignInAsync(pair.Mentor);
        (await mentor.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "Well read" })).EnsureSuccessStatusCode();
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badges", new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "Brave" })).EnsureSuccessStatusCode();
        await CheckInAsync(mentor, pair, await pair.MeetingAsync(Now.AddDays(-1)));
        await MakeMinorAsync(pair.ProgramId, pair.Mentee.Id);

        (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/kudos")).EnsureSuccessStatusCode();
        (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/badges")).EnsureSuccessStatusCode();
        (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/service-hours")).EnsureSuccessStatusCode();
        var entries = await AuditAboutAsync(pair.Mentee.Id);
        Assert.Equal(["Reading the program's badges and their reasons", "Reading the program's kudos", "Reading the program's service hours"],
            entries.Where(e => e.Record == AuditRecord.Recognition).Select(e => e.Purpose).Order(StringComparer.Ordinal));
        Assert.All(entries.Where(e => e.Record == AuditRecord.Recognition), e => Assert.Equal((pair.School.Coordinator.Id, pair.ProgramId), (e.ActorUserId, e.ProgramId!.Value)));

        // The recognition page lists the hours to confirm: that read is logged too. The adult mentor gets no entry.
        var pages = await PageClient.SignInAsync(fixture.Tandem, pair.School.Coordinator.Email);
        Assert.Contains("Hours to confirm", await pages.Http.GetStringAsync($"/programs/{pair.ProgramId}/recognition"));
        Assert.Equal(4, (await AuditAboutAsync(pair.Mentee.Id)).Count(e => e.Record == AuditRecord.Recognition));
        Assert.Empty(await AuditAboutAsync(pair.Mentor.Id));

        // The minor's own access log names what was read in words.
        var mentee = await PageClient.SignInAsync(fixture.Tandem, pair.Mentee.Email);
        Assert.Contains("Kudos you sent or received, your badges and service hours",
            System.Net.WebUtility.HtmlDecode(await mentee.Http.GetStringAsync("/my/access-log")));
    }

    [Fact]
    public async Task AConfirmAndARejectAtTheSameMomentDecideALineOnceAndTheOtherIs409()
    {
        var pair = await fixture.PairAsync();
        var ids = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        await fixture.WithScopeAsync(s => s.GetRequiredService<ServiceHours>().ProposeAsync(
            ids.Select(id => new ServiceHourProposal(pair.ProgramId, pair.Mentee.Id, ServiceHourSource.Other, id, Now.AddDays(-1), 30, "Helping")).ToList(), default));
        var lines = (await pair.Coordinator.GetFromJsonAsync<Paged<ServiceHourView>>($"/api/v1/programs/{pair.ProgramId}/service-hours?pageSize=50", Json.Options))!.Items;
        Assert.Equal(12, lines.Count);
        var second = await fixture.SignInAsync(pair.School.Coordinator);

        foreach (var line in lines)
        {
            var url = $"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}";
            var answers = await Task.WhenAll(pair.Coordinator.PostAsJsonAsync($"{url}/confirm", new { note = "yes" }), second.PostAsJsonAsync($"{url}/reject", new { note = "no" }));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            var winner = (await answers.Single(a => a.IsSuccessStatusCode).Content.ReadFromJsonAsync<ServiceHourView>(Json.Options))!;
            var stored = (await pair.Coordinator.GetFromJsonAsync<Paged<ServiceHourView>>($"/api/v1/programs/{pair.ProgramId}/service-hours?pageSize=50", Json.Options))!
                .Items.Single(e => e.Id == line.Id);
            Assert.Equal((winner.State, winner.Note), (stored.State, stored.Note));
        }
    }

    [Fact]
    public async Task TwoSavesOfTheBadgeRulesAtTheSameMomentBothAnswerWithTheRules()
    {
        var pair = await fixture.PairAsync();
        var url = $"/api/v1/programs/{pair.ProgramId}/badge-rules";
        var others = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.SignInAsync(pair.School.Coordinator)));

        for (var round = 0; round < 10; round++)
        {
            var rules = round % 2 == 0 ? new[] { BadgeCatalogue.FirstMeeting, BadgeCatalogue.TenMeetings } : [];
            var answers = await Task.WhenAll(others.Select(c => c.PutAsJsonAsync(url, new { enabled = rules })));
            foreach (var answer in answers)
            {
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
                var on = (await answer.Content.ReadFromJsonAsync<List<BadgeRuleView>>(Json.Options))!.Where(r => r.Enabled).Select(r => r.Code).Order();
                Assert.Equal(rules.Order(), on);
            }
        }
    }

    [Fact]
    public async Task ARefusedHandAwardShowsTheFormWithThePersonBadgeAndReasonChosen()
    {
        var pair = await fixture.PairAsync();
        var pages = await PageClient.SignInAsync(fixture.Tandem, pair.School.Coordinator.Email);
        var path = $"/programs/{pair.ProgramId}/recognition";
        (await pages.SubmitAsync(path, "badge-award", [new("Person", pair.Mentor.Id.ToString()), new("Badge", BadgeCatalogue.TenMeetings), new("Reason", "First")]))
            .EnsureSuccessStatusCode();

        var twice = await pages.SubmitAsync(path, "badge-award",
            [new("Person", pair.Mentor.Id.ToString()), new("Badge", BadgeCatalogue.TenMeetings), new("Reason", "Kept every session")]);

        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        var html = await twice.Content.ReadAsStringAsync();
        Assert.Contains("value=\"Kept every session\"", html);
        Assert.Matches($"<option value=\"{pair.Mentor.Id}\" selected", html);
        Assert.Matches($"<option value=\"{BadgeCatalogue.TenMeetings}\" selected", html);
    }

    [Fact]
    public async Task AMinorWhoseLastNameIsAnEmojiGetsACertificateWithTheWholeCharacterAsTheInitial()
    {
        var pair = await fixture.PairAsync();
        await RenameAsync(pair.Mentee.Id, "Sam \U0001F31F");
        await MakeMinorAsync(pair.ProgramId, pair.Mentee.Id);

        // Half of the star was the initial: PostgreSQL refused the certificate and the close answered 500 (ADR 113).
        var closed = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" });

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var certificate = Assert.Single((await mentee.GetFromJsonAsync<List<MyCertificateView>>("/api/v1/me/certificates", Json.Options))!);
        Assert.Equal("Sam \U0001F31F", certificate.HolderName);
        var code = certificate.VerifyUrl[(certificate.VerifyUrl.LastIndexOf('/') + 1)..];
        Assert.Contains("Sam \U0001F31F.", System.Net.WebUtility.HtmlDecode(await mentee.GetStringAsync($"/certificates/verify/{code}")));
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/certificates")).StatusCode);
    }

    [Fact]
    public void APublicInitialIsTheLastNamesFirstWholeCharacter()
    {
        Assert.Equal("Sam \U0001F31F.", Certificates.FirstNameAndInitial("Sam \U0001F31F"));
        Assert.Equal("\U0001D4E2\U0001D4EA\U0001D4F6 \U0001D4E3.", Certificates.FirstNameAndInitial("\U0001D4E2\U0001D4EA\U0001D4F6 \U0001D4E3\U0001D4EE\U0001D4EE"));
        Assert.Equal("Zoë E\u0301.", Certificates.FirstNameAndInitial("Zoë e\u0301lan"));
    }

    [Fact]
    public async Task AMeetingTitleWithAnEmojiAtTheLedgersCutKeepsTheCheckInAndAWholeDescription()
    {
        var pair = await fixture.PairAsync();
        var meeting = await pair.MeetingAsync(Now.AddDays(-1), minutes: 45);
        // "Meeting held: " and 185 letters is 199 units: the star is cut off whole, not in half (a 500 on PostgreSQL, ADR 113).
        var title = new string('a', 185) + "\U0001F31F and more";
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Meetings.Meeting>().Where(m => m.Id == meeting)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Title, title)));
        var mentee = await fixture.SignInAsync(pair.Mentee);

        await CheckInAsync(mentee, pair, meeting);

        var line = Assert.Single((await mentee.GetFromJsonAsync<MyServiceHours>("/api/v1/me/service-hours", Json.Options))!.Entries.Items);
        Assert.Equal("Meeting held: " + new string('a', 185), line.Description);
        Assert.Equal(45, line.Minutes);
    }

    [Fact]
    public async Task AfterRetentionKudosHandAwardsAndLedgerNotesAreRefusedAndNothingIsWritten()
    {
        var pair = await fixture.PairAsync();
        var lineId = Guid.NewGuid();
        await fixture.WithScopeAsync(s => s.GetRequiredService<ServiceHours>().ProposeAsync(
            [new ServiceHourProposal(pair.ProgramId, pair.Mentee.Id, ServiceHourSource.Other, lineId, Now.AddDays(-1), 30, "Helping")], default));
        var line = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<ServiceHourView>>($"/api/v1/programs/{pair.ProgramId}/service-hours", Json.Options))!.Items);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", Now.AddYears(-2), 24, "test", Now));
            return await db.SaveChangesAsync();
        });
        var mentor = await fixture.SignInAsync(pair.Mentor);

        var fromPartner = await mentor.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "AFTERMARK" });
        var fromCoordinator = await pair.Coordinator.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentee.Id, message = "AFTERMARK" });
        var byHand = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badges", new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "AFTERMARK" });
        var withNote = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}/confirm", new { note = "AFTERMARK" });

        Assert.Equal([HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict],
            new[] { fromPartner.StatusCode, fromCoordinator.StatusCode, byHand.StatusCode, withNote.StatusCode });
        Assert.Contains("anonymised", await fromCoordinator.Content.ReadAsStringAsync());
        Assert.Contains("anonymised", await byHand.Content.ReadAsStringAsync());
        Assert.Equal(0, (await pair.Coordinator.GetFromJsonAsync<Paged<KudosView>>($"/api/v1/programs/{pair.ProgramId}/kudos", Json.Options))!.TotalCount);
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<BadgeAwardView>>($"/api/v1/programs/{pair.ProgramId}/badges", Json.Options))!.Items);
        // The line is still decided, without a note.
        var confirmed = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}/confirm", new { note = "" });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Null((await confirmed.Content.ReadFromJsonAsync<ServiceHourView>(Json.Options))!.Note);
    }

    [Fact]
    public async Task ARefusedKudosFormKeepsThePersonChosenAndLineBreaksCountAsOneCharacter()
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.Mentor);
        var to = $"{pair.ProgramId}:{pair.Mentee.Id}";

        var empty = await pages.SubmitAsync("/my/recognition", "kudos-send", [new("To", to), new("Message", " ")]);

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Matches($"<option value=\"{to}\" selected", await empty.Content.ReadAsStringAsync());
        // 140 lines are 279 characters in the text box (and its maxlength of 280) though CRLF makes them 418 units.
        var lines = string.Join("\r\n", Enumerable.Repeat("a", 140));
        var sent = await pages.SubmitAsync("/my/recognition", "kudos-send", [new("To", to), new("Message", lines)]);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var kudos = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<KudosView>>($"/api/v1/programs/{pair.ProgramId}/kudos", Json.Options))!.Items);
        Assert.Equal(string.Join("\n", Enumerable.Repeat("a", 140)), kudos.Message);
    }

    [Fact]
    public async Task AnErasedPersonsCertificateIsNotIssuedAgainAndADisabledAccountGetsNoHandAward()
    {
        var pair = await fixture.PairAsync();
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" })).EnsureSuccessStatusCode();
        var url = $"/api/v1/programs/{pair.ProgramId}/certificates";
        Assert.Contains((await pair.Coordinator.GetFromJsonAsync<Paged<ProgramCertificateView>>(url, Json.Options))!.Items, c => c.UserId == pair.Mentee.Id);

        await fixture.WithScopeAsync(s => s.GetRequiredService<ErasePerson>().RunAsync(pair.Mentee.Id));

        // The coordinators' list used to issue the erased person a new certificate, named "Erased person", on every visit.
        var listed = (await pair.Coordinator.GetFromJsonAsync<Paged<ProgramCertificateView>>(url, Json.Options))!;
        Assert.DoesNotContain(listed.Items, c => c.UserId == pair.Mentee.Id);
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Certificate>().CountAsync(c => c.UserId == pair.Mentee.Id)));
        var award = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badges", new { userId = pair.Mentee.Id, badge = BadgeCatalogue.Special, reason = "Kind" });
        Assert.Equal(HttpStatusCode.Conflict, award.StatusCode);
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<BadgeAward>().CountAsync(b => b.UserId == pair.Mentee.Id)));
    }

    private Task<int> RenameAsync(Guid userId, string name) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, name)));

    private Task<int> AwaitingConsentAsync(Pair pair, Guid userId) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        db.Add(new Consent(userId, pair.ProgramId, pair.School.Organisation.Id, ConsentPurpose.Program, Now));
        return await db.SaveChangesAsync();
    });

    private Task<int> DisableAsync(Guid userId) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        (await db.Users.SingleAsync(u => u.Id == userId)).Disable();
        return await db.SaveChangesAsync();
    });

    private Task<List<string>> NoticesAsync(Guid userId) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().Where(n => n.UserId == userId).Select(n => n.Title).ToListAsync());

    private Task<List<AuditEntry>> AuditAboutAsync(Guid userId) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == userId).ToListAsync());

    private Task MakeMinorAsync(Guid programId, Guid userId) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var application = new Application(programId, userId, ProgramRole.Mentee, null, Now);
        application.SaveDraft(null, "{}", true, 15, "Pat Parent", "pat.parent@test.example", Now);
        db.Add(application);
        return await db.SaveChangesAsync();
    });

    [Fact]
    public void TheLinkedInLinkUsesTheDocumentedAddToProfileParameters()
    {
        var url = new Uri(LinkedInCertification.AddToProfileUrl("Reading Buddies (Mentor)", "Hill School", new DateTime(2027, 7, 3, 0, 0, 0, DateTimeKind.Utc),
            "https://tandem.example/certificates/verify/abc", "0123ABCD"));
        var query = QueryHelpers.ParseQuery(url.Query);

        Assert.Equal("https://www.linkedin.com/profile/add", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("CERTIFICATION_NAME", query["startTask"]);
        Assert.Equal("Reading Buddies (Mentor)", query["name"]);
        Assert.Equal("Hill School", query["organizationName"]);
        Assert.Equal(("2027", "7"), (query["issueYear"].ToString(), query["issueMonth"].ToString()));
        Assert.Equal("https://tandem.example/certificates/verify/abc", query["certUrl"]);
        Assert.Equal("0123ABCD", query["certId"]);
    }

    [Fact]
    public void ALongTrainingListWrapsClearOfTheQrCodeAndSaysHowManyMoreThereAre()
    {
        var titles = Enumerable.Range(1, 40).Select(i => $"Module {i}: listening, questions and safeguarding in practice").ToList();
        var certificate = new Certificate(Guid.NewGuid(), Guid.NewGuid(), "Mona Tor", "Mona Tor", "Reading Buddies", "Hill School", ProgramRole.Mentor,
            new DateOnly(2027, 1, 10), new DateOnly(2027, 7, 3), 90, new DateTime(2027, 7, 3, 0, 0, 0, DateTimeKind.Utc), titles);

        using var document = PdfDocument.Open(CertificatePdf.Render(certificate, "https://tandem.example/certificates/verify/abc"));
        var page = document.GetPage(1);
        var words = page.GetWords().ToList();
        var text = string.Join(" ", words.Select(w => w.Text));
        Assert.Contains("Training completed: Module 1: listening", text);
        Assert.Matches(@"and \d+ more", text);
        Assert.DoesNotContain("Module 40:", text);
        // The QR code's square (bottom right, 48 pt in, 110 pt wide; PDF y grows upwards) stays clear of every word.
        var qr = new UglyToad.PdfPig.Core.PdfRectangle(page.Width - 48 - 110, 48, page.Width - 48, 48 + 110);
        Assert.DoesNotContain(words, w => w.BoundingBox.Right > qr.Left && w.BoundingBox.Left < qr.Right
            && w.BoundingBox.Top > qr.Bottom && w.BoundingBox.Bottom < qr.Top);
        // And the last training line stays above the footer ("Issued … Verify this certificate:").
        var footer = words.First(w => w.Text == "Issued");
        var lowestTraining = words.Where(w => w.Text.StartsWith("Module", StringComparison.Ordinal)).Min(w => w.BoundingBox.Bottom);
        Assert.True(lowestTraining > footer.BoundingBox.Top, $"training at {lowestTraining}, footer at {footer.BoundingBox.Top}");
    }

    [Fact]
    public void AMinorsCertificateShowsTheFirstNameAndAnInitialInPublic()
    {
        Assert.Equal("Menna T.", Certificates.FirstNameAndInitial("Menna Tee"));
        Assert.Equal("Ana M.", Certificates.FirstNameAndInitial("Ana María  Lopez martín"));
        Assert.Equal("Cher", Certificates.FirstNameAndInitial("Cher"));
    }
}
