using System.Net;
using System.Net.Http.Json;
using Ical.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;
using Tandem.Infrastructure.Time;

namespace Tandem.Tests.Meetings;

[RunsLong(20)]
public sealed class MeetingTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    internal const string Retained = "This program's data has been anonymised after it closed, so its meetings take no more answers, notes or changes.";

    private static readonly DateTimeOffset NextSpring = new(2027, 4, 20, 16, 0, 0, TimeSpan.Zero);

    private static object InPerson(DateTimeOffset? at = null, int occurrences = 1) =>
        new { startsAt = at ?? NextSpring, durationMinutes = 60, mode = "InPerson", place = "Room 12", title = "Reading together", occurrences };

    [Fact]
    public async Task TheMenteeProposesTheMentorGetsAnIcsInvitationAndAcceptsAndTheMenteeHearsBack()
    {
        var pair = await fixture.PairAsync();
        var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        Assert.Equal(MeetingStatus.Proposed, meeting.Status);
        Assert.False(meeting.CanRespond);

        var (message, calendar) = (await fixture.InvitationsAsync(pair.Mentor.User.Email)).Single();
        Assert.Contains("Mia Mentee proposed a meeting", message.Subject);
        Assert.Equal("REQUEST", calendar.Method);
        var invitation = Assert.Single(calendar.Events);
        Assert.Equal(MeetingCalendar.Uid(meeting.Id), invitation.Uid);
        Assert.Equal(NextSpring.UtcDateTime, invitation.Start!.AsUtc);
        Assert.Equal("Room 12", invitation.Location);
        // The invitation gives its reader's own address only (ADR 95): the organiser is Tandem's sender under the
        // proposer's name, the reader the one attendee, and the proposer is named in the description, not by address.
        var sender = ((MimeKit.MailboxAddress)message.From.Single()).Address;
        Assert.Equal(($"mailto:{sender}", "Mia Mentee"), (invitation.Organizer!.Value!.ToString().ToLowerInvariant(), invitation.Organizer.CommonName));
        var attendee = Assert.Single(invitation.Attendees);
        Assert.Equal(($"mailto:{pair.Mentor.User.Email}".ToLowerInvariant(), "NEEDS-ACTION"), (attendee.Value!.ToString().ToLowerInvariant(), attendee.ParticipationStatus));
        Assert.Contains("With: Mia Mentee (coming)", invitation.Description);
        Assert.DoesNotContain(pair.Mentee.User.Email, new Ical.Net.Serialization.CalendarSerializer().SerializeToString(calendar), StringComparison.OrdinalIgnoreCase);

        var forMentor = await (await pair.Mentor.Client.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>();
        Assert.True(forMentor.CanRespond);
        Assert.Contains("New meeting proposed", await pair.Mentor.Client.GetStringAsync("/api/v1/me/notifications"));
        var ownAnswer = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" });
        Assert.Equal(HttpStatusCode.Conflict, ownAnswer.StatusCode);

        var accepted = await (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Accepted, accepted.Status);
        var (_, back) = (await fixture.InvitationsAsync(pair.Mentee.User.Email)).Single();
        Assert.Equal(EventStatus.Confirmed, Assert.Single(back.Events).Status);

        var again = await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Decline" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task TheOtherSideCanProposeAnotherTimeWhichTheProposerThenAnswers()
    {
        var pair = await fixture.PairAsync();
        var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        var later = NextSpring.AddDays(1);
        var countered = await (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response",
            new { response = "ProposeAnotherTime", startsAt = later, note = "Tuesday is football" })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Proposed, countered.Status);
        Assert.Equal(later.UtcDateTime, countered.StartsAt);
        Assert.Equal(pair.Mentor.User.Id, countered.ProposedByUserId);
        Assert.Equal(1, countered.Sequence);

        var (_, update) = (await fixture.InvitationsAsync(pair.Mentee.User.Email)).Single();
        Assert.Equal(1, Assert.Single(update.Events).Sequence);
        var accepted = await (await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Accepted, accepted.Status);
    }

    [Fact]
    public async Task DecliningOrCancellingSendsAnIcsCancel()
    {
        var pair = await fixture.PairAsync();
        var declined = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        var answer = await (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{declined.Id}/response", new { response = "Decline", note = "Away" })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Declined, answer.Status);
        Assert.Equal("Away", answer.ResponseNote);
        var (_, cancel) = (await fixture.InvitationsAsync(pair.Mentee.User.Email)).Single();
        Assert.Equal("CANCEL", cancel.Method);

        var second = (await (await pair.Mentor.Client.PostAsJsonAsync(pair.Meetings, InPerson(NextSpring.AddDays(2)))).ReadAsync<List<MeetingView>>()).Single();
        var cancelled = await (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{second.Id}/cancel", new { note = "Ill" })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Cancelled, cancelled.Status);
        var mails = await fixture.InvitationsAsync(pair.Mentee.User.Email, expected: 3);
        var last = mails.Single(m => m.Calendar.Events.Single().Uid == MeetingCalendar.Uid(second.Id) && m.Calendar.Method == "CANCEL");
        Assert.Equal(EventStatus.Cancelled, last.Calendar.Events.Single().Status);
    }

    [Fact]
    public async Task OneOccurrenceOfASeriesIsMovedOrCancelledWithoutTouchingTheOthers()
    {
        var pair = await fixture.PairAsync();
        var series = await (await pair.Mentor.Client.PostAsJsonAsync(pair.Meetings, InPerson(occurrences: 4))).ReadAsync<List<MeetingView>>();
        Assert.Equal(4, series.Count);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => NextSpring.UtcDateTime.AddDays(7 * i)), series.Select(m => m.StartsAt));

        // The mentee accepts the series in one answer.
        await (await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{series[0].Id}/response", new { response = "Accept" })).ReadAsync<MeetingView>();
        var moved = await (await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{series[1].Id}/move",
            new { startsAt = series[1].StartsAt.AddHours(2) })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Proposed, moved.Status);
        await (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{series[2].Id}/cancel", new { })).ReadAsync<MeetingView>();

        var all = await (await pair.Mentor.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>();
        Assert.Equal([MeetingStatus.Accepted, MeetingStatus.Proposed, MeetingStatus.Cancelled, MeetingStatus.Accepted], all.Items.Select(m => m.Status));
        Assert.Equal(series[1].StartsAt.AddHours(2), all.Items[1].StartsAt);
        Assert.Equal(series[3].StartsAt, all.Items[3].StartsAt);

        // The rest of the series can go in one step.
        await (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{series[1].Id}/cancel", new { wholeSeries = true })).ReadAsync<MeetingView>();
        var after = await (await pair.Mentor.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>();
        Assert.Equal([MeetingStatus.Accepted, MeetingStatus.Cancelled, MeetingStatus.Cancelled, MeetingStatus.Cancelled], after.Items.Select(m => m.Status));
    }

    [Fact]
    public async Task OnlyThePairAndTheProgramsCoordinatorsSeeItsMeetingsAndOthersGet404()
    {
        var pair = await fixture.PairAsync();
        var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        var other = await fixture.PairAsync();
        var outsider = await fixture.SignInAsync(pair.School.Outsider);

        foreach (var client in new[] { outsider, other.Mentee.Client, other.Coordinator })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(pair.Meetings)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/meetings/{meeting.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync(pair.Meetings, InPerson())).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/cancel", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/relationships/{pair.Relationship.Id}/meeting-suggestions")).StatusCode);
        }

        var seen = await (await pair.Coordinator.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>();
        Assert.Equal(meeting.Id, Assert.Single(seen.Items).Id);
        Assert.False(seen.Items[0].CanRespond);
        // A coordinator proposes for groups, not for a pair, and never answers for them.
        Assert.Equal(HttpStatusCode.Forbidden, (await pair.Coordinator.PostAsJsonAsync(pair.Meetings, InPerson())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).StatusCode);
    }

    [Fact]
    public async Task BadProposalsAreRefusedWithProblemDetails()
    {
        var pair = await fixture.PairAsync();
        var past = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(fixture.Tandem.Clock.GetUtcNow().AddHours(-1)));
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        var nowhere = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "InPerson" });
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        var tooMany = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(occurrences: 100));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var garbage = await pair.Mentee.Client.PostAsync(pair.Meetings, new StringContent("{\"startsAt\": \"soon\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        // The program ends on 30 June 2027: a weekly series from 16 June has three meetings, not ten.
        var capped = await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(new DateTimeOffset(2027, 6, 16, 16, 0, 0, TimeSpan.Zero), 10))).ReadAsync<List<MeetingView>>();
        Assert.Equal(3, capped.Count);
        var afterTheEnd = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(new DateTimeOffset(2027, 7, 16, 16, 0, 0, TimeSpan.Zero), 2));
        Assert.Equal(HttpStatusCode.BadRequest, afterTheEnd.StatusCode);
        var page = await pair.Mentee.Client.GetAsync(pair.Meetings + "?pageSize=1000");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
    }

    [Fact]
    public async Task OnlineMeetingsGetAJitsiRoomOrAPastedZoomTeamsOrMeetLinkByTheOrganisationsSetting()
    {
        var pair = await fixture.PairAsync();
        var online = new { startsAt = NextSpring, mode = "Online", videoLink = "https://evil.example/x" };
        var generated = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, online)).ReadAsync<List<MeetingView>>()).Single();
        Assert.StartsWith("https://meet.jit.si/Tandem-", generated.VideoLink);
        var another = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, online)).ReadAsync<List<MeetingView>>()).Single();
        Assert.NotEqual(generated.VideoLink, another.VideoLink);

        var settings = $"/api/v1/organisations/{pair.School.Organisation.Id}/meeting-settings";
        Assert.Equal(HttpStatusCode.Forbidden, (await pair.Mentee.Client.PutAsJsonAsync(settings, new { videoLinks = "Pasted" })).StatusCode);
        (await pair.Coordinator.PutAsJsonAsync(settings, new { videoLinks = "Pasted" })).EnsureSuccessStatusCode();

        var wrongHost = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, online);
        Assert.Equal(HttpStatusCode.BadRequest, wrongHost.StatusCode);
        Assert.Contains("zoom.us", await wrongHost.Content.ReadAsStringAsync());
        var plainHttp = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "Online", videoLink = "http://zoom.us/j/1" });
        Assert.Equal(HttpStatusCode.BadRequest, plainHttp.StatusCode);
        var lookalike = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "Online", videoLink = "https://zoom.us.evil.example/j/1" });
        Assert.Equal(HttpStatusCode.BadRequest, lookalike.StatusCode);
        foreach (var link in new[] { "https://us02web.zoom.us/j/123456789?pwd=abc", "https://teams.microsoft.com/l/meetup-join/19%3ameeting", "https://meet.google.com/abc-defg-hij" })
        {
            var pasted = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "Online", videoLink = link })).ReadAsync<List<MeetingView>>()).Single();
            Assert.Equal(new Uri(link).AbsoluteUri, pasted.VideoLink);
        }
    }

    [Fact]
    public async Task SuggestedTimesComeFromBothGridsInEachPersonsZoneOrSayWhoHasNoGrid()
    {
        // Tuesday 17:00 and 18:00 UTC (slots 41, 42) for both; the mentor also Monday 10:00 (slot 10).
        var pair = await fixture.PairAsync(mentorFree: [10, 41, 42], menteeFree: [41, 42, 100], menteeZone: "America/New_York");
        var suggestions = await (await pair.Mentee.Client.GetAsync($"/api/v1/relationships/{pair.Relationship.Id}/meeting-suggestions")).ReadAsync<TimeSuggestions>();
        Assert.Empty(suggestions.WithoutAvailability);
        Assert.InRange(suggestions.Times.Count, 1, 2);
        foreach (var time in suggestions.Times)
        {
            Assert.Equal(DayOfWeek.Tuesday, time.StartsAt.DayOfWeek);
            Assert.Equal(17, time.StartsAt.Hour);
            var mentee = time.ForEachPerson.Single(p => p.UserId == pair.Mentee.User.Id);
            Assert.Equal("America/New_York", mentee.TimeZoneId);
            Assert.Equal(Zones.ToLocal(time.StartsAt, "America/New_York"), mentee.LocalStartsAt);
        }
        // Once a meeting is proposed on the first suggested Tuesday, that day is not suggested again.
        (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(suggestions.Times[0].StartsAt))).EnsureSuccessStatusCode();
        var after = await (await pair.Mentor.Client.GetAsync($"/api/v1/relationships/{pair.Relationship.Id}/meeting-suggestions")).ReadAsync<TimeSuggestions>();
        Assert.DoesNotContain(after.Times, t => t.StartsAt.Date == suggestions.Times[0].StartsAt.Date);
        Assert.Equal(suggestions.Times.Count - 1, after.Times.Count);

        var without = await fixture.PairAsync(mentorFree: [10], menteeFree: null);
        var none = await (await without.Mentor.Client.GetAsync($"/api/v1/relationships/{without.Relationship.Id}/meeting-suggestions")).ReadAsync<TimeSuggestions>();
        Assert.Empty(none.Times);
        Assert.Equal(["Mia Mentee"], none.WithoutAvailability);
    }

    [Fact]
    public async Task ACoordinatorProposesAGroupMeetingAndEveryMemberIsInvited()
    {
        var (group, second) = await fixture.GroupAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var meeting = (await (await group.Coordinator.PostAsJsonAsync(meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        Assert.Equal(group.School.Coordinator.Id, meeting.ProposedByUserId);
        var (_, calendar) = (await fixture.InvitationsAsync(second.User.Email)).Single();
        var invitation = Assert.Single(calendar.Events);
        Assert.Equal("NEEDS-ACTION", Assert.Single(invitation.Attendees).ParticipationStatus);
        Assert.Equal("Max Mentor (not answered yet); Mo Third (not answered yet)", invitation.Description!.Split("With: ").Last().Trim());
        Assert.Single(await fixture.InvitationsAsync(group.Mentor.User.Email));

        var accepted = await (await second.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Accepted, accepted.Status);
        var cancelled = await (await group.Coordinator.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/cancel", new { })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Cancelled, cancelled.Status);
    }

    [Fact]
    public async Task EachGroupMemberAnswersForThemselvesAndTheMeetingGoesAheadOnceSomeoneIsComing()
    {
        var (group, second, third) = await fixture.GroupOfThreeAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var meeting = (await (await group.Coordinator.PostAsJsonAsync(meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        string Answer(Guid id) => $"/api/v1/meetings/{id}/response";

        // One "no" does not call it off for everyone: the others have not answered yet.
        var declined = await (await second.Client.PostAsJsonAsync(Answer(meeting.Id), new { response = "Decline", note = "Football practice" })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Proposed, declined.Status);
        Assert.Equal(AttendanceAnswer.NotComing, declined.MyAnswer);
        var answer = Assert.Single(declined.Answers);
        Assert.Equal(("Moe Mentee", AttendanceAnswer.NotComing, "Football practice"), (answer.DisplayName, answer.Answer, answer.Note));

        // The mentor and the third member answer at the same moment: both answers count, and the meeting goes ahead.
        var both = await Task.WhenAll(
            group.Mentor.Client.PostAsJsonAsync(Answer(meeting.Id), new { response = "Accept" }),
            third.Client.PostAsJsonAsync(Answer(meeting.Id), new { response = "Accept" }));
        Assert.All(both, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var seen = await (await group.Coordinator.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Accepted, seen.Status);
        Assert.Equal(["Max Mentor: Coming", "Mo Third: Coming", "Moe Mentee: NotComing"], seen.Answers.Select(a => $"{a.DisplayName}: {a.Answer}"));

        // Calendars carry each member's own answer; whoever has not answered still needs to.
        var feed = await (await third.Client.PostAsync("/api/v1/me/calendar-feed", Json.Empty())).ReadAsync<CalendarFeedView>();
        // Lines of iCalendar are folded at 75 octets: unfolded, the feed holds its owner's address and no other member's (ADR 95).
        var text = (await fixture.Anonymous().GetStringAsync(new Uri(feed.Url!).AbsolutePath)).Replace("\r\n ", "");
        var calendar = Ical.Net.Calendar.Load(text)!;
        Assert.Contains(third.User.Email, text, StringComparison.OrdinalIgnoreCase);
        Assert.All(new[] { group.Mentor.User.Email, second.User.Email, group.School.Coordinator.Email },
            other => Assert.DoesNotContain(other, text, StringComparison.OrdinalIgnoreCase));
        var seenInFeed = Assert.Single(calendar.Events);
        Assert.Equal(("Mo Third", "ACCEPTED"), (Assert.Single(seenInFeed.Attendees).CommonName, seenInFeed.Attendees.Single().ParticipationStatus));
        Assert.Contains("With: Max Mentor (coming); Moe Mentee (not coming)", seenInFeed.Description);

        // Someone can still change their mind on an accepted group meeting; the status follows the answers.
        var changed = await (await second.Client.PostAsJsonAsync(Answer(meeting.Id), new { response = "Accept" })).ReadAsync<MeetingView>();
        Assert.Equal(AttendanceAnswer.Coming, changed.MyAnswer);
        Assert.Equal(3, changed.Answers.Count(a => a.Answer == AttendanceAnswer.Coming));
        // The coordinator, not a member, cannot answer for the group.
        Assert.Equal(HttpStatusCode.Forbidden, (await group.Coordinator.PostAsJsonAsync(Answer(meeting.Id), new { response = "Accept" })).StatusCode);

        // When every member says no, the proposal is declined; the proposer hears each answer in the app.
        var other = (await (await group.Coordinator.PostAsJsonAsync(meetings, InPerson(NextSpring.AddDays(7)))).ReadAsync<List<MeetingView>>()).Single();
        foreach (var person in new[] { group.Mentor, second, third })
        {
            var status = (await (await person.Client.PostAsJsonAsync(Answer(other.Id), new { response = "Decline", note = "Exams" })).ReadAsync<MeetingView>()).Status;
            Assert.Equal(person == third ? MeetingStatus.Declined : MeetingStatus.Proposed, status);
        }
        var notices = await (await group.Coordinator.GetAsync("/api/v1/me/notifications")).ReadAsync<Paged<Tandem.Features.Notifications.NotificationView>>();
        Assert.Contains(notices.Items, n => n.Title == "Moe Mentee is not coming");
        Assert.Contains(notices.Items, n => n.Title == "Nobody can come: meeting declined");

        // A moved meeting needs new answers: the old ones answered another time.
        var moved = await (await group.Coordinator.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/move", new { startsAt = NextSpring.AddDays(3) })).ReadAsync<MeetingView>();
        Assert.Equal(MeetingStatus.Proposed, moved.Status);
        Assert.Empty(moved.Answers);
    }

    [Fact]
    public async Task ACoordinatorAsksAPairToScheduleAndEachGetsTheirSharedFreeTimesOnTheirOwnClock()
    {
        var pair = await fixture.PairAsync(mentorFree: [.. Enumerable.Range(0, 168)], menteeFree: [.. Enumerable.Range(0, 168)], menteeZone: "America/New_York");
        var ask = $"/api/v1/relationships/{pair.Relationship.Id}/schedule-request";
        Assert.Equal(HttpStatusCode.Forbidden, (await pair.Mentee.Client.PostAsync(ask, Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(pair.School.Outsider)).PostAsync(ask, Json.Empty())).StatusCode);

        var asked = await (await pair.Coordinator.PostAsync(ask, Json.Empty())).ReadAsync<Tandem.Features.Engagement.AskToScheduleResult>();
        Assert.Equal((2, 3), (asked.Notified, asked.SuggestedTimes));
        var suggestions = await (await pair.Mentee.Client.GetAsync($"/api/v1/relationships/{pair.Relationship.Id}/meeting-suggestions")).ReadAsync<TimeSuggestions>();
        var first = suggestions.Times[0].ForEachPerson.Single(p => p.UserId == pair.Mentee.User.Id).LocalStartsAt;
        var notices = await (await pair.Mentee.Client.GetAsync("/api/v1/me/notifications")).ReadAsync<Paged<Tandem.Features.Notifications.NotificationView>>();
        var notice = Assert.Single(notices.Items, n => n.Title == "Time to schedule your next meeting");
        Assert.Contains("asks you to schedule your next meeting with Max Mentor", notice.Body);
        Assert.Contains($"- {first.ToString("dddd d MMMM, HH:mm", System.Globalization.CultureInfo.InvariantCulture)}", notice.Body);
        Assert.Equal($"/relationships/{pair.Relationship.Id}/meetings", notice.Link);

        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Relationship.Id}/status", new { status = "Paused" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await pair.Coordinator.PostAsync(ask, Json.Empty())).StatusCode);
    }

    [Fact]
    public async Task AnAcceptAndADeclineSentAtTheSameMomentCannotBothWin()
    {
        var pair = await fixture.PairAsync();
        for (var round = 0; round < 3; round++)
        {
            var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(NextSpring.AddDays(round)))).ReadAsync<List<MeetingView>>()).Single();
            var mentorAgain = await fixture.SignInAsync(pair.Mentor.User);
            var answers = await Task.WhenAll(
                pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" }),
                mentorAgain.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Decline" }),
                mentorAgain.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "ProposeAnotherTime", startsAt = NextSpring.AddDays(30) }));
            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            var winner = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).ReadAsync<MeetingView>();
            var stored = await (await pair.Mentee.Client.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>();
            Assert.Equal(winner.Status, stored.Status);
        }
    }

    [Fact]
    public async Task AStartAtTheEndOfTheCalendarIsRefusedNamingTheStartAndNothingIsSaved()
    {
        var pair = await fixture.PairAsync();
        var before = await pair.Mentee.Client.GetStringAsync(pair.Meetings);

        var far = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(new DateTimeOffset(9999, 12, 31, 23, 30, 0, TimeSpan.Zero)));

        Assert.Equal(HttpStatusCode.BadRequest, far.StatusCode);
        var problem = (await far.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(Json.Options))!;
        var error = Assert.Single(problem.Errors);
        Assert.Equal("startsat", error.Key.ToLowerInvariant());
        Assert.Equal(["A meeting starts within 5 years."], error.Value);
        Assert.Equal(before, await pair.Mentee.Client.GetStringAsync(pair.Meetings));

        var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        var moved = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/move", new { startsAt = new DateTimeOffset(9999, 12, 31, 23, 30, 0, TimeSpan.Zero) });
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        // The other member proposing another time at the calendar's end: refused too (it was saved, then every list of it failed).
        var another = await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response",
            new { response = "ProposeAnotherTime", startsAt = new DateTimeOffset(9999, 12, 31, 23, 30, 0, TimeSpan.Zero) });
        Assert.Equal(HttpStatusCode.BadRequest, another.StatusCode);
        Assert.Equal(NextSpring.UtcDateTime, (await (await pair.Mentee.Client.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>()).StartsAt);
        Assert.Equal(HttpStatusCode.OK, (await pair.Mentee.Client.GetAsync(pair.Meetings)).StatusCode);
    }

    /// <summary>Retention's record of its pass over the pair's program (ADR 49): what the program's use cases ask.</summary>
    internal static Task RetainAsync(MeetingFixture fixture, Pair pair) => fixture.Tandem.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var now = DateTime.UtcNow;
        db.Add(new RetentionRun(pair.School.Organisation.Id, pair.Program.Id, pair.Program.Name, now.AddYears(-2), 24, "test", now));
        return await db.SaveChangesAsync();
    });

    private Task<int> NoticesAsync(params Person[] people) => fixture.Tandem.WithScopeAsync(s =>
    {
        var ids = people.Select(p => p.User.Id).ToList();
        return s.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>().CountAsync(n => ids.Contains(n.UserId));
    });

    private async Task<int> MailAsync(params Person[] people)
    {
        var count = 0;
        foreach (var person in people)
        {
            count += (await fixture.Tandem.OutboxForAsync(person.User.Email)).Count;
        }
        return count;
    }

    [Fact]
    public async Task AfterRetentionAPairsMeetingsTakeNoDeclineCancellationOrProposalAndNobodyIsTold()
    {
        var pair = await fixture.PairAsync();
        var asked = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        var agreed = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(NextSpring.AddDays(7)))).ReadAsync<List<MeetingView>>()).Single();
        Assert.Equal(HttpStatusCode.OK, (await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{agreed.Id}/response", new { response = "Accept" })).StatusCode);
        await RetainAsync(fixture, pair);
        var (mail, notices) = (await MailAsync(pair.Mentor, pair.Mentee), await NoticesAsync(pair.Mentor, pair.Mentee));

        var declined = await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{asked.Id}/response", new { response = "Decline", note = "My grandmother is ill" });
        var cancelled = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{agreed.Id}/cancel", new { note = "My grandmother is ill" });
        var moved = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{agreed.Id}/move", new { startsAt = NextSpring.AddDays(8) });
        var proposed = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, InPerson(NextSpring.AddDays(14)));

        Assert.All(new[] { declined, cancelled, moved, proposed }, r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Contains(Retained, await declined.Content.ReadAsStringAsync());
        Assert.Contains("anonymised", await proposed.Content.ReadAsStringAsync());
        var list = await (await pair.Mentee.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>();
        Assert.Equal([MeetingStatus.Proposed, MeetingStatus.Accepted], list.Items.OrderBy(m => m.StartsAt).Select(m => m.Status));
        Assert.All(list.Items, m => Assert.Null(m.ResponseNote));
        Assert.Equal((mail, notices), (await MailAsync(pair.Mentor, pair.Mentee), await NoticesAsync(pair.Mentor, pair.Mentee)));
    }

    [Fact]
    public async Task AfterRetentionAGroupMemberCannotSayTheyCannotComeWithANoteNorTheCoordinatorCancel()
    {
        var (group, second, third) = await fixture.GroupOfThreeAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var meeting = (await (await group.Coordinator.PostAsJsonAsync(meetings, InPerson())).ReadAsync<List<MeetingView>>()).Single();
        await RetainAsync(fixture, group);
        var (mail, notices) = (await MailAsync(group.Mentor, second, third), await NoticesAsync(group.Mentor, second, third));

        var cannot = await second.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Decline", note = "My grandmother is ill" });
        var cancelled = await group.Coordinator.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/cancel", new { note = "Nobody answers" });

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (cannot.StatusCode, cancelled.StatusCode));
        Assert.Contains(Retained, await cannot.Content.ReadAsStringAsync());
        var seen = await (await group.Coordinator.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>();
        Assert.Equal((MeetingStatus.Proposed, 0), (seen.Status, seen.Answers.Count));
        Assert.Equal((mail, notices), (await MailAsync(group.Mentor, second, third), await NoticesAsync(group.Mentor, second, third)));
    }
}
