using System.Net;
using System.Net.Http.Json;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Meetings;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Meetings;

/// <summary>Who reads meetings outside the pair: staff reading a minor's are logged; a disabled account's feed and an ended pair's meetings stop.</summary>
public sealed class MeetingReadTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private static readonly DateTimeOffset NextSpring = new(2027, 4, 20, 16, 0, 0, TimeSpan.Zero);

    private Task<List<AuditEntry>> EntriesAboutAsync(Guid subject) =>
        fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == subject).ToListAsync());

    [Fact]
    public async Task ACoordinatorReadingAMinorsMeetingsAndTheirNotesIsLoggedOnceAndTheMinorReadingTheirOwnIsNot()
    {
        var pair = await fixture.PairAsync();
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, pair.Mentee.Client);
        var meeting = (await (await pair.Mentor.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "InPerson", place = "Library" }))
            .ReadAsync<List<MeetingView>>()).Single();
        (await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Decline", note = "I am scared of the library" }))
            .EnsureSuccessStatusCode();
        Assert.Empty(await EntriesAboutAsync(pair.Mentee.User.Id));

        var listed = await (await pair.Coordinator.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>();
        Assert.Equal("I am scared of the library", Assert.Single(listed.Items).ResponseNote);
        var entry = Assert.Single(await EntriesAboutAsync(pair.Mentee.User.Id));
        Assert.Equal((pair.School.Coordinator.Id, AuditRecord.Relationship, pair.Relationship.Id, pair.Program.Id, "Reading a relationship's meetings"),
            (entry.ActorUserId, entry.Record, entry.RecordId, entry.ProgramId, entry.Purpose));

        (await pair.Coordinator.GetAsync($"/api/v1/meetings/{meeting.Id}")).EnsureSuccessStatusCode();
        Assert.Equal(2, (await EntriesAboutAsync(pair.Mentee.User.Id)).Count);

        // The page logs the coordinator's read once (managing the relationship), not again for its meetings.
        var page = await PageClient.SignInAsync(fixture.Tandem, pair.School.Coordinator.Email);
        Assert.Equal(HttpStatusCode.OK, (await page.Http.GetAsync($"/relationships/{pair.Relationship.Id}/meetings")).StatusCode);
        Assert.Equal(3, (await EntriesAboutAsync(pair.Mentee.User.Id)).Count);

        // Members reading their own relationship's meetings are not logged.
        (await pair.Mentee.Client.GetAsync(pair.Meetings)).EnsureSuccessStatusCode();
        (await pair.Mentor.Client.GetAsync($"/api/v1/meetings/{meeting.Id}")).EnsureSuccessStatusCode();
        Assert.Equal(3, (await EntriesAboutAsync(pair.Mentee.User.Id)).Count);
    }

    [Fact]
    public async Task ADisabledAccountsCalendarFeedAnswersNotFoundAndDisablingDeletesIt()
    {
        var pair = await fixture.PairAsync();
        var menteeFeed = new Uri((await (await pair.Mentee.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).ReadAsync<CalendarFeedView>()).Url!).AbsolutePath;
        var mentorFeed = new Uri((await (await pair.Mentor.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).ReadAsync<CalendarFeedView>()).Url!).AbsolutePath;
        var anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(menteeFeed)).StatusCode);

        // Disabled by an administrator: the feed row goes with the sessions.
        var disabled = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<DisableUser>().RunAsync(new Actor(Guid.NewGuid(), IsAdministrator: true), pair.Mentee.User.Id, disabled: true));
        Assert.Null(disabled.Failure);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(menteeFeed)).StatusCode);
        Assert.Equal(0, await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<CalendarFeed>().CountAsync(f => f.UserId == pair.Mentee.User.Id)));

        // A feed left from before (an account disabled another way) does not answer either.
        await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == pair.Mentor.User.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(mentorFeed)).StatusCode);
    }

    [Fact]
    public async Task AnEndedRelationshipsFutureMeetingsAreCancelledInTheFeed()
    {
        var pair = await fixture.PairAsync();
        var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "InPerson", place = "Library" }))
            .ReadAsync<List<MeetingView>>()).Single();
        (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).EnsureSuccessStatusCode();
        var feed = new Uri((await (await pair.Mentor.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).ReadAsync<CalendarFeedView>()).Url!).AbsolutePath;
        var before = Assert.Single(Calendar.Load(await fixture.Anonymous().GetStringAsync(feed))!.Events);
        Assert.Equal("CONFIRMED", before.Status);

        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Relationship.Id}/status", new { status = "EndedEarly", reason = "The mentee moved school" }))
            .EnsureSuccessStatusCode();

        var after = Assert.Single(Calendar.Load(await fixture.Anonymous().GetStringAsync(feed))!.Events);
        Assert.Equal("CANCELLED", after.Status);
        Assert.True(after.Sequence > before.Sequence);
    }
}
