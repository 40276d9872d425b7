using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

public sealed partial class MeetingPageTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private const string Retained = MeetingTests.Retained;

    private async Task<PageClient> PagesAsync(Tandem.Features.Accounts.UserSummary user)
    {
        var page = new PageClient(fixture.Anonymous());
        var response = await page.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", user.Email), new("Input.Password", TandemFactory.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return page;
    }

    [Fact]
    public async Task TheMenteeProposesASuggestedTimeOnThePageAndTheMentorAcceptsIt()
    {
        var pair = await fixture.PairAsync(mentorFree: [.. Enumerable.Range(0, 168)], menteeFree: [.. Enumerable.Range(0, 168)], menteeZone: "America/New_York");
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var mentee = await PagesAsync(pair.Mentee.User);
        var html = await mentee.Http.GetStringAsync(path);
        Assert.Contains("Suggested times", html);
        Assert.Contains("(America/New_York)", html);
        var suggested = SuggestedValue().Match(html).Groups[1].Value;
        var proposed = await mentee.SubmitAsync(path, "propose", [new("Suggested", suggested), new("Mode", "InPerson"), new("Place", "Library"), new("Duration", "45"), new("Occurrences", "1")]);
        Assert.Equal(HttpStatusCode.OK, proposed.StatusCode);
        Assert.Contains("Meeting proposed.", await proposed.Content.ReadAsStringAsync());

        var meeting = Assert.Single((await (await pair.Mentor.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).Items);
        Assert.Equal(DateTimeOffset.Parse(suggested).UtcDateTime, meeting.StartsAt);
        var mentor = await PagesAsync(pair.Mentor.User);
        var accepted = await mentor.SubmitAsync(path, "answer", [new("Answer", $"accept:{meeting.Id}")]);
        Assert.Contains("Meeting accepted.", await accepted.Content.ReadAsStringAsync());
        Assert.Equal(MeetingStatus.Accepted, (await (await pair.Mentee.Client.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>()).Status);

        var typed = await mentee.SubmitAsync(path, "propose", [new("Date", "2027-05-04"), new("Time", "16:30"), new("Mode", "InPerson"), new("Place", "Café"), new("Occurrences", "3")]);
        Assert.Contains("3 meetings proposed.", await typed.Content.ReadAsStringAsync());
        var all = await (await pair.Mentee.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>();
        Assert.Equal(new DateTime(2027, 5, 4, 20, 30, 0), all.Items.Single(m => m.SeriesId is not null && m.StartsAt.Day == 4).StartsAt);

        var nowhere = await mentee.SubmitAsync(path, "propose", [new("Mode", "InPerson"), new("Place", "Café")]);
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);

        // A duration in words is refused, not taken as the default hour (ADR 81).
        var before = (await (await pair.Mentee.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).TotalCount;
        var wordy = await mentee.SubmitAsync(path, "propose", [new("Date", "2027-05-11"), new("Time", "16:30"), new("Mode", "InPerson"), new("Place", "Café"), new("Duration", "an hour"), new("Occurrences", "1")]);
        Assert.Equal(HttpStatusCode.BadRequest, wordy.StatusCode);
        Assert.Contains("Duration: “an hour” is not a valid value.", WebUtility.HtmlDecode(await wordy.Content.ReadAsStringAsync()));
        Assert.Equal(before, (await (await pair.Mentee.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).TotalCount);
    }

    [Fact]
    public async Task TheMentorAnswersAProposalWithAnotherTimeWhichTheMenteeAcceptsThenTheMenteeCancelsTheRestOfASeries()
    {
        var pair = await fixture.PairAsync(mentorZone: "Europe/London", menteeZone: "Europe/London");
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var mentee = await PagesAsync(pair.Mentee.User);
        var mentor = await PagesAsync(pair.Mentor.User);
        Assert.Contains("3 meetings proposed.", await (await mentee.SubmitAsync(path, "propose",
            [new("Date", "2027-03-02"), new("Time", "17:00"), new("Mode", "InPerson"), new("Place", "Library"), new("Occurrences", "3")])).Content.ReadAsStringAsync());
        var first = (await (await pair.Mentor.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).Items.OrderBy(m => m.StartsAt).First();

        // The mentor cannot make it and suggests the Wednesday instead (London: UTC+0 in March before the change).
        Assert.Contains("Another time", await mentor.Http.GetStringAsync(path));
        var countered = await mentor.SubmitAsync(path, "reschedule", [new("Which", first.Id.ToString()), new("NewDate", "2027-03-03"), new("NewTime", "18:30"), new("NewNote", "Tuesday is my lab")]);
        Assert.Equal(HttpStatusCode.OK, countered.StatusCode);
        Assert.Contains("New time proposed: Wed 3 Mar 2027 18:30 (Europe/London)", await countered.Content.ReadAsStringAsync());
        var moved = await (await pair.Mentee.Client.GetAsync($"/api/v1/meetings/{first.Id}")).ReadAsync<MeetingView>();
        Assert.Equal(new DateTime(2027, 3, 3, 18, 30, 0), moved.StartsAt);
        Assert.Equal(MeetingStatus.Proposed, moved.Status);
        Assert.Equal("Tuesday is my lab", moved.ResponseNote);
        // Now the mentee answers the mentor's time.
        Assert.Contains("Meeting accepted.", await (await mentee.SubmitAsync(path, "answer", [new("Answer", $"accept:{first.Id}")])).Content.ReadAsStringAsync());
        Assert.Equal(MeetingStatus.Accepted, (await (await pair.Mentor.Client.GetAsync($"/api/v1/meetings/{first.Id}")).ReadAsync<MeetingView>()).Status);

        // A time in the past or a missing day is refused on the page, and nothing changes.
        var second = (await (await pair.Mentor.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).Items.OrderBy(m => m.StartsAt).Skip(1).First();
        var past = await mentor.SubmitAsync(path, "reschedule", [new("Which", second.Id.ToString()), new("NewDate", "2020-01-01"), new("NewTime", "10:00")]);
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("future", await past.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await mentor.SubmitAsync(path, "reschedule", [new("Which", second.Id.ToString()), new("NewTime", "10:00")])).StatusCode);
        Assert.Equal(second.StartsAt, (await (await pair.Mentor.Client.GetAsync($"/api/v1/meetings/{second.Id}")).ReadAsync<MeetingView>()).StartsAt);

        // Cancelling "this and later ones" from the second occurrence leaves the accepted first one alone.
        var cancelled = await mentee.SubmitAsync(path, "answer", [new("Answer", $"cancel-series:{second.Id}"), new("AnswerNote", "Exams")]);
        Assert.Contains("This meeting and the later ones in its series are cancelled.", await cancelled.Content.ReadAsStringAsync());
        var after = (await (await pair.Mentor.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).Items.OrderBy(m => m.StartsAt).ToList();
        Assert.Equal([MeetingStatus.Accepted, MeetingStatus.Cancelled, MeetingStatus.Cancelled], after.Select(m => m.Status));
        Assert.Equal("Exams", after[1].ResponseNote);
    }

    [Fact]
    public async Task GroupMembersSayOnThePageWhetherTheyAreComingAndSeeWhoElseIs()
    {
        var (group, second, third) = await fixture.GroupOfThreeAsync();
        var path = $"/relationships/{group.Relationship.Id}/meetings";
        var coordinator = await PagesAsync(group.School.Coordinator);
        Assert.Contains("Meeting proposed.", await (await coordinator.SubmitAsync(path, "propose",
            [new("Date", "2027-05-04"), new("Time", "16:30"), new("Mode", "InPerson"), new("Place", "Hall"), new("Occurrences", "1")])).Content.ReadAsStringAsync());
        var meeting = Assert.Single((await (await second.Client.GetAsync(group.Meetings)).ReadAsync<Paged<MeetingView>>()).Items);

        var moe = await PagesAsync(second.User);
        Assert.Contains("I&#x27;m coming", await moe.Http.GetStringAsync(path));
        var coming = await (await moe.SubmitAsync(path, "answer", [new("Answer", $"accept:{meeting.Id}")])).Content.ReadAsStringAsync();
        Assert.Contains("You are coming.", coming);
        Assert.Contains("Moe Mentee: coming", coming);
        Assert.DoesNotContain("I&#x27;m coming", coming);

        var mo = await PagesAsync(third.User);
        var cannot = await (await mo.SubmitAsync(path, "answer", [new("Answer", $"decline:{meeting.Id}"), new("AnswerNote", "Dentist")])).Content.ReadAsStringAsync();
        Assert.Contains("You are not coming.", cannot);
        Assert.Contains("Mo Third: not coming (Dentist)", cannot);
        Assert.Contains("Moe Mentee: coming", await coordinator.Http.GetStringAsync(path));
        Assert.Equal(MeetingStatus.Accepted, (await (await group.Coordinator.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>()).Status);
    }

    [Fact]
    public async Task OutsidersGetNotFoundAndEveryoneCanMakeAndTurnOffTheirFeed()
    {
        var pair = await fixture.PairAsync();
        var outsider = await PagesAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/relationships/{pair.Relationship.Id}/meetings")).StatusCode);

        var mentor = await PagesAsync(pair.Mentor.User);
        var made = await mentor.SubmitAsync("/my/calendar", "feed", [new("Action", "new")]);
        var url = FeedUrl().Match(await made.Content.ReadAsStringAsync());
        Assert.True(url.Success);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous().GetAsync(new Uri(url.Groups[1].Value).AbsolutePath)).StatusCode);
        await mentor.SubmitAsync("/my/calendar", "feed", [new("Action", "revoke")]);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Anonymous().GetAsync(new Uri(url.Groups[1].Value).AbsolutePath)).StatusCode);
    }

    [Fact]
    public async Task AMeetingModeGivenAsAnUndefinedNumberIsRefusedAndTheMeetingsStillRead()
    {
        var pair = await fixture.PairAsync();
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var mentee = await PagesAsync(pair.Mentee.User);

        // Blazor reads "7" as a MeetingMode; stored, every JSON read of the pair's meetings failed writing it.
        var refused = await mentee.SubmitAsync(path, "propose", [new("Date", "2027-05-04"), new("Time", "16:30"), new("Mode", "7"), new("Place", "Café"), new("Occurrences", "1")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose how you meet", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        var listed = await pair.Mentee.Client.GetAsync(pair.Meetings);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(0, (await listed.ReadAsync<Paged<MeetingView>>()).TotalCount);
        Assert.Equal(HttpStatusCode.OK, (await pair.Mentee.Client.GetAsync("/api/v1/me/home")).StatusCode);
    }

    [Fact]
    public async Task ANoteOverAThousandCharactersIsRefusedKeepingWhatWasTypedNotCutAndALineBreakCountsOnce()
    {
        var pair = await fixture.PairAsync();
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var first = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = "2027-04-20T16:00:00Z", mode = "InPerson", place = "Library" })).ReadAsync<List<MeetingView>>()).Single();
        var second = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = "2027-04-27T16:00:00Z", mode = "InPerson", place = "Library" })).ReadAsync<List<MeetingView>>()).Single();
        var mentor = await PagesAsync(pair.Mentor.User);
        // 999 characters and an emoji (two UTF-16 units): cut at 1,000 it kept half the emoji, which PostgreSQL refuses.
        var tooLong = new string('a', 999) + "😀";

        var declined = await mentor.SubmitAsync(path, "answer", [new("Answer", $"decline:{first.Id}"), new("AnswerNote", tooLong)]);
        var countered = await mentor.SubmitAsync(path, "reschedule", [new("Which", second.Id.ToString()), new("NewDate", "2027-04-28"), new("NewTime", "17:00"), new("NewNote", tooLong)]);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (declined.StatusCode, countered.StatusCode));
        var html = WebUtility.HtmlDecode(await declined.Content.ReadAsStringAsync());
        Assert.Contains("A note is at most 1000 characters", html);
        Assert.Contains($"value=\"{tooLong}\"", html);
        Assert.Contains($"value=\"{tooLong}\"", WebUtility.HtmlDecode(await countered.Content.ReadAsStringAsync()));
        var unchanged = (await (await pair.Mentee.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).Items;
        Assert.All(unchanged, m => Assert.Equal((MeetingStatus.Proposed, (string?)null, pair.Mentee.User.Id), (m.Status, m.ResponseNote, m.ProposedByUserId)));

        // A thousand characters with a line break posted as CRLF is within the limit, and is kept with LF.
        var withBreak = new string('a', 500) + "\r\n" + new string('b', 499);
        var fits = await mentor.SubmitAsync(path, "answer", [new("Answer", $"decline:{first.Id}"), new("AnswerNote", withBreak)]);
        Assert.Contains("Meeting declined.", await fits.Content.ReadAsStringAsync());
        Assert.Equal(withBreak.Replace("\r\n", "\n"), (await (await pair.Mentee.Client.GetAsync($"/api/v1/meetings/{first.Id}")).ReadAsync<MeetingView>()).ResponseNote);
    }

    [Fact]
    public async Task AfterRetentionThePageShowsTheMeetingsWithoutFormsToAnswerMoveCancelOrPropose()
    {
        var pair = await fixture.PairAsync();
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var meeting = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = "2027-04-20T16:00:00Z", mode = "InPerson", place = "Library" })).ReadAsync<List<MeetingView>>()).Single();
        await MeetingTests.RetainAsync(fixture, pair);
        var mentor = await PagesAsync(pair.Mentor.User);

        var html = WebUtility.HtmlDecode(await mentor.Http.GetStringAsync(path));
        var declined = await mentor.SubmitAsync(path, "answer", [new("Answer", $"decline:{meeting.Id}"), new("AnswerNote", "Personal words")]);

        Assert.Contains(Retained, html);
        Assert.Contains("Library", html);
        Assert.DoesNotContain($"decline:{meeting.Id}", html);
        Assert.DoesNotContain("Propose a meeting", html);
        Assert.DoesNotContain("Another time", html);
        Assert.Equal(HttpStatusCode.Conflict, declined.StatusCode);
        Assert.Equal(MeetingStatus.Proposed, (await (await pair.Mentee.Client.GetAsync($"/api/v1/meetings/{meeting.Id}")).ReadAsync<MeetingView>()).Status);
    }

    [GeneratedRegex("name=\"Suggested\" value=\"([^\"]+)\"")]
    private static partial Regex SuggestedValue();

    [GeneratedRegex("<code id=\"feed-url\">([^<]+)</code>")]
    private static partial Regex FeedUrl();
}
