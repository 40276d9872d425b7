using System.Globalization;
using Tandem.Features.Meetings;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Home;

/// <summary>The home pages' times: in the reader's zone with the zone named, in a sentence (counts use <c>Counted.Of</c>).</summary>
public static class HomeText
{
    /// <summary>"Tue 2 Feb 2027 at 14:00 (Europe/London)".</summary>
    public static string When(DateTime utc, string timeZoneId) =>
        $"{Zones.ToLocal(utc, timeZoneId).ToString("ddd d MMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture)} ({Zones.Find(timeZoneId).Id})";
}
