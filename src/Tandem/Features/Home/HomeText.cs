using System.Globalization;
using Tandem.Features.Meetings;

namespace Tandem.Features.Home;

/// <summary>The home pages' words: times in the reader's zone with the zone named, and counts that agree in number.</summary>
public static class HomeText
{
    /// <summary>"Tue 2 Feb 2027 at 14:00 (Europe/London)".</summary>
    public static string When(DateTime utc, string timeZoneId) =>
        $"{Zones.ToLocal(utc, timeZoneId).ToString("ddd d MMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture)} ({Zones.Find(timeZoneId).Id})";

    /// <summary>"1 mentee", "3 mentees".</summary>
    public static string Count(int count, string one, string? many = null) => $"{count} {(count == 1 ? one : many ?? one + "s")}";
}
