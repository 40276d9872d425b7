using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

public sealed class PasswordResetRequest
{
    [Required, StringLength(200)]
    public string Token { get; set; } = "";

    [Required(ErrorMessage = "Choose a new password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    public string NewPassword { get; set; } = "";
}

/// <summary>
/// Sets a new password with an e-mailed link: the link is used up (once, even under concurrent clicks), every
/// other reset link of the account stops working, every session of the account is closed (ADR 1) and the security
/// stamp changes. Getting the link shows the address is theirs, so it also counts as a verified address and lifts a
/// lockout. The person then signs in with the new password.
/// </summary>
public sealed class ResetPassword(UserManager<TandemUser> users, TandemDb db, TimeProvider clock, ILogger<ResetPassword> logger)
{
    public async Task<Outcome<bool>> RunAsync(PasswordResetRequest request, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await AccountLinks.FindUsableAsync(db, request.Token, AccountTokenPurpose.PasswordReset, now, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var link = found.Value!;
        var user = await users.FindByIdAsync(link.UserId.ToString());
        if (user is null)
        {
            return new NotFound("This link is not valid.");
        }
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var checkedPassword = await validator.ValidateAsync(users, user, request.NewPassword);
            problems.AddRange(checkedPassword.Errors.Select(e => e.Description));
        }
        if (problems.Count > 0)
        {
            return Invalid.Field(nameof(request.NewPassword), string.Join(" ", problems));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await AccountLinks.ClaimAsync(db, link.Id, now, ct))
        {
            return new Conflict("This link has already been used: each link works once. Ask for a new one with \"Forgot your password?\" on the sign-in page.");
        }
        await AccountLinks.UseUpResetLinksAsync(db, user.Id, now, ct);
        await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        user.PasswordHash = users.PasswordHasher.HashPassword(user, request.NewPassword);
        user.EmailConfirmed = true;
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        var saved = await users.UpdateSecurityStampAsync(user); // saves the user
        if (saved.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            // Another request saved the account since it was read (a sign-in, an administrator): nothing of this reset is
            // kept (the transaction rolls back on disposal, so the link still works) and the person simply tries again.
            return new Conflict("The account was changed by another request at the same moment, so the password was not changed. Try again.");
        }
        if (!saved.Succeeded)
        {
            throw new InvalidOperationException("The new password could not be saved: " + string.Join(" ", saved.Errors.Select(e => e.Description)));
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Password reset by e-mailed link for account {UserId}; all its sessions closed", user.Id);
        return true;
    }
}
