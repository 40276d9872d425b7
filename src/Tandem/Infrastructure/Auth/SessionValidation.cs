using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Infrastructure.Auth;

/// <summary>
/// Checks on every request that the cookie's session is still open, its user not disabled and its
/// security stamp current (the stamp changes with the password). One indexed query per request, compiled once; it also
/// reads the user's time zone, which the request's pages show their times in (<see cref="SessionFacts"/>).
/// </summary>
public static class SessionValidation
{
    public const string SessionClaim = "tandem:sid";

    /// <summary>
    /// Compiled once: this query runs on every signed-in request, and building and looking up its expression tree each
    /// time cost as much CPU as running it (issue 17, ADR 60).
    /// </summary>
    private static readonly Func<TandemDb, Guid, Guid, string, CancellationToken, Task<OpenSession?>> OpenSessionOf =
        EF.CompileAsyncQuery((TandemDb db, Guid sessionId, Guid userId, string stamp, CancellationToken ct) =>
            db.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null
                && !s.User!.IsDisabled && s.User.SecurityStamp == stamp)
                .Select(s => new OpenSession(s.User!.TimeZoneId, s.LastSeenAt ?? s.CreatedAt)).FirstOrDefault());

    private sealed record OpenSession(string? TimeZoneId, DateTime LastSeen);

    /// <summary>How stale <see cref="Features.Accounts.UserSession.LastSeenAt"/> may get before a request writes it again.</summary>
    public static readonly TimeSpan SeenEvery = TimeSpan.FromDays(1);

    /// <summary>
    /// The session a principal was signed in with (its id, user and security stamp), or null for a principal without one.
    /// A connection that outlives its request (a WebSocket) keeps this and asks <see cref="OpenOfAsync"/> later.
    /// </summary>
    public static SessionKey? KeyOf(ClaimsPrincipal? principal, IdentityOptions identity) =>
        principal is not null
        && Guid.TryParse(principal.FindFirstValue(SessionClaim), out var sessionId)
        && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
        && principal.FindFirstValue(identity.ClaimsIdentity.SecurityStampClaimType) is { } stamp
            ? new SessionKey(sessionId, userId, stamp)
            : null;

    /// <summary>Whether the session is still open, as the per-request check decides.</summary>
    public static async Task<bool> IsOpenAsync(TandemDb db, SessionKey key, CancellationToken ct) =>
        await OpenSessionOf(db, key.SessionId, key.UserId, key.SecurityStamp, ct) is not null;

    /// <summary>
    /// Which of the sessions are still open, as the per-request check decides, in one query (the ids go as one array or
    /// JSON parameter, however many); a session whose user or stamp differs from the key's is not.
    /// </summary>
    public static async Task<HashSet<SessionKey>> OpenOfAsync(TandemDb db, IReadOnlyCollection<SessionKey> keys, CancellationToken ct)
    {
        var ids = keys.Select(k => k.SessionId).Distinct().ToList();
        var open = (await db.UserSessions.Where(s => ids.Contains(s.Id) && s.RevokedAt == null && !s.User!.IsDisabled)
            .Select(s => new SessionKey(s.Id, s.UserId, s.User!.SecurityStamp ?? "")).ToListAsync(ct)).ToHashSet();
        open.IntersectWith(keys);
        return open;
    }

    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var identityOptions = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        var services = context.HttpContext.RequestServices;
        var db = services.GetRequiredService<TandemDb>();
        var ct = context.HttpContext.RequestAborted;
        if (KeyOf(principal, identityOptions) is not { } key
            || await OpenSessionOf(db, key.SessionId, key.UserId, key.SecurityStamp, ct) is not { } open
            || !services.GetRequiredService<SessionFacts>().Record(key.UserId, open.TimeZoneId))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        // Retention deletes sessions nobody used for longer than a cookie lives (ADR 107), so a used one says so, at most once
        // a day: the date came with the check's own read, and the rare write is conditional, so requests at once write it once.
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var stale = now - SeenEvery;
        if (open.LastSeen <= stale)
        {
            await db.UserSessions.Where(s => s.Id == key.SessionId && (s.LastSeenAt ?? s.CreatedAt) <= stale)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
        }
    }
}

/// <summary>A sign-in session (ADR 1) as a cookie names it: the session's id, its user and the user's security stamp then.</summary>
public sealed record SessionKey(Guid SessionId, Guid UserId, string SecurityStamp);
