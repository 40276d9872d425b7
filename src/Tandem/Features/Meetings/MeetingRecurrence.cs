using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Meetings;

/// <summary>
/// Expands a series with Ical.Net: the rule runs on the organiser's local wall clock (a DTSTART with TZID),
/// so 18:00 in Europe/London stays 18:00 there after the clocks change, and each occurrence is then
/// converted to its own UTC instant, which every other zone reads correctly.
/// </summary>
public static class MeetingRecurrence
{
    public const int MaxOccurrences = 52;

    public static string Rule(Cadence cadence, int count, DateTime? localStart = null) => cadence switch
    {
        Cadence.Weekly => $"FREQ=WEEKLY;COUNT={count}",
        Cadence.Fortnightly => $"FREQ=WEEKLY;INTERVAL=2;COUNT={count}",
        // "The second Tuesday of every month" rather than "the 31st", which most months do not have.
        Cadence.Monthly => $"FREQ=MONTHLY;BYDAY={MonthlyWeekday(localStart)};COUNT={count}",
        _ => throw new ArgumentOutOfRangeException(nameof(cadence)),
    };

    /// <summary>The UTC starts of every occurrence, in order.</summary>
    public static IReadOnlyList<DateTime> Occurrences(DateTime localStart, string timeZoneId, Cadence cadence, int count)
    {
        var zone = Zones.Find(timeZoneId);
        var start = new CalDateTime(DateTime.SpecifyKind(localStart, DateTimeKind.Unspecified), zone.Id);
        var evt = new CalendarEvent { Start = start, Duration = Duration.FromMinutes(30) };
        evt.RecurrenceRule = new RecurrencePattern(Rule(cadence, count, localStart));
        return evt.GetOccurrences()
            .Take(count)
            .Select(o => DateTime.SpecifyKind(o.Period.StartTime.AsUtc, DateTimeKind.Utc))
            .ToList();
    }

    private static string MonthlyWeekday(DateTime? localStart)
    {
        var day = localStart ?? DateTime.UnixEpoch;
        var nth = (day.Day - 1) / 7 + 1;
        var code = day.DayOfWeek.ToString()[..2].ToUpperInvariant();
        return nth >= 5 ? $"-1{code}" : $"{nth}{code}";
    }
}
