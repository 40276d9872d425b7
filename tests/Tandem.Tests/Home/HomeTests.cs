using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Home;
using Tandem.Features.Meetings;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;

namespace Tandem.Tests.Home;

/// <summary>
/// The home pages (issue 10 item 1): a participant sees whom they are matched with, the next meeting, what is
/// waiting on them and their program's guidelines; a coordinator sees per program what needs attention, each count
/// linking to the page that fixes it.
/// </summary>
public sealed class HomeTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    /// <summary>Tuesdays 14:00-16:00 UTC (slot 0 is Monday 00:00 UTC).</summary>
    private static readonly int[] TuesdayAfternoon = [38, 39];

    private static async Task<MyHome> HomeAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<MyHome>("/api/v1/me/home", Json.Options))!;

    private static async Task<Paged<ProgramAttention>> ManagedAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Paged<ProgramAttention>>("/api/v1/me/managed-programs", Json.Options))!;

    [Fact]
    public async Task AMenteeSeesTheirMentorByInitialsTheGuidelinesAndAFirstMeetingWhenBothAreFree()
    {
        var pair = await fixture.PairAsync(mentorFree: TuesdayAfternoon, menteeFree: TuesdayAfternoon);

        var home = await HomeAsync(pair.Mentee.Client);

        var match = Assert.Single(home.Relationships);
        var mentor = Assert.Single(match.Partners);
        Assert.Equal(("Max Mentor", "MM", Tandem.Features.Programs.ProgramRole.Mentor), (mentor.DisplayName, mentor.Initials, mentor.Role));
        Assert.Null(home.NextMeeting);
        // The clock is Monday 1 Feb 2027 09:00 UTC: the first hour both are free is Tuesday 14:00 (London is on UTC in February).
        Assert.Equal(new DateTime(2027, 2, 2, 14, 0, 0, DateTimeKind.Utc), match.SuggestedFirstMeeting);
        Assert.Equal("Be kind.", Assert.Single(home.Programs).Guidelines);
        Assert.Empty(home.Waiting);

        var page = await pair.Mentee.Client.GetStringAsync("/");
        Assert.Contains("Max Mentor", page);
        Assert.Contains(">MM<", page);
        Assert.Contains("Suggested first meeting: <strong>Tue 2 Feb 2027 at 14:00 (Europe/London)</strong>", page);
        Assert.Contains($"href=\"/relationships/{pair.Relationship.Id}/meetings\"", page);
        Assert.Contains("Be kind.", page);
        Assert.Contains("Nothing is waiting on you.", page);
        // A participant runs nothing: no programs' attention for them.
        Assert.DoesNotContain("Programs you run", page);
        Assert.Equal(0, (await ManagedAsync(pair.Mentee.Client)).TotalCount);
    }

    [Fact]
    public async Task AProposalWaitsOnTheOtherSideAndOnceAcceptedIsTheNextMeetingWithItsLink()
    {
        var pair = await fixture.PairAsync(menteeZone: "America/New_York");
        var startsAt = new DateTimeOffset(2027, 2, 3, 20, 0, 0, TimeSpan.Zero);
        var proposed = await pair.Mentor.Client.PostAsJsonAsync(pair.Meetings,
            new { startsAt, durationMinutes = 45, mode = "Online", title = "First chat" });
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var meeting = Assert.Single((await proposed.ReadAsync<List<MeetingView>>()));

        var waiting = Assert.Single((await HomeAsync(pair.Mentee.Client)).Waiting);
        Assert.Equal(WaitingKind.AnswerMeeting, waiting.Kind);
        // In the mentee's own zone, named.
        Assert.Equal("Answer Max Mentor's meeting proposal for Wed 3 Feb 2027 at 15:00 (America/New_York).", waiting.Text);
        Assert.Equal($"/relationships/{pair.Relationship.Id}/meetings", waiting.Link);
        Assert.Empty((await HomeAsync(pair.Mentor.Client)).Waiting);

        var accepted = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/meetings/{meeting.Id}/response", new { response = "Accept" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        var home = await HomeAsync(pair.Mentee.Client);
        Assert.Empty(home.Waiting);
        // The room the organisation's meeting settings made for it.
        Assert.StartsWith("https://", meeting.VideoLink);
        Assert.Equal((meeting.Id, meeting.VideoLink), (home.NextMeeting!.MeetingId, home.NextMeeting.VideoLink));
        Assert.Equal(["Max Mentor"], home.NextMeeting.With);
        var page = await pair.Mentee.Client.GetStringAsync("/");
        Assert.Contains("Wed 3 Feb 2027 at 15:00 (America/New_York)", page);
        Assert.Contains($"href=\"{meeting.VideoLink}\"", page);
    }

    [Fact]
    public async Task TheNextMeetingIsTheFirstAcceptedOneElseTheFirstProposalWhoeverMadeIt()
    {
        var pair = await fixture.PairAsync();
        async Task<Guid> ProposeAsync(Person by, int day)
        {
            var proposed = await by.Client.PostAsJsonAsync(pair.Meetings,
                new { startsAt = new DateTimeOffset(2027, 2, day, 16, 0, 0, TimeSpan.Zero), durationMinutes = 45, mode = "Online" });
            Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
            return Assert.Single(await proposed.ReadAsync<List<MeetingView>>()).Id;
        }
        // The mentee proposes five meetings (the 3rd to the 7th), the mentor one after them (the 8th).
        var mine = new List<Guid>();
        for (var day = 3; day <= 7; day++)
        {
            mine.Add(await ProposeAsync(pair.Mentee, day));
        }
        await ProposeAsync(pair.Mentor, 8);

        // Nothing accepted: each side's next meeting is the first proposal, whoever made it.
        var mentee = await HomeAsync(pair.Mentee.Client);
        Assert.Equal((mine[0], MeetingStatus.Proposed), (Single(mentee).NextMeeting!.MeetingId, Single(mentee).NextMeeting!.Status));
        Assert.Null(mentee.NextMeeting);
        Assert.Single(mentee.Waiting, w => w.Kind == WaitingKind.AnswerMeeting && w.Text.Contains("Mon 8 Feb 2027"));
        var mentor = await HomeAsync(pair.Mentor.Client);
        Assert.Equal(mine[0], Single(mentor).NextMeeting!.MeetingId);
        Assert.Equal(5, mentor.Waiting.Count(w => w.Kind == WaitingKind.AnswerMeeting));

        // The mentor accepts the mentee's third proposal: it is both sides' next meeting, ahead of earlier proposals.
        var accepted = await pair.Mentor.Client.PostAsJsonAsync($"/api/v1/meetings/{mine[2]}/response", new { response = "Accept" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        foreach (var home in new[] { await HomeAsync(pair.Mentee.Client), await HomeAsync(pair.Mentor.Client) })
        {
            Assert.Equal((mine[2], MeetingStatus.Accepted), (Single(home).NextMeeting!.MeetingId, Single(home).NextMeeting!.Status));
            Assert.Equal(mine[2], home.NextMeeting!.MeetingId);
        }
        Assert.Equal(4, (await HomeAsync(pair.Mentor.Client)).Waiting.Count(w => w.Kind == WaitingKind.AnswerMeeting));
        Assert.Single((await HomeAsync(pair.Mentee.Client)).Waiting, w => w.Kind == WaitingKind.AnswerMeeting);
    }

    private static HomeRelationship Single(MyHome home) => Assert.Single(home.Relationships);

    [Fact]
    public async Task AHeldMeetingAsksEachMemberForACheckInUntilTheyGiveIt()
    {
        var pair = await fixture.PairAsync();
        var meetingId = await PastMeetingAsync(pair);

        foreach (var member in new[] { pair.Mentee, pair.Mentor })
        {
            var item = Assert.Single((await HomeAsync(member.Client)).Waiting);
            Assert.Equal(WaitingKind.CheckIn, item.Kind);
            Assert.Equal($"/relationships/{pair.Relationship.Id}/check-ins", item.Link);
            Assert.StartsWith("Check in about your meeting on Sun 31 Jan 2027 at 16:00 (Europe/London)", item.Text);
        }

        var checkedIn = await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Relationship.Id}/check-ins",
            new { meetingId, happened = true, topics = "Getting to know each other", rating = 5 });
        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);

        Assert.Empty((await HomeAsync(pair.Mentee.Client)).Waiting);
        Assert.Equal(WaitingKind.CheckIn, Assert.Single((await HomeAsync(pair.Mentor.Client)).Waiting).Kind);
    }

    [Fact]
    public async Task ACoordinatorSeesPerProgramWhatNeedsAttentionWithTheCountsLinkingToThePagesThatFixThem()
    {
        var pair = await fixture.PairAsync();
        var program = pair.Program.Id;
        // One more approved mentee nobody is matched with, and one application nobody has decided.
        var unmatched = await fixture.Tandem.CreateUserAsync("Una Matched");
        await Approvals.ApplyAndApproveAsync(await fixture.SignInAsync(unmatched), pair.Coordinator, program, "mentee", new Dictionary<string, object>());
        var applicant = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ann Applicant"));
        Assert.True((await applicant.PostAsJsonAsync($"/api/v1/programs/{program}/applications",
            new { role = "mentee", answers = new { }, acceptsCodeOfConduct = true, submit = true })).IsSuccessStatusCode);
        var meetingId = await PastMeetingAsync(pair);
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            (await db.Set<Relationship>().FindAsync(pair.Relationship.Id))!.FlagPoorFit(fixture.Tandem.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });

        // While recruiting, everyone is unmatched: that is not yet something to fix.
        var recruiting = Assert.Single((await ManagedAsync(pair.Coordinator)).Items);
        Assert.Equal(["applications", "at-risk", "not-logged"], recruiting.Attention.Select(a => a.Key));
        foreach (var next in new[] { "Matching", "Running" })
        {
            Assert.True((await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program}/status", new { status = next })).IsSuccessStatusCode);
        }

        var running = Assert.Single((await ManagedAsync(pair.Coordinator)).Items);
        Assert.Equal(
            [
                ("1 application to review", $"/programs/{program}/applications?status=Submitted"),
                ("1 mentee not matched yet", $"/programs/{program}/matching"),
                ("1 relationship at risk", $"/programs/{program}/health?status=AtRisk"),
                ("1 meeting nobody has checked in about", $"/programs/{program}/health"),
            ],
            running.Attention.Select(a => (a.Text, a.Link)));
        Assert.Equal($"/programs/{program}/health", running.NextStepLink);

        var page = await pair.Coordinator.GetStringAsync("/");
        Assert.Contains("Programs you run", page);
        Assert.Contains($"<a href=\"/programs/{program}/health?status=AtRisk\">1 relationship at risk</a>", page);
        Assert.Contains($"<a href=\"/programs/{program}/matching\">1 mentee not matched yet</a>", page);
        // Once a member checks in about the meeting, it no longer waits for one (the meeting is marked, ADR 50).
        Assert.Equal(HttpStatusCode.OK, (await pair.Mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{pair.Relationship.Id}/check-ins",
            new { meetingId, happened = true, topics = "Getting to know each other", rating = 5 })).StatusCode);
        Assert.DoesNotContain("not-logged", Assert.Single((await ManagedAsync(pair.Coordinator)).Items).Attention.Select(a => a.Key));
        // A paused pair still holds its people; once it ends they are waiting for a match again.
        foreach (var (status, expected) in new[] { ("Paused", "1 mentee not matched yet"), ("EndedEarly", "1 mentor, 2 mentees not matched yet") })
        {
            Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Relationship.Id}/status",
                new { status, reason = "Moved school" })).StatusCode);
            Assert.Equal(expected, Assert.Single(Assert.Single((await ManagedAsync(pair.Coordinator)).Items).Attention, a => a.Key == "unmatched").Text);
        }
        // Another school's coordinator sees nothing of it.
        var other = await School.CreateAsync(fixture.Tandem);
        Assert.Equal(0, (await ManagedAsync(await fixture.SignInAsync(other.Coordinator))).TotalCount);
    }

    [Fact]
    public async Task SomeoneInNoProgramYetIsToldHowToJoinOne()
    {
        var newcomer = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Nia Newcomer"));

        var home = await HomeAsync(newcomer);
        Assert.Equal("Nia Newcomer", home.DisplayName);
        Assert.Empty(home.Relationships);
        Assert.False(home.ManagesPrograms);
        var page = await newcomer.GetStringAsync("/");
        Assert.Contains("Hello, Nia Newcomer", page);
        Assert.Contains("You are not in a program yet.", page);
    }

    [Fact]
    public async Task TheHomeApiNeedsASignIn()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync("/api/v1/me/home")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync("/api/v1/me/managed-programs")).StatusCode);
        Assert.Contains("Peer mentorship that runs itself", await fixture.Anonymous().GetStringAsync("/"));
    }

    /// <summary>An accepted meeting of the pair that started yesterday at 16:00 UTC (made directly: scheduling in the past is refused).</summary>
    private Task<Guid> PastMeetingAsync(Pair pair) => fixture.Tandem.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var now = fixture.Tandem.Clock.GetUtcNow().UtcDateTime;
        var meeting = new Meeting(pair.Relationship.Id, pair.Program.Id, pair.Mentee.User.Id, new DateTime(2027, 1, 31, 16, 0, 0, DateTimeKind.Utc), 60,
            MeetingMode.InPerson, "Library", null, null, null, now);
        Assert.True(meeting.Accept(pair.Mentor.User.Id, now));
        db.Add(meeting);
        await db.SaveChangesAsync();
        return meeting.Id;
    });
}
