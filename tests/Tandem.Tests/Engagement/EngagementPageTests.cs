using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Engagement;

/// <summary>Tests here move the clock, so each has an app with a clock of its own on the class's database.</summary>
public sealed class EngagementPageTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task BothMembersRecordTheirCheckInOnThePageAndTheCoordinatorReadsIt()
    {
        var pair = await fixture.PairAsync();
        var meeting = await pair.MeetingAsync(Now.AddHours(-2));
        var path = $"/relationships/{pair.RelationshipId}/check-ins";

        foreach (var (member, topics) in new[] { (pair.Mentor, "Chose the next book"), (pair.Mentee, "Talked about the exam") })
        {
            var pages = await fixture.SignInPagesAsync(member);
            var saved = await pages.SubmitAsync(path, "check-in", [
                new("Input.Meeting", meeting.ToString()), new("Input.Happened", "true"), new("Input.Topics", topics),
                new("Input.Progress", "Read 40 pages"), new("Input.NextSteps", "Chapter 4"), new("Input.Rating", "5")]);
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            var html = await saved.Content.ReadAsStringAsync();
            Assert.Contains("Check-in saved.", html);
            Assert.Contains(topics, html);
        }

        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var seen = await coordinator.Http.GetStringAsync(path);
        Assert.Contains("Chose the next book", seen);
        Assert.Contains("Talked about the exam", seen);
        Assert.Contains("Meetings held: 1 (none due yet)", seen);
        Assert.DoesNotContain("Record a check-in", seen);

        var outsider = await fixture.SignInPagesAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync(path)).StatusCode);
        var otherMentee = await fixture.SignInPagesAsync(pair.OtherMentee);
        Assert.Equal(HttpStatusCode.NotFound, (await otherMentee.Http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task AMeetingAlreadyCheckedInOpensWithWhatWasRecordedSoACorrectionKeepsIt()
    {
        var pair = await fixture.PairAsync();
        var meeting = await pair.MeetingAsync(Now.AddHours(-2));
        var path = $"/relationships/{pair.RelationshipId}/check-ins";
        var mentor = await fixture.SignInPagesAsync(pair.Mentor);
        (await mentor.SubmitAsync(path, "check-in", [
            new("Input.Meeting", meeting.ToString()), new("Input.Happened", "true"), new("Input.Topics", "Chose the next book"),
            new("Input.Progress", "Read forty pages"), new("Input.Challenges", "Finding quiet time"), new("Input.Rating", "4")])).EnsureSuccessStatusCode();
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        (await mentee.SubmitAsync(path, "check-in", [
            new("Input.Meeting", meeting.ToString()), new("Input.Happened", "true"), new("Input.Topics", "The mentee's own words")])).EnsureSuccessStatusCode();

        // Every recent meeting is checked in, so the form opens on the latest one, with what the mentor wrote.
        var html = System.Net.WebUtility.HtmlDecode(await mentor.Http.GetStringAsync(path));
        var form = html[html.IndexOf("Record a check-in", StringComparison.Ordinal)..html.IndexOf("Check-ins so far", StringComparison.Ordinal)];
        Assert.Contains(">Read forty pages</textarea>", form);
        Assert.Contains(">Finding quiet time</textarea>", form);
        Assert.Contains(">Chose the next book</textarea>", form);
        Assert.DoesNotContain("The mentee's own words", form);
        // A link by the mentor's own check-in (not by the mentee's) opens it to correct.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, $"check-ins\\?meeting={meeting}\""));
        var byLink = System.Net.WebUtility.HtmlDecode(await mentor.Http.GetStringAsync($"{path}?meeting={meeting}"));
        Assert.Contains(">Finding quiet time</textarea>", byLink);

        // Saving the opened form with one field changed keeps the others.
        var corrected = await mentor.SubmitAsync(path, "check-in", [
            new("Input.Meeting", meeting.ToString()), new("Input.Happened", "true"), new("Input.Topics", "Chose the next book"),
            new("Input.Progress", "Read sixty pages"), new("Input.Challenges", "Finding quiet time"), new("Input.Rating", "4")]);
        Assert.Contains("Check-in saved.", await corrected.Content.ReadAsStringAsync());
        var saved = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<CheckIn>()
            .SingleAsync(c => c.MeetingId == meeting && c.AuthorUserId == pair.Mentor.Id));
        Assert.Equal(("Read sixty pages", "Finding quiet time", (int?)4), (saved.Progress, saved.Challenges, saved.Rating));
    }

    [Fact]
    public async Task TheCheckInPageShowsMeetingsAndTakesContactTimesOnTheReadersOwnClock()
    {
        var pair = await fixture.PairAsync();
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            (await db.Users.FindAsync(pair.Mentor.Id))!.TimeZoneId = "America/New_York";
            return await db.SaveChangesAsync();
        });
        // The fixture's clock is in February: New York is UTC-5.
        var startsAt = Now.AddHours(-2);
        await pair.MeetingAsync(startsAt);
        var path = $"/relationships/{pair.RelationshipId}/check-ins";
        var mentor = await fixture.SignInPagesAsync(pair.Mentor);
        var html = await mentor.Http.GetStringAsync(path);
        Assert.Contains($"{startsAt.AddHours(-5).ToString("ddd d MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture)} (America/New_York)", html);
        Assert.Contains("your zone, America/New_York", html);

        var saved = await mentor.SubmitAsync(path, "check-in", [
            new("Input.Meeting", "unscheduled"), new("Input.Happened", "true"), new("Input.Topics", "A call about the reading list"),
            new("Input.OccurredAt", "2027-01-31T19:30")]);
        Assert.Contains("Check-in saved.", await saved.Content.ReadAsStringAsync());
        var contact = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<CheckIn>()
            .SingleAsync(c => c.RelationshipId == pair.RelationshipId && c.MeetingId == null));
        Assert.Equal(new DateTime(2027, 2, 1, 0, 30, 0), contact.OccurredAt);
    }

    [Fact]
    public async Task AMeetingChoiceThePageCannotReadIsRefusedNotKeptAsAnUnscheduledContact()
    {
        var pair = await fixture.PairAsync();
        await pair.MeetingAsync(Now.AddHours(-2));
        var path = $"/relationships/{pair.RelationshipId}/check-ins";
        var mentor = await fixture.SignInPagesAsync(pair.Mentor);

        var refused = await mentor.SubmitAsync(path, "check-in", [
            new("Input.Meeting", "not-a-meeting"), new("Input.Happened", "true"), new("Input.Topics", "Which meeting was this?"),
            new("Input.OccurredAt", Now.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture))]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose one of the meetings listed, or an unscheduled contact.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<CheckIn>().CountAsync(c => c.RelationshipId == pair.RelationshipId)));
    }

    [Fact]
    public async Task TheCoordinatorSeesAtRiskPairsFirstAndMessagesOne()
    {
        var pair = await fixture.PairAsync();
        var second = await pair.SecondPairAsync();
        fixture.Clock.Advance(TimeSpan.FromDays(25));
        var meeting = await pair.MeetingAsync(Now.AddHours(-3));
        var mentor = await fixture.SignInPagesAsync(pair.Mentor);
        var saved = await mentor.SubmitAsync($"/relationships/{pair.RelationshipId}/check-ins", "check-in", [
            new("Input.Meeting", meeting.ToString()), new("Input.Happened", "true"), new("Input.Topics", "Back on track"), new("Input.Rating", "4")]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/programs/{pair.ProgramId}/health";
        Assert.Contains($"href=\"{path}\"", await coordinator.Http.GetStringAsync($"/programs/{pair.ProgramId}"));
        var html = await coordinator.Http.GetStringAsync(path);
        Assert.Contains("1 at risk", html);
        Assert.True(html.IndexOf("Max Second", StringComparison.Ordinal) < html.IndexOf("Mona Tor", StringComparison.Ordinal), "the at-risk pair comes first");
        Assert.Contains($"/relationships/{second}/meetings", html);

        var sent = await coordinator.SubmitAsync($"{path}?message={second}", "message", [
            new("Message.RelationshipId", second.ToString()), new("Message.Title", "Shall we talk?"), new("Message.Body", "You have not met for a while.")]);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Message sent to 2 people.", await sent.Content.ReadAsStringAsync());
        Assert.Single(await fixture.Smtp.ForAsync(pair.OtherMentee.Email), m => m.Subject == "Shall we talk?");

        // "Ask to schedule" nudges the at-risk pair to propose a meeting (they gave no free hours, so no times are suggested).
        var asked = await coordinator.SubmitAsync(path, "schedule", [new("ScheduleFor", second.ToString())]);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("Asked Max Second and Pat Other to schedule (they have no shared free times on their applications).", await asked.Content.ReadAsStringAsync());
        Assert.Single(await fixture.Smtp.ForAsync(pair.OtherMentee.Email), m => m.Subject == "Time to schedule your next meeting");

        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Http.GetAsync(path)).StatusCode);
        var outsider = await fixture.SignInPagesAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync(path)).StatusCode);
    }
}
