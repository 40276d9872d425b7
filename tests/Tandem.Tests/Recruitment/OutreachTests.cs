using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

public sealed class OutreachTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private async Task<InformationSessionView> ScheduleAsync(HttpClient coordinator, Guid programId, int capacity)
    {
        var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/information-sessions", new
        {
            title = "Lunchtime taster",
            startsAt = fixture.Clock.GetUtcNow().AddDays(7),
            timeZoneId = "Europe/London",
            place = "Library, room 2",
            onlineLink = "https://meet.example/taster",
            capacity,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!;
    }

    [Fact]
    public async Task AnInformationSessionTakesNoMoreSignUpsThanItsCapacityAndWaitlistsTheRest()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var session = await ScheduleAsync(coordinator, program.Id, capacity: 2);
        var people = new List<HttpClient>();
        for (var i = 0; i < 3; i++)
        {
            people.Add(await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync($"Visitor {i}")));
        }

        Assert.Equal(HttpStatusCode.OK, (await people[0].PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await people[0].PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).StatusCode);
        var second = await people[1].PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty());
        Assert.Equal(0, (await second.Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!.PlacesLeft);
        var third = await people[2].PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty());

        // Full: the session is an event (ADR 70), so the third person is waitlisted rather than refused.
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var waiting = (await third.Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!;
        Assert.True(waiting.IsWaitlisted);
        Assert.False(waiting.IsSignedUp);
        Assert.Equal((2, 1), (waiting.SignedUp, waiting.Waitlisted));
        Assert.Equal(HttpStatusCode.Conflict, (await people[2].PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).StatusCode);
        var signUps = (await coordinator.GetFromJsonAsync<Paged<SessionSignUpView>>($"/api/v1/information-sessions/{session.Id}/sign-ups", Json.Options))!;
        Assert.Equal(2, signUps.TotalCount);
        Assert.Equal(HttpStatusCode.NotFound, (await people[0].GetAsync($"/api/v1/information-sessions/{session.Id}/sign-ups")).StatusCode);

        // Giving a place back gives it to the first on the waitlist.
        Assert.Equal(HttpStatusCode.OK, (await people[0].DeleteAsync($"/api/v1/information-sessions/{session.Id}/sign-up")).StatusCode);
        var listed = (await people[2].GetFromJsonAsync<Paged<InformationSessionView>>($"/api/v1/programs/{program.Id}/information-sessions", Json.Options))!;
        Assert.True(Assert.Single(listed.Items).IsSignedUp);
        Assert.Equal(HttpStatusCode.Conflict, (await people[0].DeleteAsync($"/api/v1/information-sessions/{session.Id}/sign-up")).StatusCode);
    }

    [Fact]
    public async Task ASessionsVideoLinkGoesToThoseWithAPlaceAndToStaffNotToTheWaitlistOrPassersBy()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var session = await ScheduleAsync(coordinator, program.Id, capacity: 1);
        Assert.Equal("https://meet.example/taster", session.OnlineLink);
        var going = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Early Bird"));
        var waiting = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Late Comer"));
        var passerBy = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Passer By"));

        var place = (await (await going.PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!;
        Assert.Equal("https://meet.example/taster", place.OnlineLink);
        var queued = (await (await waiting.PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!;
        Assert.True(queued.IsWaitlisted);
        Assert.Equal((null, true), (queued.OnlineLink, queued.Online));

        var url = $"/api/v1/programs/{program.Id}/information-sessions";
        var seen = Assert.Single((await passerBy.GetFromJsonAsync<Paged<InformationSessionView>>(url, Json.Options))!.Items);
        Assert.Equal((null, true), (seen.OnlineLink, seen.Online));
        Assert.DoesNotContain("meet.example", await passerBy.GetStringAsync($"/information-sessions/{session.Id}"));
        Assert.DoesNotContain("meet.example", await waiting.GetStringAsync($"/information-sessions/{session.Id}"));
        Assert.Contains("meet.example/taster", await going.GetStringAsync($"/information-sessions/{session.Id}"));
        Assert.Equal("https://meet.example/taster", Assert.Single((await coordinator.GetFromJsonAsync<Paged<InformationSessionView>>(url, Json.Options))!.Items).OnlineLink);

        // Giving the place back takes the link with it; the first on the waitlist gets both.
        var gaveBack = (await (await going.DeleteAsync($"/api/v1/information-sessions/{session.Id}/sign-up")).Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!;
        Assert.Null(gaveBack.OnlineLink);
        Assert.Equal("https://meet.example/taster", Assert.Single((await waiting.GetFromJsonAsync<Paged<InformationSessionView>>(url, Json.Options))!.Items).OnlineLink);
    }

    [Fact]
    public async Task ConcurrentSignUpsNeverOverfillASession()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var session = await ScheduleAsync(coordinator, program.Id, capacity: 3);
        var people = new List<HttpClient>();
        for (var i = 0; i < 8; i++)
        {
            people.Add(await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync($"Rush {i}")));
        }

        var responses = await Task.WhenAll(people.Select(p => p.PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var views = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<InformationSessionView>(Json.Options)));
        Assert.Equal(3, views.Count(v => v!.IsSignedUp));
        Assert.Equal(5, views.Count(v => v!.IsWaitlisted));
        var signUps = (await coordinator.GetFromJsonAsync<Paged<SessionSignUpView>>($"/api/v1/information-sessions/{session.Id}/sign-ups", Json.Options))!;
        Assert.Equal(3, signUps.TotalCount);
    }

    [Fact]
    public async Task SessionsOfAProgramThatIsNotRecruitingAreHiddenFromOutsiders()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync(recruiting: false);
        var session = await ScheduleAsync(coordinator, program.Id, capacity: 5);
        var outsider = await fixture.SignInAsync(school.Outsider);

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/programs/{program.Id}/information-sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).StatusCode);

        await coordinator.OpenRecruitmentAsync(program.Id);
        var listed = (await outsider.GetFromJsonAsync<Paged<InformationSessionView>>($"/api/v1/programs/{program.Id}/information-sessions", Json.Options))!;
        Assert.Equal("Lunchtime taster", Assert.Single(listed.Items).Title);
        Assert.Equal(HttpStatusCode.OK, (await outsider.PostAsync($"/api/v1/information-sessions/{session.Id}/sign-up", Json.Empty())).StatusCode);
    }

    [Fact]
    public async Task RecruitmentLinksCountViewsStartsAndSubmissionsPerChannel()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var newsletter = (await (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/recruitment-links", new { name = "Newsletter" }))
            .Content.ReadFromJsonAsync<RecruitmentChannelView>(Json.Options))!;
        var poster = (await (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/recruitment-links", new { name = "Poster QR code" }))
            .Content.ReadFromJsonAsync<RecruitmentChannelView>(Json.Options))!;
        Assert.Equal(HttpStatusCode.Conflict, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/recruitment-links", new { name = "Newsletter" })).StatusCode);

        var visitor = fixture.Anonymous();
        for (var i = 0; i < 3; i++)
        {
            var followed = await visitor.GetAsync(poster.Path);
            Assert.Equal(HttpStatusCode.Redirect, followed.StatusCode);
            Assert.Equal($"/join/{program.Id}?channel={poster.Code}", followed.Headers.Location!.OriginalString);
        }
        await visitor.GetAsync(newsletter.Path);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/r/nosuchcode")).StatusCode);
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var record = scope.ServiceProvider.GetRequiredService<RecordRecruitmentStep>();
            Assert.Equal(program.Id, await record.RunAsync(poster.Code, RecruitmentStep.Start));
            await record.RunAsync(poster.Code.ToUpperInvariant(), RecruitmentStep.Start);
            await record.RunAsync(poster.Code, RecruitmentStep.Submission);
            Assert.Null(await record.RunAsync("nosuchcode", RecruitmentStep.Start));
        }

        var channels = (await coordinator.GetFromJsonAsync<Paged<RecruitmentChannelView>>($"/api/v1/programs/{program.Id}/recruitment-links", Json.Options))!;
        var counts = channels.Items.ToDictionary(c => c.Name, c => (c.Views, c.Starts, c.Submissions));
        Assert.Equal((3L, 2L, 1L), counts["Poster QR code"]);
        Assert.Equal((1L, 0L, 0L), counts["Newsletter"]);
    }

    [Fact]
    public async Task AnInformationSessionAtTheEndOfTheCalendarIsRefusedNamingTheStart()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();

        var far = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/information-sessions", new
        {
            title = "Lunchtime taster", startsAt = "9999-12-31T23:30:00Z", durationMinutes = 60, timeZoneId = "Europe/London", place = "Library",
        });

        Assert.Equal(HttpStatusCode.BadRequest, far.StatusCode);
        Assert.Contains("A session starts within 5 years.", await far.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheSameRecruitmentLinkCreatedEightTimesAtOnceIsOneLinkAndSeven409s()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/recruitment-links", new { name = "Assembly" })));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
    }
}
