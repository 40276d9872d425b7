using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Engagement;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Engagement;

/// <summary>
/// ADR 46: meetings held, check-ins, last contact and participant counts are kept on the rows the lists read. After
/// every write a coordinator sees exactly what recounting the check-ins and enrolments would show.
/// </summary>
public sealed class KeptCountsTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    /// <summary>What the coordinator sees of the pair: its health (API and page) and its row in the program's relationships.</summary>
    private async Task<(RelationshipHealth Health, HealthSummary Summary, RelationshipView Listed)> SeenAsync(Pair pair)
    {
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var view = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health", Json.Options))!;
        var listed = (await coordinator.GetFromJsonAsync<Paged<RelationshipView>>($"/api/v1/programs/{pair.ProgramId}/relationships", Json.Options))!;
        return (Assert.Single(view.Relationships.Items, h => h.RelationshipId == pair.RelationshipId), view.Summary,
            Assert.Single(listed.Items, r => r.Id == pair.RelationshipId));
    }

    /// <summary>The pair's health worked out from scratch: its check-ins recounted, then the rule applied.</summary>
    private Task<RelationshipHealth> RecountedAsync(Pair pair) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var checkIns = await db.Set<CheckIn>().Where(c => c.RelationshipId == pair.RelationshipId).ToListAsync();
        var held = (await MeetingsHeld.CountAsync(db, [pair.RelationshipId], CancellationToken.None)).GetValueOrDefault(pair.RelationshipId);
        var relationship = await db.Set<Relationship>().SingleAsync(r => r.Id == pair.RelationshipId);
        return s.GetRequiredService<EngagementHealth>().Assess(pair.RelationshipId, pair.ProgramId, relationship.Status, relationship.StartsOn,
            relationship.PoorFitFlaggedAt, Cadence.Weekly, [], held, checkIns.Count,
            checkIns.Where(c => c.Happened).Max(c => (DateTime?)c.OccurredAt), null, Now);
    });

    private async Task AssertSeenAsRecountedAsync(Pair pair, HealthStatus status, int held, int logged)
    {
        var (health, summary, listed) = await SeenAsync(pair);
        var recounted = await RecountedAsync(pair);
        Assert.Equal((status, held, logged), (recounted.Status, recounted.MeetingsHeld, recounted.CheckInsLogged));
        Assert.Equal((recounted.Status, recounted.Reason, recounted.MeetingsHeld, recounted.MeetingsExpected, recounted.CheckInsLogged, recounted.DaysWithoutContact),
            (health.Status, health.Reason, health.MeetingsHeld, health.MeetingsExpected, health.CheckInsLogged, health.DaysWithoutContact));
        Assert.Equal(recounted.LastContactAt, health.LastContactAt);
        Assert.Equal((recounted.MeetingsHeld, recounted.LastContactAt), (listed.MeetingsHeld, listed.LastContactAt));
        Assert.Equal(1, status switch { HealthStatus.AtRisk => summary.AtRisk, HealthStatus.Drifting => summary.Drifting, _ => summary.OnTrack });
    }

    [Fact]
    public async Task EveryCheckInRecordedOrCorrectedChangesMeetingsHeldAndHealthAsRecountingWould()
    {
        var pair = await fixture.PairAsync("Weekly");
        await AssertSeenAsRecountedAsync(pair, HealthStatus.OnTrack, held: 0, logged: 0);

        // Two weeks without a meeting: drifting (weekly cadence, drifting after 10.5 days).
        fixture.Clock.Advance(TimeSpan.FromDays(14));
        var lastWeek = await pair.MeetingAsync(Now.AddDays(-8));
        var yesterday = await pair.MeetingAsync(Now.AddDays(-1));
        await AssertSeenAsRecountedAsync(pair, HealthStatus.Drifting, held: 0, logged: 0);
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);

        // Both check in on yesterday's meeting: one meeting held, two check-ins, on track.
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(url, new { meetingId = yesterday, happened = true, topics = "Books", rating = 4 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync(url, new { meetingId = yesterday, happened = true, topics = "Books", rating = 5 })).StatusCode);
        await AssertSeenAsRecountedAsync(pair, HealthStatus.OnTrack, held: 1, logged: 2);

        // Last week's meeting did not happen: a check-in, no meeting held.
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(url, new { meetingId = lastWeek, happened = false })).StatusCode);
        await AssertSeenAsRecountedAsync(pair, HealthStatus.OnTrack, held: 1, logged: 3);

        // The mentee corrects it: it did happen after all.
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(url, new { meetingId = lastWeek, happened = true, topics = "Poems", rating = 3 })).StatusCode);
        await AssertSeenAsRecountedAsync(pair, HealthStatus.OnTrack, held: 2, logged: 3);

        // Both correct yesterday's: it did not happen. Last contact moves back to last week's meeting (8 days: still on track).
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(url, new { meetingId = yesterday, happened = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync(url, new { meetingId = yesterday, happened = false })).StatusCode);
        await AssertSeenAsRecountedAsync(pair, HealthStatus.OnTrack, held: 1, logged: 3);
        Assert.Equal(Now.AddDays(-8), (await SeenAsync(pair)).Health.LastContactAt!.Value, TimeSpan.FromSeconds(1));

        // Three more days: 11 days since the last contact, drifting; then the mentor logs a call and it is on track again.
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        mentor = await fixture.SignInAsync(pair.Mentor);
        await AssertSeenAsRecountedAsync(pair, HealthStatus.Drifting, held: 1, logged: 3);
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync(url, new { happened = true, topics = "Phone call", occurredAt = Now.AddHours(-3) })).StatusCode);
        await AssertSeenAsRecountedAsync(pair, HealthStatus.OnTrack, held: 2, logged: 4);

        // A check-in refused (the meeting is not the pair's) changes nothing.
        Assert.Equal(HttpStatusCode.BadRequest, (await mentor.PostAsJsonAsync(url, new { meetingId = Guid.NewGuid(), happened = true, topics = "x" })).StatusCode);
        await AssertSeenAsRecountedAsync(pair, HealthStatus.OnTrack, held: 2, logged: 4);

        // The page shows the same figures.
        var page = await (await fixture.SignInPagesAsync(pair.School.Coordinator)).Http.GetStringAsync($"/programs/{pair.ProgramId}/health");
        Assert.Contains("1 on track", page);
    }

    [Fact]
    public async Task PausingAndFlaggingAPoorFitMoveThePairAsTheRuleSays()
    {
        var pair = await fixture.PairAsync("Weekly");
        var second = await pair.SecondPairAsync();
        fixture.Clock.Advance(TimeSpan.FromDays(22));
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var view = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health", Json.Options))!;
        Assert.Equal(new HealthSummary(AtRisk: 2, Drifting: 0, OnTrack: 0), view.Summary);

        var paused = await coordinator.PostAsJsonAsync($"/api/v1/relationships/{second}/status", new { status = "Paused" });
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        view = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health", Json.Options))!;
        Assert.Equal(new HealthSummary(AtRisk: 1, Drifting: 0, OnTrack: 1), view.Summary);
        Assert.Equal([pair.RelationshipId, second], view.Relationships.Items.Select(h => h.RelationshipId));
        Assert.Equal("Paused: no meetings are expected.", view.Relationships.Items[1].Reason);
        var onTrack = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health?status=OnTrack", Json.Options))!;
        Assert.Equal(1, onTrack.Relationships.TotalCount);
        Assert.Equal(second, Assert.Single(onTrack.Relationships.Items).RelationshipId);
    }

    [Fact]
    public async Task TheProgramListCountsParticipantsAsEnrolmentsComeAndChangeRole()
    {
        var pair = await fixture.PairAsync("Weekly");
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        async Task<int> ListedAsync()
        {
            var programs = (await coordinator.GetFromJsonAsync<Paged<ProgramSummary>>("/api/v1/programs?pageSize=100", Json.Options))!;
            return Assert.Single(programs.Items, p => p.Id == pair.ProgramId).ParticipantCount;
        }
        Task<int> RecountedAsync() => fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Enrolments
            .CountAsync(e => e.ProgramId == pair.ProgramId && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer)));

        // A mentor and two mentees; the coordinator is not a participant.
        Assert.Equal(3, await RecountedAsync());
        Assert.Equal(3, await ListedAsync());

        var teacher = await fixture.Tandem.CreateUserAsync("Tess Teacher");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, teacher, OrganisationRole.Member);
        var staff = await PairFixture.EnrolAsync(coordinator, pair.ProgramId, teacher, "Staff");
        var mentee = await fixture.Tandem.CreateUserAsync("Nia New");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, mentee, OrganisationRole.Member);
        await PairFixture.EnrolAsync(coordinator, pair.ProgramId, mentee, "Mentee");
        Assert.Equal((4, 4), (await RecountedAsync(), await ListedAsync()));

        // Staff made a coordinator and back, then taken off the program: never a participant.
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/enrolments/{staff}/role", new { role = "Coordinator" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/enrolments/{staff}/role", new { role = "Staff" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteAsync($"/api/v1/programs/{pair.ProgramId}/enrolments/{staff}")).StatusCode);
        Assert.Equal((4, 4), (await RecountedAsync(), await ListedAsync()));
        var page = await (await fixture.SignInPagesAsync(pair.School.Coordinator)).Http.GetStringAsync("/programs");
        Assert.Contains("Reading Buddies", page);
    }
}
