using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Accounts;

/// <summary>
/// The time zone a page shows its times in: the signed-in reader's own (their account's IANA zone), UTC for a visitor.
/// Read once per request, in its own scope, so that it never shares a DbContext with a page's concurrent work.
/// </summary>
public sealed class ReaderTimeZone(IServiceScopeFactory scopes)
{
    private Task<TimeZoneInfo>? zone;

    public Task<TimeZoneInfo> ZoneAsync(ClaimsPrincipal reader) => zone ??= LoadAsync(reader);

    /// <summary>A UTC moment as the zone's wall-clock time, followed by the zone's name: "3 Feb 2027 14:00 Europe/London".</summary>
    public static string Format(DateTime utc, TimeZoneInfo zone, string format = "d MMM yyyy HH:mm") =>
        $"{TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString(format, CultureInfo.InvariantCulture)} {zone.Id}";

    /// <inheritdoc cref="Format(DateTime, TimeZoneInfo, string)"/>
    public static string Format(DateTimeOffset at, TimeZoneInfo zone, string format = "d MMM yyyy HH:mm") => Format(at.UtcDateTime, zone, format);

    public async Task<string> FormatAsync(ClaimsPrincipal reader, DateTime utc, string format = "d MMM yyyy HH:mm") =>
        Format(utc, await ZoneAsync(reader), format);

    private async Task<TimeZoneInfo> LoadAsync(ClaimsPrincipal reader)
    {
        if (!Guid.TryParse(reader.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return TimeZoneInfo.Utc;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var id = await db.Users.Where(u => u.Id == userId).Select(u => u.TimeZoneId).SingleOrDefaultAsync();
        return !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
    }
}
