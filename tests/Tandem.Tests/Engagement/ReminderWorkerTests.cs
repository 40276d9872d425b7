using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Engagement;

namespace Tandem.Tests.Engagement;

/// <summary>Tests here move the clock, so each has an app with a clock of its own on the class's database.</summary>
public sealed class ReminderWorkerTests(RunningRemindersFixture shared) : IClassFixture<RunningRemindersFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task TheReminderWorkerSendsDueRemindersWhenItsClockTicks()
    {
        var pair = await fixture.PairAsync();
        await pair.MeetingAsync(fixture.Clock.GetUtcNow().UtcDateTime.AddHours(-4));
        Assert.Equal(0, fixture.Smtp.CountFor(pair.Mentee.Email));

        // The worker waits on the injected TimeProvider: moving the clock past its interval runs a tick.
        IReadOnlyList<MimeKit.MimeMessage> received = [];
        for (var attempt = 0; attempt < 10 && received.Count == 0; attempt++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            received = await fixture.Smtp.ForAsync(pair.Mentee.Email, timeout: TimeSpan.FromSeconds(2));
        }

        Assert.Equal("How did your meeting go?", Assert.Single(received).Subject);
        // A minute later the reminder is taken: a run of the job (beside the worker's own tick) sends nothing more.
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await fixture.WithScopeAsync(s => s.GetRequiredService<SendReminders>().RunAsync())).Sent);
        Assert.Single(await fixture.OutboxForAsync(pair.Mentee.Email));
        Assert.Equal(1, fixture.Smtp.CountFor(pair.Mentee.Email));
    }
}
