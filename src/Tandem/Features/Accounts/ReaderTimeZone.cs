using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Accounts;

/// <summary>
/// The time zone a page shows its times in: the signed-in reader's own (their account's IANA zone), UTC for a visitor.
/// A signed-in request's session check reads it with the session (<see cref="SessionFacts"/>), so a page asks the database
/// nothing more for it; elsewhere (a live component's circuit) it is read once, in its own scope, so that it never
/// shares a DbContext with a page's concurrent work.
/// </summary>
/// <remarks>
/// Every page that shows a time used to read it in its own scope: a second query, and a second pooled connection
/// while the request already held one. With as many requests at once as the pool has connections, each held one and
/// waited for a second until the pool's timeout (issue 17: 503s at a pool of 10 for 32 connections; ADR 73).
/// </remarks>
public sealed class ReaderTimeZone(IServiceScopeFactory scopes, SessionFacts session)
{
    private Task<TimeZoneInfo>? zone;

    public Task<TimeZoneInfo> ZoneAsync(ClaimsPrincipal reader) => zone ??=
        session.UserId is { } user && reader.FindFirstValue(ClaimTypes.NameIdentifier) == user.ToString()
            ? Task.FromResult(Resolve(session.TimeZoneId))
            : LoadAsync(reader);

    private static TimeZoneInfo Resolve(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;

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
        return Resolve(await db.Users.Where(u => u.Id == userId).Select(u => u.TimeZoneId).SingleOrDefaultAsync());
    }
}
