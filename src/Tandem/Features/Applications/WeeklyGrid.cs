namespace Tandem.Features.Applications;

/// <summary>
/// The availability grid: 168 hour slots, Monday 00:00 = 0 … Sunday 23:00 = 167. Stored in UTC; shown and
/// answered in the participant's time zone, shifted by the zone's offset in the current week (whole hours;
/// a half-hour zone is rounded down). A slot that crosses Sunday/Monday wraps around the week.
/// </summary>
public static class WeeklyGrid
{
    public static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    public static int OffsetHours(string timeZoneId, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var z) ? z : TimeZoneInfo.Utc;
        return (int)Math.Floor(zone.GetUtcOffset(now).TotalHours);
    }

    public static int ToUtc(int localSlot, int offsetHours) => Wrap(localSlot - offsetHours);

    public static int ToLocal(int utcSlot, int offsetHours) => Wrap(utcSlot + offsetHours);

    private static int Wrap(int slot) => ((slot % AnswerSheet.SlotsPerWeek) + AnswerSheet.SlotsPerWeek) % AnswerSheet.SlotsPerWeek;
}
