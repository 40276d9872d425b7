using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Time.Testing;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Programs;

/// <summary>
/// Issue 10 item 5: recruitment opens only with application forms and a code of conduct; closing asks first and says
/// what stops; a closed program reopens within the grace period (ADR 29) and not after; the public page says when,
/// how often and how much time, with the information sessions (in person needs no link).
/// </summary>
public sealed class ProgramLifecycleTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static object ProgramWithoutGuidelines(Guid organisationId) => new
    {
        organisationId,
        name = "Reading Buddies",
        description = "Year 10 students help Year 7 students read for pleasure.",
        targetAudience = "Year 7 (mentees) and Year 10 (mentors)",
        pairing = "MentorMentee",
        guidelines = "",
        meetingFormats = new[] { "OneToOne", "InPerson" },
        cadence = "Weekly",
        startsOn = "2027-01-10",
        endsOn = "2027-06-30",
        objectives = Array.Empty<object>(),
    };

    private static string StatusUrl(Guid programId) => $"/api/v1/programs/{programId}/status";

    private async Task<(School School, HttpClient Coordinator, ProgramDetails Program)> RunningProgramAsync()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        await coordinator.OpenRecruitmentAsync(program.Id);
        foreach (var next in new[] { "Matching", "Running" })
        {
            (await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = next })).EnsureSuccessStatusCode();
        }
        return (school, coordinator, program);
    }

    [Fact]
    public async Task RecruitmentDoesNotOpenUntilEachRoleHasAFormAndTheProgramHasACodeOfConduct()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var created = await coordinator.PostAsJsonAsync("/api/v1/programs", ProgramWithoutGuidelines(school.Organisation.Id));
        var program = (await created.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;

        var bare = await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Recruiting" });

        Assert.Equal(HttpStatusCode.Conflict, bare.StatusCode);
        Assert.Equal("Recruitment cannot open yet. Missing: the code of conduct (the program's guidelines, on its Edit page); "
            + "an application form for mentees (Applications page, “Mentee form”); an application form for mentors (Applications page, “Mentor form”).",
            (await bare.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var page = await (await PageClient.SignInAsync(factory, school.Coordinator.Email)).Http.GetStringAsync($"/programs/{program.Id}");
        Assert.Contains("Before recruitment can open, this program needs:", page);
        Assert.Contains("an application form for mentees (Applications page, “Mentee form”)", System.Net.WebUtility.HtmlDecode(page));

        (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/mentor", new { questions = RecruitmentOpening.MinimalQuestions })).EnsureSuccessStatusCode();
        (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/mentee", new { questions = RecruitmentOpening.MinimalQuestions })).EnsureSuccessStatusCode();
        var noCode = await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Recruiting" });
        Assert.Equal(HttpStatusCode.Conflict, noCode.StatusCode);
        Assert.Equal("Recruitment cannot open yet. Missing: the code of conduct (the program's guidelines, on its Edit page).",
            (await noCode.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(ProgramStatus.Draft, (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!.Status);

        (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}", School.ValidProgram(school.Organisation.Id))).EnsureSuccessStatusCode();
        var ready = await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Recruiting" });
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.DoesNotContain("Before recruitment can open", await (await PageClient.SignInAsync(factory, school.Coordinator.Email)).Http.GetStringAsync($"/programs/{program.Id}"));
    }

    [Fact]
    public async Task APeerProgramNeedsOnlyThePeerForm()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var peer = School.ValidProgram(school.Organisation.Id);
        var body = System.Text.Json.JsonSerializer.SerializeToNode(peer)!.AsObject();
        body["pairing"] = "PeerToPeer";
        (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}", body)).EnsureSuccessStatusCode();

        var bare = await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Recruiting" });

        Assert.Equal("Recruitment cannot open yet. Missing: an application form for peers (Applications page, “Peer form”).",
            (await bare.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
    }

    [Fact]
    public async Task ClosingAsksForConfirmationSayingWhatStopsAndACoordinatorReopensOnThePage()
    {
        var (school, coordinator, program) = await RunningProgramAsync();
        var page = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var home = $"/programs/{program.Id}";

        var asked = await page.SubmitAsync(home, "status", [new("Next", "Closed")]);

        var question = System.Net.WebUtility.HtmlDecode(await asked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("Close Reading Buddies?", question);
        Assert.Contains("applications: nobody can apply, and applications not yet decided can no longer be decided", question);
        Assert.Contains("new surveys; surveys set to go out \"when the program closes\" are sent to participants", question);
        Assert.Contains("existing relationships, their meetings, check-ins, reminders and messages, which carry on", question);
        Assert.Contains("you can reopen it here within 30 days", question);
        Assert.Equal(ProgramStatus.Running, (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!.Status);

        var closed = System.Net.WebUtility.HtmlDecode(await (await page.SubmitAsync(home, "status", [new("Next", "Closed"), new("Confirmed", "true")])).Content.ReadAsStringAsync());
        Assert.Contains("The program is now Closed.", closed);
        Assert.Contains("This program closed on 1 Feb 2027. You can reopen it until 3 Mar 2027.", closed);
        Assert.Contains("Reopen as:", closed);
        var details = (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Equal(ProgramStatus.Closed, details.Status);
        Assert.Equal([ProgramStatus.Running], details.AllowedTransitions);
        Assert.Equal(new DateTime(2027, 3, 3), details.ReopenableUntil?.Date);

        var reopened = await page.SubmitAsync(home, "status", [new("Next", "Running")]);
        Assert.Contains("The program is now Running.", await reopened.Content.ReadAsStringAsync());
        Assert.Equal(ProgramStatus.Running, (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!.Status);
    }

    [Fact]
    public async Task AClosedProgramReopensAsItWasWithinTheGracePeriodAndNotAfter()
    {
        var (school, coordinator, program) = await RunningProgramAsync();
        (await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Closed" })).EnsureSuccessStatusCode();
        await using var day29 = factory.WithClock(new FakeTimeProvider(factory.Clock.GetUtcNow().AddDays(29)));
        var within = await day29.SignedInClientAsync(school.Coordinator);
        var participant = await day29.SignedInClientAsync(school.Mentee);

        var wrongStatus = await within.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Recruiting" });
        var byParticipant = await participant.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Running" });
        var reopened = await within.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Running" });

        Assert.Equal(HttpStatusCode.Conflict, wrongStatus.StatusCode);
        Assert.Equal("A closed program reopens as it was when it closed: Running, not Recruiting.", (await wrongStatus.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.True(byParticipant.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, byParticipant.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var back = (await reopened.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
        Assert.Equal((ProgramStatus.Running, (DateTime?)null, (DateTime?)null), (back.Status, back.ClosedAt, back.ReopenableUntil));

        (await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Closed" })).EnsureSuccessStatusCode();
        await using var day31 = factory.WithClock(new FakeTimeProvider(factory.Clock.GetUtcNow().AddDays(31)));
        var late = await day31.SignedInClientAsync(school.Coordinator);

        var tooLate = await late.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Running" });

        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Equal("This program closed on 1 Feb 2027. A closed program can be reopened for 30 days, until 3 Mar 2027; that time is over. Start a new program instead.",
            (await tooLate.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var after = (await late.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Id}", Json.Options))!;
        Assert.Equal((ProgramStatus.Closed, 0), (after.Status, after.AllowedTransitions.Count));
        var page = await (await day31.SignedInClientAsync(school.Coordinator)).GetStringAsync($"/programs/{program.Id}");
        Assert.Contains("can no longer be reopened", page);
    }

    [Fact]
    public async Task TheGracePeriodIsASetting()
    {
        var (school, coordinator, program) = await RunningProgramAsync();
        (await coordinator.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Closed" })).EnsureSuccessStatusCode();
        await using var shortGrace = factory.WithClock(new FakeTimeProvider(factory.Clock.GetUtcNow().AddDays(8)), b => b.UseSetting("Programs:ReopenGraceDays", "7"));
        var client = await shortGrace.SignedInClientAsync(school.Coordinator);

        var tooLate = await client.PostAsJsonAsync(StatusUrl(program.Id), new { status = "Running" });

        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Contains("can be reopened for 7 days, until 8 Feb 2027", (await tooLate.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
    }

    [Fact]
    public async Task TheJoinPageShowsDatesCadenceTimeCommitmentAndUpcomingSessionsIncludingInPersonOnesWithoutALink()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        await coordinator.OpenRecruitmentAsync(program.Id);
        var sessions = $"/api/v1/programs/{program.Id}/information-sessions";
        var startsAt = factory.Clock.GetUtcNow().AddDays(5).ToString("yyyy-MM-ddT17:00:00Z");

        var inPerson = await coordinator.PostAsJsonAsync(sessions, new { title = "Meet the mentors", startsAt, timeZoneId = "Europe/London", place = "School library" });
        var online = await coordinator.PostAsJsonAsync(sessions, new { title = "Questions online", startsAt, timeZoneId = "Europe/London", onlineLink = "https://meet.example/abc" });
        var nowhere = await coordinator.PostAsJsonAsync(sessions, new { title = "Nowhere at all", startsAt, timeZoneId = "Europe/London" });

        Assert.Equal(HttpStatusCode.OK, inPerson.StatusCode);
        Assert.Equal(HttpStatusCode.OK, online.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        Assert.Contains("Give a place, an online link, or both.", (await nowhere.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        var page = System.Net.WebUtility.HtmlDecode(await factory.AnonymousClient().GetStringAsync($"/join/{program.Id}"));
        Assert.Contains("10 Jan 2027 to 30 Jun 2027", page);
        Assert.Contains("Weekly · One-to-one, In person", page);
        Assert.Contains("About one meeting a week for 24 weeks (about 24 meetings).", page);
        Assert.Contains("Meet the mentors", page);
        Assert.Contains("In person: School library", page);
        Assert.Contains("Questions online", page);
        Assert.Contains("Sat 6 Feb 2027 17:00 (Europe/London), 60 minutes", page);
    }
}
