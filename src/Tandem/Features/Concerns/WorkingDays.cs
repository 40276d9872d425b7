namespace Tandem.Features.Concerns;

/// <summary>
/// Working days are Monday to Friday (ADR 23). Programs and organisations have no time zone of their own yet, so
/// the days are counted in UTC; public holidays are not known and count as working days.
/// </summary>
public static class WorkingDays
{
    /// <summary>The moment <paramref name="days"/> working days after <paramref name="start"/>: a report on Friday afternoon is due on Tuesday afternoon, one at the weekend on Wednesday at midnight.</summary>
    public static DateTime Add(DateTime start, int days)
    {
        var at = start;
        if (IsWeekend(at))
        {
            at = at.Date;
            while (IsWeekend(at))
            {
                at = at.AddDays(1);
            }
        }
        for (var i = 0; i < days; i++)
        {
            at = at.AddDays(1);
            while (IsWeekend(at))
            {
                at = at.AddDays(1);
            }
        }
        return DateTime.SpecifyKind(at, DateTimeKind.Utc);
    }

    private static bool IsWeekend(DateTime day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
