using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Meetings;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Time;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Events;

/// <summary>
/// ADR 128 items 3 and 4: an e-mail address the app accepts but that is not a well-formed URI as it stands (braces, a
/// pipe) still gets its calendar file, the event's and the meetings feed; a zone name longer than the column holds
/// is refused as a zone, on the page and the API, not a 500 on PostgreSQL.
/// </summary>
public sealed class OddAddressesAndZonesTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private static readonly string LongZone = "Europe" + new string('/', 60) + "London";

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private async Task<EventView> CreateAsync(Pair pair)
    {
        var starts = Now.AddDays(3);
        var response = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/events", new
        {
            kind = "Social", title = "Book swap", startsAt = starts, endsAt = starts.AddHours(2), timeZoneId = "Europe/London", place = "Hall B", audience = "Everyone",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<EventView>(Json.Options))!;
    }

    [Fact]
    public async Task SomeoneWithBracesInTheirAddressDownloadsTheEventsCalendarFile()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair);
        var ann = await fixture.Tandem.CreateUserAsync("Ann{x}|Lee");
        Assert.Contains("{x}|", ann.Email);
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, ann, OrganisationRole.Member);
        await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, ann, "Mentee");
        var client = await fixture.SignInAsync(ann);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/events/{evt.Id}/rsvp", new { going = true })).StatusCode);

        var ics = await client.GetAsync($"/api/v1/events/{evt.Id}/invitation.ics");

        Assert.Equal(HttpStatusCode.OK, ics.StatusCode);
        var calendar = Ical.Net.Calendar.Load(await ics.Content.ReadAsStringAsync())!;
        var attendee = Assert.Single(Assert.Single(calendar.Events).Attendees);
        Assert.Equal("mailto:" + ann.Email, Uri.UnescapeDataString(attendee.Value!.OriginalString));
    }

    [Fact]
    public async Task SomeoneWithBracesInTheirAddressReadsTheirMeetingsFeed()
    {
        var pair = await fixture.PairAsync();
        await pair.MeetingAsync(Now.AddDays(2));
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var odd = $"ann{{x}}.{Guid.NewGuid():N}@school.org";
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == pair.Mentee.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Email, odd).SetProperty(x => x.NormalizedEmail, odd.ToUpperInvariant())));
        var feed = await (await mentee.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).Content.ReadFromJsonAsync<CalendarFeedView>(Json.Options);

        var response = await fixture.App.CreateClient().GetAsync(new Uri(feed!.Url!).AbsolutePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var meeting = Assert.Single(Ical.Net.Calendar.Load(await response.Content.ReadAsStringAsync())!.Events);
        Assert.Equal("mailto:" + odd, Uri.UnescapeDataString(Assert.Single(meeting.Attendees).Value!.OriginalString));
    }

    [Fact]
    public async Task AZoneNameLongerThanAZoneIsRefusedOnTheEventsPageAndTheApi()
    {
        var pair = await fixture.PairAsync();
        Assert.True(TimeZoneInfo.TryFindSystemTimeZoneById(LongZone, out _) || !OperatingSystem.IsLinux());
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var local = Zones.ToLocal(Now.AddDays(5), "Europe/London");

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/events", "create",
        [
            new("kind", "Workshop"), new("title", "Long zone"), new("starts", local.ToString("yyyy-MM-ddTHH:mm")),
            new("ends", local.AddHours(1).ToString("yyyy-MM-ddTHH:mm")), new("zone", LongZone), new("place", "Room 4"), new("audience", "Everyone"),
        ]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("is not a known IANA time zone.", await refused.Content.ReadAsStringAsync());
        var starts = Now.AddDays(5);
        var api = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/events", new
        {
            kind = "Workshop", title = "Long zone", startsAt = starts, endsAt = starts.AddHours(1), timeZoneId = LongZone, place = "Room 4", audience = "Everyone",
        });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        // The API's declarative check refused it already; the page calls the use case directly.
        Assert.Contains("timezoneid", (await api.Content.ReadAsStringAsync()).ToLowerInvariant());
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<EventView>>($"/api/v1/programs/{pair.ProgramId}/events", Json.Options))!.Items);
    }
}
