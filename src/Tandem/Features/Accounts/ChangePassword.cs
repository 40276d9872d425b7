using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

public sealed class ChangePasswordRequest
{
    [Required, StringLength(200)]
    public string CurrentPassword { get; set; } = "";

    [Required, StringLength(200, MinimumLength = 10)]
    public string NewPassword { get; set; } = "";
}

/// <summary>
/// Changes the password, closes every other session of the user (this one continues) and uses up the account's open
/// password-reset links, so that a link asked for before the change cannot set the password again.
/// </summary>
public sealed class ChangePassword(UserManager<TandemUser> users, SignInUser signIn, SignInLimits limits, TandemDb db, TimeProvider clock)
{
    /// <summary>Another request saved the account between this one reading and saving it (Identity's ConcurrencyFailure): nothing changed.</summary>
    public const string ChangedMeanwhile = "Your account was changed at the same moment; try again.";

    public async Task<Outcome<bool>> RunAsync(Actor actor, ChangePasswordRequest request, string? userAgent)
    {
        // Someone holding a stolen session cannot guess the current password at leisure.
        if (limits.TryAttempt("user:" + actor.UserId) is { } limited)
        {
            return limited;
        }
        var user = await users.FindByIdAsync(actor.UserId.ToString());
        if (user is null)
        {
            return new NotFound("The account no longer exists.");
        }
        var result = await users.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword);
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            return new Conflict(ChangedMeanwhile);
        }
        if (!result.Succeeded)
        {
            var field = result.Errors.Any(e => e.Code == "PasswordMismatch") ? nameof(request.CurrentPassword) : nameof(request.NewPassword);
            return new Invalid(new Dictionary<string, string[]> { [field] = result.Errors.Select(e => e.Description).ToArray() });
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now));
            await AccountLinks.UseUpResetLinksAsync(db, user.Id, now, CancellationToken.None);
            await transaction.CommitAsync();
        }
        await signIn.StartSessionAsync(user, persistent: false, userAgent);
        return true;
    }
}
