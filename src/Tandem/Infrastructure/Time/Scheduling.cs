namespace Tandem.Infrastructure.Time;

/// <summary>
/// How far ahead a meeting, an event or an information session may start: five years, as a goal's dates. A start at the
/// end of the calendar (9999-12-31) would overflow its end time, and nothing a program plans is that far off.
/// </summary>
public static class Scheduling
{
    public const int YearsAhead = 5;

    public static bool TooFarAhead(DateTime startUtc, DateTime nowUtc) => startUtc > nowUtc.AddYears(YearsAhead);

    public static string TooFarAheadMessage(string what) => $"{what} starts within {YearsAhead} years.";
}
