using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

/// <summary>Whether an e-mailed account link still works: unknown → 404, used or expired → 409, each with a message that says what to do.</summary>
internal static class AccountLinks
{
    public static async Task<Outcome<AccountToken>> FindUsableAsync(TandemDb db, string? token, AccountTokenPurpose purpose, DateTime now, CancellationToken ct)
    {
        var again = purpose == AccountTokenPurpose.PasswordReset
            ? "Ask for a new one with \"Forgot your password?\" on the sign-in page."
            : "Sign in and ask for a new one with \"Send the link again\".";
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200)
        {
            return new NotFound($"This link is not valid. {again}");
        }
        var hash = AccountToken.Hash(token);
        var row = await db.Set<AccountToken>().AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose, ct);
        var disabled = row is not null && await db.Users.AnyAsync(u => u.Id == row.UserId && u.IsDisabled, ct);
        if (row is null || disabled)
        {
            return new NotFound($"This link is not valid. {again}");
        }
        if (row.UsedAt is not null)
        {
            return new Conflict($"This link has already been used: each link works once. {again}");
        }
        if (row.ExpiresAt <= now)
        {
            return new Conflict($"This link expired at {row.ExpiresAt:yyyy-MM-dd HH:mm} UTC. {again}");
        }
        return row;
    }

    /// <summary>
    /// Marks every open password-reset link of the account used: after a reset, a password change or disabling, a link
    /// asked for before (perhaps by someone who has since read the mailbox) must not set the password again.
    /// </summary>
    public static Task<int> UseUpResetLinksAsync(TandemDb db, Guid userId, DateTime now, CancellationToken ct) =>
        db.Set<AccountToken>().Where(t => t.UserId == userId && t.Purpose == AccountTokenPurpose.PasswordReset && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);

    /// <summary>Marks the link used; of two concurrent uses exactly one gets true.</summary>
    public static async Task<bool> ClaimAsync(TandemDb db, Guid tokenId, DateTime now, CancellationToken ct) =>
        await db.Set<AccountToken>().Where(t => t.Id == tokenId && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct) == 1;
}

/// <summary>Checks an e-mailed link before its page shows a form, so a used or expired link says so at once.</summary>
public sealed class CheckAccountLink(TandemDb db, TimeProvider clock)
{
    public async Task<Failure?> RunAsync(string? token, AccountTokenPurpose purpose, CancellationToken ct = default) =>
        (await AccountLinks.FindUsableAsync(db, token, purpose, clock.GetUtcNow().UtcDateTime, ct)).Failure;
}
