using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Engagement;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;

namespace Tandem.Tests.Engagement;

/// <summary>
/// Reminders, a coordinator's "schedule your next meeting" and message reach nobody the program may not contact (ADR 48)
/// and nobody whose account is disabled, and nobody is nudged about a disabled (or erased) partner.
/// </summary>
public sealed class ReminderContactTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private Task<ReminderRun> RunJobAsync() => fixture.WithScopeAsync(s => s.GetRequiredService<SendReminders>().RunAsync());

    private Task<(int Notices, int Emails)> ReachedAsync(Tandem.Features.Accounts.UserSummary person) =>
        ConsentStates.ReachedAsync(fixture.App.Services, person.Id, person.Email);

    private Task<List<string>> TitlesAsync(Guid userId) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().Where(n => n.UserId == userId).Select(n => n.Title).ToListAsync());

    private Task<int> ClaimsAsync(Guid userId) => fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ReminderDispatch>().CountAsync(d => d.UserId == userId));

    /// <summary>The account disabled and its name erased, as an erasure leaves it.</summary>
    private Task DisableAsync(Guid userId) => fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == userId)
        .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true).SetProperty(x => x.DisplayName, "Erased person")));

    [Fact]
    public async Task AMemberWhoseConsentIsAskedForAgainGetsNoMeetingCheckInOrMeetAgainReminderAndNoneIsClaimedForThem()
    {
        var pair = await fixture.PairAsync("Fortnightly");
        await ConsentStates.HoldBackAsync(fixture.App.Services, pair.Mentee.Id, pair.ProgramId, ConsentState.RenewalNeeded);
        var before = await ReachedAsync(pair.Mentee);
        await pair.MeetingAsync(Now.AddHours(20));
        await pair.MeetingAsync(Now.AddHours(-4), minutes: 60);

        await RunJobAsync();

        Assert.Equal(before, await ReachedAsync(pair.Mentee));
        Assert.Equal(0, await ClaimsAsync(pair.Mentee.Id));
        var mentor = await TitlesAsync(pair.Mentor.Id);
        Assert.Contains(mentor, t => t.StartsWith("Meeting on ", StringComparison.Ordinal));
        Assert.Contains("How did your meeting go?", mentor);

        // Drifting (ADR 96): neither is nudged (the partner would propose to someone who hears nothing of it); at risk, the
        // coordinator is told, and why nobody was reminded.
        fixture.Clock.Advance(TimeSpan.FromDays(30));
        await RunJobAsync();
        Assert.DoesNotContain("Time to meet again", await TitlesAsync(pair.Mentor.Id));
        Assert.Equal(before, await ReachedAsync(pair.Mentee));
        Assert.Equal(0, await ClaimsAsync(pair.Mentee.Id));

        fixture.Clock.Advance(TimeSpan.FromDays(15)); // fortnightly: at risk after 42 days
        await RunJobAsync();
        Assert.DoesNotContain("Time to meet again", await TitlesAsync(pair.Mentor.Id));
        var told = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .Where(n => n.UserId == pair.School.Coordinator.Id && n.Title.StartsWith("At risk")).Select(n => n.Body).ToListAsync());
        var body = Assert.Single(told);
        Assert.Contains("cannot be contacted by the program until a consent it needs is given, so nobody was reminded.", body);
        Assert.Equal(before, await ReachedAsync(pair.Mentee));

        // Consent given again: the next drift nudges both.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Consent>().Where(c => c.UserId == pair.Mentee.Id)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.State, ConsentState.Given)));
        await RunJobAsync();
        Assert.Contains("Time to meet again", await TitlesAsync(pair.Mentor.Id));
        Assert.Contains("Time to meet again", await TitlesAsync(pair.Mentee.Id));
    }

    [Fact]
    public async Task ADisabledMemberIsNotRemindedAndNobodyIsNudgedAboutAPairWithAnErasedPartner()
    {
        var pair = await fixture.PairAsync("Fortnightly");
        await pair.MeetingAsync(Now.AddHours(20));
        await DisableAsync(pair.Mentee.Id);

        await RunJobAsync();
        Assert.DoesNotContain(await TitlesAsync(pair.Mentee.Id), t => t.StartsWith("Meeting on ", StringComparison.Ordinal));
        Assert.Contains(await TitlesAsync(pair.Mentor.Id), t => t.StartsWith("Meeting on ", StringComparison.Ordinal));

        fixture.Clock.Advance(TimeSpan.FromDays(45)); // fortnightly: at risk after 42 days
        await RunJobAsync();

        Assert.DoesNotContain("Time to meet again", await TitlesAsync(pair.Mentor.Id));
        Assert.DoesNotContain("Time to meet again", await TitlesAsync(pair.Mentee.Id));
        Assert.DoesNotContain(await TitlesAsync(pair.School.Coordinator.Id), t => t.StartsWith("At risk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AskingAPairWithAHeldBackOrDisabledMemberToScheduleAsksNobodyAndTheCoordinatorIsToldWhy()
    {
        var pair = await fixture.PairAsync();
        var second = await pair.SecondPairAsync();
        await ConsentStates.HoldBackAsync(fixture.App.Services, pair.Mentee.Id, pair.ProgramId, ConsentState.RenewalNeeded);
        var before = await ReachedAsync(pair.Mentee);

        // As for the reminders (ADR 96, ADR 112): the mentor is not asked to propose a time to someone who hears nothing of it.
        var asked = await pair.Coordinator.PostAsync($"/api/v1/relationships/{pair.RelationshipId}/schedule-request", Json.Empty());

        Assert.Equal(HttpStatusCode.Conflict, asked.StatusCode);
        Assert.Contains("cannot be contacted by the program until a consent it needs is given, so nobody was asked.", await asked.Content.ReadAsStringAsync());
        Assert.Equal(before, await ReachedAsync(pair.Mentee));
        Assert.DoesNotContain("Time to schedule your next meeting", await TitlesAsync(pair.Mentor.Id));
        // The page says so too, and names nobody as asked.
        var page = await (await fixture.SignInPagesAsync(pair.School.Coordinator)).SubmitAsync($"/programs/{pair.ProgramId}/health", "schedule",
            [new("ScheduleFor", pair.RelationshipId.ToString())]);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains("so nobody was asked.", html);
        Assert.DoesNotContain("Asked ", html);
        Assert.DoesNotContain("Time to schedule your next meeting", await TitlesAsync(pair.Mentor.Id));

        // The second pair's mentor is disabled: the mentee is not asked to meet nobody.
        var members = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Relationships.RelationshipMember>()
            .Where(m => m.RelationshipId == second).Select(m => m.UserId).ToListAsync());
        var secondMentor = members.Single(id => id != pair.OtherMentee.Id);
        await DisableAsync(secondMentor);
        var again = await pair.Coordinator.PostAsync($"/api/v1/relationships/{second}/schedule-request", Json.Empty());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Fewer than two members can be reached", await again.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Time to schedule your next meeting", await TitlesAsync(secondMentor));
        Assert.DoesNotContain("Time to schedule your next meeting", await TitlesAsync(pair.OtherMentee.Id));
    }

    [Fact]
    public async Task MessagingAPausedPairIsAConflictAndAHeldBackMemberIsNotWrittenTo()
    {
        var pair = await fixture.PairAsync();
        await ConsentStates.HoldBackAsync(fixture.App.Services, pair.Mentee.Id, pair.ProgramId, ConsentState.RenewalNeeded);
        var before = await ReachedAsync(pair.Mentee);
        var messages = $"/api/v1/relationships/{pair.RelationshipId}/messages";

        var sent = await (await pair.Coordinator.PostAsJsonAsync(messages, new { title = "Half term", body = "No meetings next week." })).ReadAsync<MessagePairResult>();

        Assert.Equal(1, sent.Notified);
        Assert.Equal(before, await ReachedAsync(pair.Mentee));
        Assert.Contains("Half term", await TitlesAsync(pair.Mentor.Id));

        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Paused" })).StatusCode);
        var mentorBefore = await ReachedAsync(pair.Mentor);
        var paused = await pair.Coordinator.PostAsJsonAsync(messages, new { title = "Still there?", body = "Write back." });
        Assert.Equal(HttpStatusCode.Conflict, paused.StatusCode);
        Assert.Contains("paused", await paused.Content.ReadAsStringAsync());
        Assert.Equal(mentorBefore, await ReachedAsync(pair.Mentor));
    }
}
