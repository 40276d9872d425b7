using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Engagement;

/// <summary>Each test moves the clock, so each has an app with a clock of its own on the class's database.</summary>
public sealed class ReminderTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    /// <summary>E-mails queued for the address so far (sent or not); the job sends before it returns, so nothing is still on its way.</summary>
    private async Task<int> OutboxCountAsync(string email) => (await fixture.OutboxForAsync(email)).Count;

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    /// <summary>One run of the reminder job in its own scope, as one app node would run it.</summary>
    private Task<ReminderRun> RunJobAsync() => fixture.WithScopeAsync(s => s.GetRequiredService<SendReminders>().RunAsync());

    private static int Count(IEnumerable<MimeKit.MimeMessage> messages, string subjectStart) => messages.Count(m => (m.Subject ?? "").StartsWith(subjectStart, StringComparison.Ordinal));

    [Fact]
    public async Task TheReminderJobRunTwiceConcurrentlySendsEachReminderOnce()
    {
        var pair = await fixture.PairAsync();
        await pair.MeetingAsync(Now.AddHours(20));              // reminder before the meeting
        await pair.MeetingAsync(Now.AddHours(-4), minutes: 60);  // check-in reminder after it

        var runs = await Task.WhenAll(RunJobAsync(), RunJobAsync());

        Assert.True(runs.Sum(r => r.Sent) >= 4, $"sent {runs[0].Sent} + {runs[1].Sent}");
        foreach (var person in new[] { pair.Mentor, pair.Mentee })
        {
            var received = await fixture.Smtp.ForAsync(person.Email, expected: 2);
            Assert.Equal(1, Count(received, "Meeting on "));
            Assert.Equal(1, Count(received, "How did your meeting go?"));
        }
        // Later runs find them sent.
        await RunJobAsync();
        await Task.WhenAll(RunJobAsync(), RunJobAsync());
        Assert.Equal(2, await OutboxCountAsync(pair.Mentor.Email));
        Assert.Equal(2, await OutboxCountAsync(pair.Mentee.Email));
        Assert.Equal(2, fixture.Smtp.CountFor(pair.Mentor.Email));
        Assert.Equal(2, fixture.Smtp.CountFor(pair.Mentee.Email));
        Assert.Contains("Library", (await fixture.Smtp.ForAsync(pair.Mentee.Email, 2)).Single(m => (m.Subject ?? "").StartsWith("Meeting on ")).TextBody);
    }

    [Fact]
    public async Task APausedRelationshipsMeetingsAreNeitherRemindedNorMovedButCanBeCancelled()
    {
        var pair = await fixture.PairAsync();
        var soon = await pair.MeetingAsync(Now.AddHours(20));
        await pair.MeetingAsync(Now.AddHours(-4), minutes: 60);
        // Paused, as a guardian's withdrawn consent pauses it: nobody is contacted through the relationship.
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Paused" })).StatusCode);

        var (mentorBefore, menteeBefore) = (await OutboxCountAsync(pair.Mentor.Email), await OutboxCountAsync(pair.Mentee.Email)); // the pause's own notice

        await RunJobAsync();

        Assert.Equal(mentorBefore, await OutboxCountAsync(pair.Mentor.Email));
        Assert.Equal(menteeBefore, await OutboxCountAsync(pair.Mentee.Email));
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var moved = await mentor.PostAsJsonAsync($"/api/v1/meetings/{soon}/move", new { startsAt = Now.AddDays(3) });
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.Contains("paused", await moved.Content.ReadAsStringAsync());
        Assert.Equal(menteeBefore, await OutboxCountAsync(pair.Mentee.Email));
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync($"/api/v1/meetings/{soon}/cancel", new { })).StatusCode);
    }

    [Fact]
    public async Task AMemberWhoCheckedInIsNotAskedForTheirCheckIn()
    {
        var pair = await fixture.PairAsync();
        var meeting = await pair.MeetingAsync(Now.AddHours(-5));
        var mentor = await fixture.SignInAsync(pair.Mentor);
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins",
            new { meetingId = meeting, happened = true, topics = "Books", rating = 4 })).StatusCode);

        await RunJobAsync();

        Assert.Single(await fixture.Smtp.ForAsync(pair.Mentee.Email), m => m.Subject == "How did your meeting go?");
        Assert.Equal(0, await OutboxCountAsync(pair.Mentor.Email));
    }

    [Fact]
    public async Task AClaimWhoseSenderDiedIsSentAfterTheLeaseAndASentOneIsNeverRepeated()
    {
        var pair = await fixture.PairAsync();
        var meeting = await pair.MeetingAsync(Now.AddHours(-5));
        // A node claimed the mentee's check-in reminder and died before sending; another already sent the mentor's.
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new ReminderDispatch($"check-in:{meeting}:{pair.Mentee.Id}", pair.Mentee.Id, "dead-node", Now.AddMinutes(-2)));
            db.Add(new ReminderDispatch($"check-in:{meeting}:{pair.Mentor.Id}", pair.Mentor.Id, "other-node", Now.AddMinutes(-30)));
            await db.SaveChangesAsync();
            await db.Set<ReminderDispatch>().Where(d => d.UserId == pair.Mentor.Id).ExecuteUpdateAsync(u => u.SetProperty(d => d.SentAt, Now.AddMinutes(-29)));
            return 0;
        });

        await RunJobAsync(); // the lease (10 minutes) has not run out
        Assert.Equal(0, await OutboxCountAsync(pair.Mentee.Email));

        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        await Task.WhenAll(RunJobAsync(), RunJobAsync());

        Assert.Single(await fixture.Smtp.ForAsync(pair.Mentee.Email), m => m.Subject == "How did your meeting go?");
        Assert.Equal(1, await OutboxCountAsync(pair.Mentee.Email));
        Assert.Equal(0, await OutboxCountAsync(pair.Mentor.Email));
    }

    [Fact]
    public async Task APairThatStopsMeetingIsNudgedFirstAndItsCoordinatorWhenItTurnsAtRisk()
    {
        var pair = await fixture.PairAsync("Fortnightly");

        fixture.Clock.Advance(TimeSpan.FromDays(22)); // fortnightly: drifting after 21 days
        await Task.WhenAll(RunJobAsync(), RunJobAsync());
        Assert.Single(await fixture.Smtp.ForAsync(pair.Mentee.Email), m => m.Subject == "Time to meet again");
        Assert.Single(await fixture.Smtp.ForAsync(pair.Mentor.Email), m => m.Subject == "Time to meet again");
        Assert.Equal(0, await OutboxCountAsync(pair.School.Coordinator.Email));

        fixture.Clock.Advance(TimeSpan.FromDays(21)); // 43 days > 42: at risk
        await Task.WhenAll(RunJobAsync(), RunJobAsync());
        var toCoordinator = Assert.Single(await fixture.Smtp.ForAsync(pair.School.Coordinator.Email));
        Assert.Equal("At risk: Mona Tor and Menna Tee", toCoordinator.Subject);
        Assert.Contains($"https://tandem.test/programs/{pair.ProgramId}/health", toCoordinator.TextBody);
        Assert.Equal(1, await OutboxCountAsync(pair.Mentee.Email)); // the pair was nudged once for this episode
    }
}
