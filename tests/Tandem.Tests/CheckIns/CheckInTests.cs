using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Engagement;
using Tandem.Features.Exports;
using Tandem.Features.Programs;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.CheckIns;

public sealed class CheckInTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private static object Log(Guid? meetingId, bool happened = true, int? rating = 4, string topics = "Reading log, chapter 3") => new
    {
        meetingId,
        happened,
        topics,
        progress = "Finished the first book",
        challenges = "Finding a quiet room",
        nextSteps = "Start the second book",
        rating,
    };

    [Fact]
    public async Task BothSidesRecordTheMeetingAndTheCoordinatorReadsBothCheckIns()
    {
        var pair = await fixture.PairAsync();
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";

        var mentorResponse = await mentor.PostAsJsonAsync(url, Log(meetingId, rating: 5));
        Assert.Equal(HttpStatusCode.OK, mentorResponse.StatusCode);
        var recorded = (await mentorResponse.Content.ReadFromJsonAsync<CheckInView>(Json.Options))!;
        Assert.Equal(meetingId, recorded.MeetingId);
        Assert.True(recorded.Happened);
        Assert.Equal(5, recorded.Rating);
        Assert.Equal("Finished the first book", recorded.Progress);
        Assert.Equal(Now.AddHours(-2), recorded.OccurredAt, TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(url, Log(meetingId, rating: 3))).StatusCode);
        // Recording again corrects one's own check-in rather than adding another.
        var corrected = await mentee.PostAsJsonAsync(url, Log(meetingId, rating: 4, topics: "Reading log and a poem"));
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);

        var list = (await pair.Coordinator.GetFromJsonAsync<Paged<CheckInView>>(url, Json.Options))!;
        Assert.Equal(2, list.TotalCount);
        Assert.Contains(list.Items, c => c.AuthorName == "Mona Tor" && c.Rating == 5);
        Assert.Contains(list.Items, c => c.AuthorName == "Menna Tee" && c.Rating == 4 && c.Topics == "Reading log and a poem" && c.UpdatedAt != null);
        Assert.Equal(2, (await mentee.GetFromJsonAsync<Paged<CheckInView>>(url, Json.Options))!.TotalCount);
    }

    [Fact]
    public async Task CheckInsArePrivateToThePairAndTheProgramsCoordinators()
    {
        var pair = await fixture.PairAsync();
        var meetingId = await pair.MeetingAsync(Now.AddHours(-3));
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.SignInAsync(pair.Mentor)).PostAsJsonAsync(url, Log(meetingId))).StatusCode);

        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        var sameProgram = await fixture.SignInAsync(pair.OtherMentee);
        foreach (var stranger in new[] { outsider, sameProgram })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync(url, Log(meetingId))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/relationships/{pair.RelationshipId}/health")).StatusCode);
        }
        // Coordinators read but do not write someone else's check-in.
        Assert.Equal(HttpStatusCode.Forbidden, (await pair.Coordinator.PostAsJsonAsync(url, Log(meetingId))).StatusCode);
        Assert.Equal(1, (await pair.Coordinator.GetFromJsonAsync<Paged<CheckInView>>(url, Json.Options))!.TotalCount);
    }

    [Fact]
    public async Task CheckInsOfOnePairSentAtTheSameMomentAreAllCountedAndTheMeetingIsHeldOnce()
    {
        // The pair's row is locked before its check-ins are written and recounted (ADR 46): without the lock, a recount
        // that started before another's commit misses it on PostgreSQL; on SQLite the write gate queues them (ADR 71).
        var pair = await fixture.PairAsync();
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);

        // Six unscheduled contacts by the mentor and both members' check-ins about one meeting, all at once.
        var sends = Enumerable.Range(1, 6)
            .Select(h => mentor.PostAsJsonAsync(url, new { happened = true, topics = $"Call {h}", rating = 4, occurredAt = Now.AddHours(-2 - h) }))
            .Append(mentor.PostAsJsonAsync(url, Log(meetingId)))
            .Append(mentee.PostAsJsonAsync(url, Log(meetingId)))
            .ToList();
        Assert.All(await Task.WhenAll(sends), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var view = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health", Json.Options))!;
        var health = Assert.Single(view.Relationships.Items, h => h.RelationshipId == pair.RelationshipId);
        // Seven contacts held (the meeting once, though both checked in about it), eight check-ins, the last contact the meeting.
        Assert.Equal((7, 8), (health.MeetingsHeld, health.CheckInsLogged));
        Assert.Equal(Now.AddHours(-2), health.LastContactAt);
        var logged = (await coordinator.GetFromJsonAsync<Paged<CheckInView>>(url, Json.Options))!;
        Assert.Equal(8, logged.TotalCount);
    }

    [Fact]
    public async Task AMentorLogsAnUnscheduledContactAndAMenteeCannot()
    {
        var pair = await fixture.PairAsync();
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var contact = new { happened = true, topics = "Quick call about the exam", rating = 4, occurredAt = Now.AddDays(-1) };

        var mentor = await fixture.SignInAsync(pair.Mentor);
        var logged = await mentor.PostAsJsonAsync(url, contact);
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        Assert.Null((await logged.Content.ReadFromJsonAsync<CheckInView>(Json.Options))!.MeetingId);

        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync(url, contact)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentor.PostAsJsonAsync(url, new { happened = true, topics = "No date" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentor.PostAsJsonAsync(url, new { happened = true, topics = "Future", occurredAt = Now.AddDays(2) })).StatusCode);
    }

    [Fact]
    public async Task BadCheckInsAreRefusedWithProblemDetails()
    {
        var pair = await fixture.PairAsync();
        var other = await fixture.PairAsync();
        var past = await pair.MeetingAsync(Now.AddHours(-2));
        var future = await pair.MeetingAsync(Now.AddDays(3));
        var othersMeeting = await other.MeetingAsync(Now.AddHours(-2));
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var mentee = await fixture.SignInAsync(pair.Mentee);

        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(url, Log(past, rating: 6))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(url, Log(past, topics: ""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(url, new { meetingId = past })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(url, Log(othersMeeting))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.PostAsJsonAsync(url, Log(future))).StatusCode);
        // "It did not happen" needs no topics.
        var missed = await mentee.PostAsJsonAsync(url, new { meetingId = past, happened = false, challenges = "Mentor was ill" });
        Assert.Equal(HttpStatusCode.OK, missed.StatusCode);
        Assert.Null((await missed.Content.ReadFromJsonAsync<CheckInView>(Json.Options))!.Rating);
    }

    [Fact]
    public async Task AContactDatedBeforeThePairStartedIsRefused()
    {
        var pair = await fixture.PairAsync();
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var mentor = await fixture.SignInAsync(pair.Mentor);

        var ancient = await mentor.PostAsJsonAsync(url, new { happened = true, topics = "A call", occurredAt = new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        var lastWeek = await mentor.PostAsJsonAsync(url, new { happened = true, topics = "A call", occurredAt = Now.AddDays(-7) });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (ancient.StatusCode, lastWeek.StatusCode));
        Assert.Contains("before the pair started", await ancient.Content.ReadAsStringAsync());
        Assert.Equal(0, (await mentor.GetFromJsonAsync<Paged<CheckInView>>(url, Json.Options))!.TotalCount);
        // The start day itself, whatever the time zone, is the pair's.
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync(url, new { happened = true, topics = "First call", occurredAt = Now.Date.AddHours(-3) })).StatusCode);
    }

    [Fact]
    public async Task AfterRetentionAPairsProgramTakesNoCheckIn()
    {
        var pair = await fixture.PairAsync();
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", Now.AddYears(-2), 24, "test", Now));
            return await db.SaveChangesAsync();
        });
        var mentor = await fixture.SignInAsync(pair.Mentor);

        var refused = await mentor.PostAsJsonAsync(url, Log(meetingId));
        var contact = await mentor.PostAsJsonAsync(url, new { happened = true, topics = "A call", occurredAt = Now.AddHours(-1) });

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (refused.StatusCode, contact.StatusCode));
        Assert.Contains("anonymised", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, (await pair.Coordinator.GetFromJsonAsync<Paged<CheckInView>>(url, Json.Options))!.TotalCount);
    }
}
