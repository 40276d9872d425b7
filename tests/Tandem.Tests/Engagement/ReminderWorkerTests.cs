namespace Tandem.Tests.Engagement;

public sealed class ReminderWorkerTests(RunningRemindersFixture fixture) : IClassFixture<RunningRemindersFixture>
{
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
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(1500);
        Assert.Equal(1, fixture.Smtp.CountFor(pair.Mentee.Email));
    }
}
