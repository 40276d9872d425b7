using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

/// <summary>One e-mail per meeting change, with the .ics, only for people who want e-mail; the in-app notice for everyone.</summary>
public sealed class MeetingMailTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private static object InPerson(int day) =>
        new { startsAt = new DateTimeOffset(2027, 5, day, 16, 0, 0, TimeSpan.Zero), durationMinutes = 60, mode = "InPerson", place = "Room 12", title = "Reading together" };

    /// <summary>
    /// The e-mails queued for someone so far, sent or not: every e-mail goes through the outbox before the request
    /// that caused it returns, so this counts what was sent without waiting for anything else to arrive.
    /// </summary>
    private async Task<int> OutboxCountAsync(Person person) => (await fixture.Tandem.OutboxForAsync(person.User.Email)).Count;

    private static async Task<List<NotificationView>> NotificationsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!.Items.ToList();

    [Fact]
    public async Task AProposalGivesTheOtherMemberExactlyOneEmailWithTheIcsAttached()
    {
        var pair = await fixture.PairAsync();
        var (mentorBefore, menteeBefore) = (await OutboxCountAsync(pair.Mentor), await OutboxCountAsync(pair.Mentee));
        var noticesBefore = (await NotificationsAsync(pair.Mentor.Client)).Count;

        var proposed = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(4));
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);

        var (message, calendar) = Assert.Single(await fixture.InvitationsAsync(pair.Mentor.User.Email));
        Assert.Equal("REQUEST", calendar.Method);
        Assert.Contains("Mia Mentee proposed a meeting", message.Subject);
        Assert.Equal(mentorBefore + 1, await OutboxCountAsync(pair.Mentor));
        Assert.Equal(menteeBefore, await OutboxCountAsync(pair.Mentee)); // not the proposer
        var notices = await NotificationsAsync(pair.Mentor.Client);
        Assert.Equal(noticesBefore + 1, notices.Count);
        var notice = notices[0];
        Assert.Equal("New meeting proposed", notice.Title);
        Assert.True(notice.Emailed);

        // The answer: again one e-mail (with the .ics) to the other side, and nothing more to the mentor.
        var meeting = (await proposed.ReadAsync<List<MeetingView>>()).Single();
        (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).EnsureSuccessStatusCode();
        Assert.Single(await fixture.InvitationsAsync(pair.Mentee.User.Email));
        Assert.Equal(menteeBefore + 1, await OutboxCountAsync(pair.Mentee));
        Assert.Equal(mentorBefore + 1, await OutboxCountAsync(pair.Mentor));
        Assert.Equal("Meeting accepted", (await NotificationsAsync(pair.Mentee.Client))[0].Title);
    }

    [Fact]
    public async Task SomeoneWhoTurnedEmailOffGetsNoMeetingEmailButSeesTheNotification()
    {
        var pair = await fixture.PairAsync();
        (await pair.Mentor.Client.PutAsJsonAsync("/api/v1/me/notification-preferences", new { email = false })).EnsureSuccessStatusCode();
        var before = await OutboxCountAsync(pair.Mentor);

        var proposed = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(5));

        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var notice = (await NotificationsAsync(pair.Mentor.Client))[0];
        Assert.Equal("New meeting proposed", notice.Title);
        Assert.False(notice.Emailed);
        Assert.Equal(before, await OutboxCountAsync(pair.Mentor));
    }
}
