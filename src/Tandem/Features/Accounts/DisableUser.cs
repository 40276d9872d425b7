using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

/// <summary>
/// Told inside <see cref="DisableUser"/>'s transaction when an account is disabled, to end what works without signing in
/// (Meetings deletes the calendar feed, whose secret URL is not a session) or what the account holds (Events gives up its
/// places, ADR 97) without Accounts knowing of it.
/// </summary>
public interface IAccountDisabledListener
{
    Task AccountDisabledAsync(Guid userId, CancellationToken ct);

    /// <summary>Told after the disabling is committed: what may only be said once it stands (a place given from a waitlist).</summary>
    Task AccountDisabledCommittedAsync(Guid userId, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Disables an account: it cannot sign in, its open sessions stop working at once, its open password-reset links
/// are used up and what works without signing in (the calendar feed) is deleted (enabling it again does not bring them
/// back). One transaction; when another request changed the account at the same moment, nothing is saved: if that request
/// left the account as asked (a double-clicked Disable) the answer is the account as it is now, otherwise the
/// administrator is told (409) rather than told it worked.
/// </summary>
public sealed class DisableUser(UserManager<TandemUser> users, TandemDb db, IEnumerable<IAccountDisabledListener> disabledListeners, TimeProvider clock)
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
        if (!disabled && ErasedAccounts.Is(user))
        {
            return new Conflict(ErasedAccounts.Refusal);
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (disabled)
        {
            user.Disable();
        }
        else
        {
            user.Enable();
        }
        // One save for the flag and the new stamp; the user row's concurrency stamp refuses it when another request
        // saved the account since it was read (Identity answers ConcurrencyFailure instead of throwing).
        var saved = await users.UpdateSecurityStampAsync(user);
        if (!saved.Succeeded)
        {
            if (saved.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            {
                // A double click: the other request may have made the very change asked for. Then it is done (that request
                // ended the sessions and told the listeners), and saying "not disabled" would be untrue.
                var now = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => (bool?)u.IsDisabled).SingleOrDefaultAsync();
                if (now == disabled)
                {
                    await transaction.RollbackAsync();
                    var current = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
                    return current.ToSummary();
                }
                return new Conflict($"{user.DisplayName}'s account was changed by another request at the same moment, so it was not {(disabled ? "disabled" : "enabled")}. Try again.");
            }
            throw new InvalidOperationException("The account could not be saved: " + string.Join(" ", saved.Errors.Select(e => e.Description)));
        }
        if (disabled)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now));
            await AccountLinks.UseUpResetLinksAsync(db, user.Id, now, CancellationToken.None);
            foreach (var listener in disabledListeners)
            {
                await listener.AccountDisabledAsync(user.Id, CancellationToken.None);
            }
        }
        await transaction.CommitAsync();
        if (disabled)
        {
            foreach (var listener in disabledListeners)
            {
                await listener.AccountDisabledCommittedAsync(user.Id, CancellationToken.None);
            }
        }
        return user.ToSummary();
    }
}
