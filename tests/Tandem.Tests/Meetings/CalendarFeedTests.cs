using System.Net;
using System.Net.Http.Json;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Meetings;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

public sealed class CalendarFeedTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    [Fact]
    public async Task TheFeedParsesAndHoldsExactlyThePersonsMeetingsAndNobodyElses()
    {
        var pair = await fixture.PairAsync();
        var other = await fixture.PairAsync();
        var at = new DateTimeOffset(2027, 5, 3, 15, 0, 0, TimeSpan.Zero);
        var mine = await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = at, mode = "InPerson", place = "Café", occurrences = 3 })).ReadAsync<List<MeetingView>>();
        var single = await (await pair.Mentor.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = at.AddHours(3), mode = "Online" })).ReadAsync<List<MeetingView>>();
        await (await other.Mentee.Client.PostAsJsonAsync(other.Meetings, new { startsAt = at, mode = "InPerson", place = "Gym", occurrences = 2 })).ReadAsync<List<MeetingView>>();

        var feed = await (await pair.Mentee.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).ReadAsync<CalendarFeedView>();
        Assert.StartsWith("https://tandem.test/calendar/", feed.Url);
        var path = new Uri(feed.Url!).AbsolutePath;

        var response = await fixture.Anonymous().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync())!;
        var expected = mine.Concat(single).Select(m => MeetingCalendar.Uid(m.Id)).Order().ToList();
        Assert.Equal(expected, calendar.Events.Select(e => e.Uid!).Order().ToList());
        var online = calendar.Events.Single(e => e.Uid == MeetingCalendar.Uid(single[0].Id));
        Assert.StartsWith("https://meet.jit.si/", online.Location);
        Assert.Equal(at.AddHours(3).UtcDateTime, online.Start!.AsUtc);

        // The token is stored hashed: the database never holds the URL's secret.
        var token = path["/calendar/".Length..^".ics".Length];
        var stored = await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<Tandem.Data.TandemDb>();
            return await db.Set<CalendarFeed>().SingleAsync(f => f.UserId == pair.Mentee.User.Id);
        });
        Assert.NotEqual(token, stored.TokenHash);
        Assert.Equal(MeetingCalendar.Hash(token), stored.TokenHash);
    }

    [Fact]
    public async Task ANewUrlRevokesTheOldOneAndRevokingLeavesNone()
    {
        var pair = await fixture.PairAsync();
        var first = await (await pair.Mentor.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).ReadAsync<CalendarFeedView>();
        var second = await (await pair.Mentor.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).ReadAsync<CalendarFeedView>();
        var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(first.Url!).AbsolutePath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(second.Url!).AbsolutePath)).StatusCode);
        var status = await (await pair.Mentor.Client.GetAsync("/api/v1/me/calendar-feed")).ReadAsync<CalendarFeedView>();
        Assert.True(status.Exists);
        Assert.Null(status.Url);

        Assert.Equal(HttpStatusCode.NoContent, (await pair.Mentor.Client.DeleteAsync("/api/v1/me/calendar-feed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(second.Url!).AbsolutePath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/calendar/not-a-token.ics")).StatusCode);
        Assert.False((await (await pair.Mentor.Client.GetAsync("/api/v1/me/calendar-feed")).ReadAsync<CalendarFeedView>()).Exists);
    }

    [Fact]
    public async Task EightFirstRequestsAtOnceForAFeedAllAnswerAndOneFeedIsLeft()
    {
        var pair = await fixture.PairAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => pair.Mentee.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.True((await (await pair.Mentee.Client.GetAsync("/api/v1/me/calendar-feed")).ReadAsync<CalendarFeedView>()).Exists);
    }
}
