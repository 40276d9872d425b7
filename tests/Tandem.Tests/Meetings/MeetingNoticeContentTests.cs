using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

/// <summary>
/// Who a meeting notice is stored for and what it says (ADR 125): no notice for a disabled account, no meeting title in
/// anyone's notice (erasure clears the title on the meeting, not in others' notices), and a move's note kept.
/// </summary>
public sealed class MeetingNoticeContentTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private static readonly DateTimeOffset NextSpring = new(2027, 4, 20, 16, 0, 0, TimeSpan.Zero);

    private static object Proposal(DateTimeOffset startsAt, string? title = null, int occurrences = 1) =>
        new { startsAt, durationMinutes = 60, mode = "InPerson", place = "Room 12", title, occurrences };

    private Task<List<Notification>> NoticesAsync(Guid userId) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().Where(n => n.UserId == userId).ToListAsync());

    private Task<List<Notification>> NoticesNamingAsync(string text) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().Where(n => n.Body.Contains(text) || n.Title.Contains(text)).ToListAsync());

    [Fact]
    public async Task AMeetingProposedToAPairWhoseMemberIsDisabledStoresNoNoticeForThem()
    {
        var pair = await fixture.PairAsync();
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            (await db.Users.SingleAsync(u => u.Id == pair.Mentor.User.Id)).Disable();
            return await db.SaveChangesAsync();
        });
        var mailed = (await fixture.Tandem.OutboxForAsync(pair.Mentor.User.Email)).Count;

        var proposed = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Proposal(NextSpring));

        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        Assert.DoesNotContain(await NoticesAsync(pair.Mentor.User.Id), n => n.Kind == NotificationKind.Meetings);
        Assert.Equal(mailed, (await fixture.Tandem.OutboxForAsync(pair.Mentor.User.Email)).Count);
    }

    [Fact]
    public async Task NoMeetingNoticeCarriesTheMeetingsTitleInAPairOrAGroup()
    {
        var marker = $"Talk about my worries {Guid.NewGuid():N}";
        var pair = await fixture.PairAsync();
        var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Proposal(NextSpring, marker))).ReadAsync<List<MeetingView>>()).Single();
        (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).EnsureSuccessStatusCode();

        var (group, second, _) = await fixture.GroupOfThreeAsync();
        var groupMeetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var groupMeeting = (await (await group.Coordinator.PostAsJsonAsync(groupMeetings, Proposal(NextSpring, marker))).ReadAsync<List<MeetingView>>()).Single();
        (await second.Client.PostAsJsonAsync($"/api/v1/meetings/{groupMeeting.Id}/response", new { response = "Decline", note = "Exams" })).EnsureSuccessStatusCode();

        // The partner's proposal and acceptance notices, and the group coordinator's "Moe Mentee is not coming", were stored.
        Assert.Contains(await NoticesAsync(pair.Mentor.User.Id), n => n.Title == "New meeting proposed");
        Assert.Contains(await NoticesAsync(pair.Mentee.User.Id), n => n.Title == "Meeting accepted");
        var told = Assert.Single(await NoticesAsync(group.School.Coordinator.Id), n => n.Title == "Moe Mentee is not coming");
        Assert.StartsWith("Moe Mentee: meeting on Tue 20 Apr 2027 16:00 UTC (proposed).", told.Body);
        Assert.Empty(await NoticesNamingAsync(marker));
    }

    [Fact]
    public async Task AMoveKeepsItsNoteForTheOthersThroughTheApiAndThePage()
    {
        var pair = await fixture.PairAsync();
        var meetings = await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Proposal(NextSpring, occurrences: 2))).ReadAsync<List<MeetingView>>();
        foreach (var m in meetings)
        {
            (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{m.Id}/response", new { response = "Accept", wholeSeries = false })).EnsureSuccessStatusCode();
        }

        var moved = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{meetings[0].Id}/move",
            new { startsAt = NextSpring.AddHours(2), note = "The room is booked until six" });

        Assert.Equal("The room is booked until six", (await moved.ReadAsync<MeetingView>()).ResponseNote);
        var tooLong = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{meetings[1].Id}/move",
            new { startsAt = NextSpring.AddDays(7).AddHours(2), note = new string('x', 1001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        // On the page, the accepted second meeting is moved (not answered): its "Note for the others" goes with it.
        var page = new PageClient(fixture.Anonymous());
        (await page.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", pair.Mentee.User.Email), new("Input.Password", TandemFactory.Password)])).Dispose();
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var posted = await page.SubmitAsync(path, "reschedule", [new("Which", meetings[1].Id.ToString()), new("NewDate", "2027-04-27"), new("NewTime", "19:00"),
            new("NewNote", "Online this time, I have a cold")]);
        Assert.Contains("New time proposed", await posted.Content.ReadAsStringAsync());
        var after = await (await pair.Mentor.Client.GetAsync($"/api/v1/meetings/{meetings[1].Id}")).ReadAsync<MeetingView>();
        Assert.Equal((MeetingStatus.Proposed, "Online this time, I have a cold"), (after.Status, after.ResponseNote));
    }
}
