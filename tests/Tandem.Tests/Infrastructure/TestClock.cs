namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Where every test app's fake clock starts: a fixed Monday morning, so no test depends on today's date (a program
/// "starting on 2027-01-10" is running, a meeting in May 2027 is ahead, whenever the suite runs). A test moves time
/// with the clock's Advance; one that does gets a clock of its own. The browser tests do not use it: they run on the
/// real clock (ClockedTandemServer starts a fake one at the real time), see README, "Set up".
/// </summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2027, 2, 1, 9, 0, 0, TimeSpan.Zero);
}
