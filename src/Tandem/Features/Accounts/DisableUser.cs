using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

/// <summary>Disables an account: it cannot sign in and its open sessions stop working at once.</summary>
public sealed class DisableUser(UserManager<TandemUser> users, TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<UserSummary>> RunAsync(Actor actor, Guid userId, bool disabled)
    {
        if (disabled && actor.UserId == userId)
        {
            return new Conflict("You cannot disable your own account.");
        }
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return new NotFound("No such user.");
        }
        if (disabled)
        {
            user.Disable();
            var now = clock.GetUtcNow().UtcDateTime;
            await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now));
        }
        else
        {
            user.Enable();
        }
        await users.UpdateAsync(user);
        await users.UpdateSecurityStampAsync(user);
        return user.ToSummary();
    }
}
