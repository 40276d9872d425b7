namespace Tandem.Infrastructure.Time;

/// <summary>IANA zones by id; an unknown or empty id is UTC. Every feature that shows or reads a time on the reader's clock uses these (ADR 32).</summary>
public static class Zones
{
    public static TimeZoneInfo Find(string? timeZoneId) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) ? zone : TimeZoneInfo.Utc;

    public static DateTime ToLocal(DateTime utc, string? timeZoneId) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Find(timeZoneId));

    /// <summary>A wall-clock time in a zone to UTC; a time skipped by a DST jump moves forward by the gap.</summary>
    public static DateTime ToUtc(DateTime local, string? timeZoneId)
    {
        var zone = Find(timeZoneId);
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }
}
