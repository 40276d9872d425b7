using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.DataRepairs;
using Tandem.Features.Events;
using Tandem.Features.Recruitment;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recruitment;

/// <summary>Recruitment's information sessions are events of kind InformationSession (ADR 70).</summary>
public sealed class InformationSessionEventsTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    [Fact]
    public async Task APreExistingInformationSessionWithSignUpsBecomesAnEventWithThoseAnswers()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var first = await fixture.Tandem.CreateUserAsync("Early Bird");
        var second = await fixture.Tandem.CreateUserAsync("Second Bird");
        var startsAt = Now.UtcDateTime.AddDays(6);
        Guid sessionId, firstSignUp, secondSignUp;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            // The rows as Recruitment wrote them before ADR 70.
            var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
            var session = new InformationSession(program.Id,
                new InformationSessionDetails("Old taster", startsAt, "Europe/London", 45, "Hall", "https://meet.example/old", 2), school.Coordinator.Id, Now.UtcDateTime);
            db.Add(session);
            await db.SaveChangesAsync();
            db.Entry(session).Property(s => s.SignedUpCount).CurrentValue = 2;
            var a = new InformationSessionSignUp(session.Id, second.Id, Now.UtcDateTime.AddMinutes(-5));
            var b = new InformationSessionSignUp(session.Id, first.Id, Now.UtcDateTime.AddMinutes(-30));
            db.AddRange(a, b);
            await db.SaveChangesAsync();
            (sessionId, firstSignUp, secondSignUp) = (session.Id, b.Id, a.Id);
        }

        await DatabaseSetup.MigrateAsync(fixture.App.Services);

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
            var evt = await db.Set<ProgramEvent>().AsNoTracking().SingleAsync(e => e.Id == sessionId);
            Assert.Equal((EventKind.InformationSession, EventAudience.Everyone, "Old taster", program.Id), (evt.Kind, evt.Audience, evt.Title, evt.ProgramId));
            Assert.Equal(startsAt.AddMinutes(45), evt.EndsAt, TimeSpan.FromMilliseconds(1));
            Assert.Equal(("Hall", "https://meet.example/old", 2, 2, "Europe/London"), (evt.Place, evt.VideoLink, evt.Capacity, evt.GoingCount, evt.TimeZoneId));
            var answers = await db.Set<EventRsvp>().AsNoTracking().Where(r => r.EventId == sessionId).OrderBy(r => r.QueueNumber).ToListAsync();
            Assert.Equal([firstSignUp, secondSignUp], answers.Select(r => r.Id));
            Assert.Equal([first.Id, second.Id], answers.Select(r => r.UserId));
            Assert.All(answers, r => Assert.Equal(RsvpState.Going, r.State));
            Assert.False(await db.Set<InformationSession>().AnyAsync(s => s.Id == sessionId));
            Assert.False(await db.Set<InformationSessionSignUp>().AnyAsync(s => s.SessionId == sessionId));
            // Idempotent: nothing is left to move.
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<MoveInformationSessionsToEvents>().RunAsync());
        }

        // Both pages show the same row: Recruitment's list and the events list.
        var sessions = (await coordinator.GetFromJsonAsync<Paged<InformationSessionView>>($"/api/v1/programs/{program.Id}/information-sessions", Json.Options))!;
        var listed = Assert.Single(sessions.Items);
        Assert.Equal((sessionId, 2, 0, 45), (listed.Id, listed.SignedUp, listed.PlacesLeft, listed.DurationMinutes));
        var events = await coordinator.GetStringAsync($"/api/v1/programs/{program.Id}/events");
        Assert.Contains(sessionId.ToString(), events);
        // Full, so the next person is waitlisted.
        var late = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Late Bird"));
        var waiting = (await (await late.PostAsync($"/api/v1/information-sessions/{sessionId}/sign-up", Json.Empty())).Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!;
        Assert.True(waiting.IsWaitlisted);
    }

    [Fact]
    public async Task AnApplicantAnswersARecruitingProgramsInformationSessionButNotItsOtherEvents()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync();
        var starts = Now.AddDays(4);
        async Task<Guid> CreateAsync(string kind)
        {
            var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/events", new
            {
                kind, title = $"A {kind}", startsAt = starts, endsAt = starts.AddHours(1), timeZoneId = "Europe/London",
                place = "Hall", audience = "Everyone", capacity = 1,
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<EventView>(Json.Options))!.Id;
        }
        var session = await CreateAsync("InformationSession");
        var workshop = await CreateAsync("Workshop");
        var applicant = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Not Enrolled"));
        var other = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Also Not Enrolled"));

        // The session set up on the events page is Recruitment's session too.
        var listed = (await applicant.GetFromJsonAsync<Paged<InformationSessionView>>($"/api/v1/programs/{program.Id}/information-sessions", Json.Options))!;
        Assert.Equal(session, Assert.Single(listed.Items).Id);

        var answered = await applicant.PostAsJsonAsync($"/api/v1/events/{session}/rsvp", new { going = true });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(RsvpState.Going, (await answered.Content.ReadFromJsonAsync<EventView>(Json.Options))!.MyRsvp);
        Assert.Equal(HttpStatusCode.OK, (await applicant.GetAsync($"/api/v1/events/{session}/invitation.ics")).StatusCode);
        // Capacity 1: the next applicant, through Recruitment's route, is waitlisted.
        var waiting = (await (await other.PostAsync($"/api/v1/information-sessions/{session}/sign-up", Json.Empty())).Content.ReadFromJsonAsync<InformationSessionView>(Json.Options))!;
        Assert.True(waiting.IsWaitlisted);

        Assert.Equal(HttpStatusCode.NotFound, (await applicant.PostAsJsonAsync($"/api/v1/events/{workshop}/rsvp", new { going = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await applicant.GetAsync($"/api/v1/events/{workshop}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await applicant.GetAsync($"/api/v1/programs/{program.Id}/events")).StatusCode);
    }

    [Fact]
    public async Task AnInformationSessionOfAProgramNotRecruitingIsNotAnsweredByOutsiders()
    {
        var (_, coordinator, program) = await fixture.ProgramAsync(recruiting: false);
        var starts = Now.AddDays(4);
        var created = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/events", new
        {
            kind = "InformationSession", title = "Closed taster", startsAt = starts, endsAt = starts.AddHours(1), timeZoneId = "UTC", place = "Hall", audience = "Everyone",
        });
        var id = (await created.Content.ReadFromJsonAsync<EventView>(Json.Options))!.Id;
        var outsider = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Outsider"));

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync($"/api/v1/events/{id}/rsvp", new { going = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/events/{id}")).StatusCode);
    }
}
