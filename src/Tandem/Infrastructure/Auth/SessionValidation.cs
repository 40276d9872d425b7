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
                .Select(s => new OpenSession(s.User!.TimeZoneId)).FirstOrDefault());

    private sealed record OpenSession(string? TimeZoneId);

    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var identityOptions = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value;
        var services = context.HttpContext.RequestServices;
        var valid = principal is not null
            && Guid.TryParse(principal.FindFirstValue(SessionClaim), out var sessionId)
            && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            && principal.FindFirstValue(identityOptions.ClaimsIdentity.SecurityStampClaimType) is { } stamp
            && await OpenSessionOf(services.GetRequiredService<TandemDb>(), sessionId, userId, stamp, context.HttpContext.RequestAborted) is { } open
            && services.GetRequiredService<SessionFacts>().Record(userId, open.TimeZoneId);
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }
}
