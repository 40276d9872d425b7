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

    /// <summary>The days "copy Monday to weekdays" and "copy Monday to all days" fill: Tuesday to Friday, Tuesday to Sunday.</summary>
    public static readonly int[] Weekdays = [1, 2, 3, 4], AllOtherDays = [1, 2, 3, 4, 5, 6];

    /// <summary>
    /// One day's free hours (local slots) as time ranges, each from its first hour to the hour after its last: hours
    /// 9, 10, 11 and 14 are 09:00–12:00 and 14:00–15:00. 24 is the day's midnight end.
    /// </summary>
    public static IReadOnlyList<(int From, int To)> Ranges(IEnumerable<int> localSlots, int day)
    {
        var hours = localSlots.Where(s => s / 24 == day).Select(s => s % 24).Distinct().Order().ToList();
        var ranges = new List<(int From, int To)>();
        foreach (var h in hours)
        {
            if (ranges.Count > 0 && ranges[^1].To == h)
            {
                ranges[^1] = (ranges[^1].From, h + 1);
            }
            else
            {
                ranges.Add((h, h + 1));
            }
        }
        return ranges;
    }

    /// <summary>The local slots of a range on a day: from its hour up to, not including, its end (24 ends the day).</summary>
    public static IEnumerable<int> Slots(int day, int from, int to) =>
        from is >= 0 and < 24 && to > from && to <= 24 ? Enumerable.Range(from, to - from).Select(h => day * 24 + h) : [];

    /// <summary>The slots with Monday's hours copied onto the given days (their own hours replaced).</summary>
    public static HashSet<int> CopyMonday(IEnumerable<int> localSlots, IEnumerable<int> toDays)
    {
        var slots = localSlots.ToHashSet();
        var monday = slots.Where(s => s < 24).ToList();
        foreach (var day in toDays)
        {
            slots.RemoveWhere(s => s / 24 == day);
            slots.UnionWith(monday.Select(h => day * 24 + h));
        }
        return slots;
    }

    /// <summary>A day's ranges in words: "Mon 09:00–12:00, 14:00–15:00".</summary>
    public static string Describe(IEnumerable<int> localSlots)
    {
        var slots = localSlots.ToList();
        return string.Join("; ", Enumerable.Range(0, 7)
            .Select(d => (Day: d, Ranges: Ranges(slots, d)))
            .Where(x => x.Ranges.Count > 0)
            .Select(x => $"{Days[x.Day][..3]} {string.Join(", ", x.Ranges.Select(r => $"{r.From:00}:00–{r.To:00}:00"))}"));
    }
}
