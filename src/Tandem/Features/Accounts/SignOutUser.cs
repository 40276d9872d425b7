using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Accounts;

/// <summary>Revokes the cookie's session (so a copy of the cookie stops working) and clears the cookie.</summary>
public sealed class SignOutUser(SignInManager<TandemUser> signIn, TandemDb db, TimeProvider clock)
{
    public async Task RunAsync(ClaimsPrincipal principal)
    {
        if (Guid.TryParse(principal.FindFirstValue(SessionValidation.SessionClaim), out var sessionId))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await db.UserSessions.Where(s => s.Id == sessionId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now));
        }
        await signIn.SignOutAsync();
    }
}
