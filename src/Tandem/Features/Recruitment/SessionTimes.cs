
namespace Tandem.Features.Recruitment;

internal static class SessionTimes
{
    public static DateTime Local(DateTime utc, string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), tz) : utc;

    /// <summary>A wall-clock time in a zone as UTC (for forms that ask for local date and time).</summary>
    public static DateTime? ToUtc(DateTime local, string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) && !tz.IsInvalidTime(local)
            ? TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), tz)
            : null;
}
