using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

/// <summary>Answering one occurrence of a series, or it and the later ones, and what the page sends.</summary>
public sealed class MeetingSeriesAnswerTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private static readonly DateTimeOffset NextSpring = new(2027, 4, 20, 16, 0, 0, TimeSpan.Zero);

    private static object Series(DateTimeOffset startsAt, int occurrences = 3) =>
        new { startsAt, durationMinutes = 60, mode = "InPerson", place = "Room 12", occurrences };

    private static string Answer(Guid id) => $"/api/v1/meetings/{id}/response";

    private async Task<PageClient> SignInAsync(Tandem.Features.Accounts.UserSummary user)
    {
        var page = new PageClient(fixture.Anonymous());
        var response = await page.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", user.Email), new("Input.Password", TandemFactory.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return page;
    }

    private static async Task<Dictionary<Guid, MeetingStatus>> StatusesAsync(Pair pair) =>
        (await (await pair.Mentee.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).Items.ToDictionary(m => m.Id, m => m.Status);

    [Fact]
    public async Task AcceptingOneOccurrenceOnThePageLeavesTheOthersWaitingAndTheRestOfTheSeriesMeansTheLaterOnesOnly()
    {
        var pair = await fixture.PairAsync();
        var series = await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Series(NextSpring))).ReadAsync<List<MeetingView>>();
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var mentor = await SignInAsync(pair.Mentor.User);

        var page = await mentor.Http.GetStringAsync(path);
        Assert.Contains($"accept-series:{series[1].Id}", page);
        var accepted = await mentor.SubmitAsync(path, "answer", [new("Answer", $"accept:{series[1].Id}")]);
        Assert.Contains("Meeting accepted.", await accepted.Content.ReadAsStringAsync());
        var statuses = await StatusesAsync(pair);
        Assert.Equal([MeetingStatus.Proposed, MeetingStatus.Accepted, MeetingStatus.Proposed], series.Select(m => statuses[m.Id]));

        // "This and later ones" from the second: the third, never the earlier first still waiting.
        var again = await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Series(NextSpring.AddDays(1)))).ReadAsync<List<MeetingView>>();
        var declined = await mentor.SubmitAsync(path, "answer", [new("Answer", $"decline-series:{again[1].Id}")]);
        Assert.Contains("This meeting and the later ones in its series are declined.", await declined.Content.ReadAsStringAsync());
        statuses = await StatusesAsync(pair);
        Assert.Equal([MeetingStatus.Proposed, MeetingStatus.Declined, MeetingStatus.Declined], again.Select(m => statuses[m.Id]));
    }

    [Fact]
    public async Task AWholeSeriesAnswerThroughTheApiLeavesEarlierOccurrencesAndAnswersAlreadyGiven()
    {
        var (group, second, _) = await fixture.GroupOfThreeAsync();
        var meetings = $"/api/v1/relationships/{group.Relationship.Id}/meetings";
        var series = await (await group.Coordinator.PostAsJsonAsync(meetings, Series(NextSpring, occurrences: 4))).ReadAsync<List<MeetingView>>();
        (await second.Client.PostAsJsonAsync(Answer(series[3].Id), new { response = "Decline", note = "Away that week", wholeSeries = false })).EnsureSuccessStatusCode();

        // "Coming to this and the rest" from the second occurrence (the default of the API's request).
        (await second.Client.PostAsJsonAsync(Answer(series[1].Id), new { response = "Accept" })).EnsureSuccessStatusCode();

        var mine = new List<AttendanceAnswer?>();
        foreach (var m in series)
        {
            mine.Add((await (await second.Client.GetAsync($"/api/v1/meetings/{m.Id}")).ReadAsync<MeetingView>()).MyAnswer);
        }
        Assert.Equal([null, AttendanceAnswer.Coming, AttendanceAnswer.Coming, AttendanceAnswer.NotComing], mine);
        var kept = (await (await group.Coordinator.GetAsync($"/api/v1/meetings/{series[3].Id}")).ReadAsync<MeetingView>()).Answers.Single();
        Assert.Equal("Away that week", kept.Note);
    }

    [Fact]
    public async Task APlaceTooLongIsRefusedOnThePageAndEveryFormShowsWhatWasTypedAfterAFailure()
    {
        var pair = await fixture.PairAsync();
        var path = $"/relationships/{pair.Relationship.Id}/meetings";
        var mentee = await SignInAsync(pair.Mentee.User);
        var place = "The long corridor " + new string('x', 300);

        var refused = await mentee.SubmitAsync(path, "propose", [new("Date", "2027-05-04"), new("Time", "16:30"), new("Mode", "Online"), new("Place", place),
            new("Duration", "45"), new("Occurrences", "2")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("The place is at most 300 characters.", html);
        Assert.Contains($"value=\"{place}\"", html);
        Assert.Contains("value=\"2027-05-04\"", html);
        Assert.Contains("value=\"16:30\"", html);
        Assert.Contains("value=\"45\"", html);
        Assert.Contains("<option value=\"Online\" selected", html);
        Assert.Equal(0, (await (await pair.Mentee.Client.GetAsync(pair.Meetings)).ReadAsync<Paged<MeetingView>>()).TotalCount);

        // The API refuses it the same way (its request's own check).
        var api = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "InPerson", place });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);

        // Another time with no day: the note typed comes back; so does a note with an answer that failed.
        var meeting = (await (await pair.Mentor.Client.PostAsJsonAsync(pair.Meetings, new { startsAt = NextSpring, mode = "InPerson", place = "Library" }))
            .ReadAsync<List<MeetingView>>()).Single();
        var noDay = await mentee.SubmitAsync(path, "reschedule", [new("Which", meeting.Id.ToString()), new("NewTime", "17:00"), new("NewNote", "After school, please")]);
        Assert.Equal(HttpStatusCode.BadRequest, noDay.StatusCode);
        html = WebUtility.HtmlDecode(await noDay.Content.ReadAsStringAsync());
        Assert.Contains("value=\"After school, please\"", html);
        Assert.Contains("value=\"17:00\"", html);
        var noAction = await mentee.SubmitAsync(path, "answer", [new("Answer", "nothing"), new("AnswerNote", "Sorry, exams")]);
        Assert.Contains("value=\"Sorry, exams\"", WebUtility.HtmlDecode(await noAction.Content.ReadAsStringAsync()));
    }
}
