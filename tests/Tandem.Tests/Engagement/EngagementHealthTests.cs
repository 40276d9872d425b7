using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Engagement;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Engagement;

/// <summary>Tests here move the clock, so each has an app with a clock of its own on the class's database.</summary>
public sealed class EngagementHealthTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private async Task<RelationshipHealth> HealthAsync(Pair pair)
    {
        // A fresh sign-in: the clock moves by weeks in these tests, past the session's lifetime.
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var view = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health", Json.Options))!;
        return Assert.Single(view.Relationships.Items, h => h.RelationshipId == pair.RelationshipId);
    }

    [Fact]
    public async Task APairThatMissesItsWeeklyCadenceDriftsThenTurnsAtRiskAfterTheConfiguredTime()
    {
        var pair = await fixture.PairAsync("Weekly");
        var start = await HealthAsync(pair);
        Assert.Equal(HealthStatus.OnTrack, start.Status);
        Assert.Equal(0, start.MeetingsHeld);
        Assert.Null(start.LastContactAt);

        // The pair started today (midnight UTC); the clock reads 09:00. Weekly cadence: drifting after 1.5 weeks, at risk after 3.
        fixture.Clock.Advance(TimeSpan.FromDays(10)); // 10 days 9 hours
        Assert.Equal(HealthStatus.OnTrack, (await HealthAsync(pair)).Status);

        fixture.Clock.Advance(TimeSpan.FromDays(1)); // 11 days 9 hours > 10.5 days
        var drifting = await HealthAsync(pair);
        Assert.Equal(HealthStatus.Drifting, drifting.Status);
        Assert.Contains("drifting after 10.5 days", drifting.Reason);

        fixture.Clock.Advance(TimeSpan.FromDays(9)); // 20 days 9 hours
        Assert.Equal(HealthStatus.Drifting, (await HealthAsync(pair)).Status);

        fixture.Clock.Advance(TimeSpan.FromDays(1)); // 21 days 9 hours > 21 days
        var atRisk = await HealthAsync(pair);
        Assert.Equal(HealthStatus.AtRisk, atRisk.Status);
        Assert.Equal("No meeting since the start 21 days ago (cadence weekly: at risk after 21 days).", atRisk.Reason);
        Assert.Equal(3, atRisk.MeetingsExpected);
        Assert.Equal(21, atRisk.DaysWithoutContact);
    }

    [Fact]
    public async Task MeetingsHeldAndCheckInsKeepAPairOnTrackAndAtRiskPairsAreListedFirst()
    {
        var pair = await fixture.PairAsync("Weekly");
        var second = await pair.SecondPairAsync();
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        for (var week = 0; week < 4; week++)
        {
            fixture.Clock.Advance(TimeSpan.FromDays(7));
            var meeting = await pair.MeetingAsync(Now.AddHours(-2));
            mentor = await fixture.SignInAsync(pair.Mentor);
            mentee = await fixture.SignInAsync(pair.Mentee);
            Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync(url, new { meetingId = meeting, happened = true, topics = "Books", rating = 4 })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(url, new { meetingId = meeting, happened = true, topics = "Books", rating = 5 })).StatusCode);
        }
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var view = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health", Json.Options))!;

        Assert.Equal(new HealthSummary(AtRisk: 1, Drifting: 0, OnTrack: 1), view.Summary);
        Assert.Equal([second, pair.RelationshipId], view.Relationships.Items.Select(h => h.RelationshipId));
        var onTrack = view.Relationships.Items[1];
        Assert.Equal(HealthStatus.OnTrack, onTrack.Status);
        Assert.Equal(4, onTrack.MeetingsHeld);
        Assert.Equal(4, onTrack.MeetingsExpected);
        Assert.Equal(8, onTrack.CheckInsLogged);
        Assert.Equal(Now.AddHours(-2), onTrack.LastContactAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(["Mona Tor", "Menna Tee"], onTrack.Members.Select(m => m.DisplayName));

        var atRiskOnly = (await coordinator.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{pair.ProgramId}/health?status=AtRisk", Json.Options))!;
        Assert.Equal(second, Assert.Single(atRiskOnly.Relationships.Items).RelationshipId);
        // The pair itself sees its own health; the program's list is for coordinators.
        Assert.Equal(HealthStatus.OnTrack, (await mentee.GetFromJsonAsync<RelationshipHealth>($"/api/v1/relationships/{pair.RelationshipId}/health", Json.Options))!.Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{pair.ProgramId}/health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(pair.School.Outsider)).GetAsync($"/api/v1/programs/{pair.ProgramId}/health")).StatusCode);
    }

    [Fact]
    public async Task ACoordinatorMessagesThePairThroughNotifications()
    {
        var pair = await fixture.PairAsync();
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);

        var sent = await coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/messages", new { title = "Checking in", body = "How are your meetings going?" });

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal(2, (await sent.Content.ReadFromJsonAsync<MessagePairResult>(Json.Options))!.Notified);
        var email = Assert.Single(await fixture.Smtp.ForAsync(pair.Mentee.Email));
        Assert.Equal("Checking in", email.Subject);
        Assert.Contains("How are your meetings going?", email.TextBody);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        Assert.Contains((await mentor.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!.Items, n => n.Title == "Checking in");
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/messages", new { title = "x", body = "y" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/messages", new { title = "", body = "" })).StatusCode);
    }
}
