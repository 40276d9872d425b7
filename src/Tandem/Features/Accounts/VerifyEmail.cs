using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Accounts;

public sealed class EmailVerificationRequest
{
    [Required, StringLength(200)]
    public string Token { get; set; } = "";
}

/// <summary>Whether the signed-in person's address is verified, and which address it is (for the pages that ask them to verify it).</summary>
public sealed record EmailVerificationStatus(string Email, bool Verified);

/// <summary>
/// An account made on the sign-up form (SignUpApplicant) starts with an unverified address and gets a link by
/// e-mail; until it is used the person cannot submit an application. Accounts made by an administrator or from an
/// invitation sent to the address count as verified.
/// </summary>
public sealed class SendEmailVerification(TandemDb db, AccountMail mail, SignInLimits limits, IOptions<AccountLinkOptions> options, TimeProvider clock)
{
    public const string Sent = "We sent a new link to your e-mail address. It works once.";

    /// <summary>"Send the link again": refused (409) when the address is already verified; limited per account.</summary>
    public async Task<Outcome<EmailVerificationStatus>> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == actor.UserId, ct);
        if (user is null)
        {
            return new NotFound("The account no longer exists.");
        }
        if (user.EmailConfirmed)
        {
            return new Conflict("Your e-mail address is already verified.");
        }
        if (limits.TryAttempt("verify:" + actor.UserId) is { } limited)
        {
            return limited;
        }
        await SendAsync(user, ct);
        return new EmailVerificationStatus(user.Email ?? "", false);
    }

    internal async Task SendAsync(TandemUser user, CancellationToken ct)
    {
        var (token, row) = AccountToken.Issue(user.Id, AccountTokenPurpose.EmailVerification, clock.GetUtcNow().UtcDateTime, options.Value.VerificationLinkLifetime);
        db.Add(row);
        await db.SaveChangesAsync(ct);
        await mail.SendVerificationAsync(user, token, row, ct);
    }
}

/// <summary>Uses an e-mailed verification link: the account's address is verified (the link works once).</summary>
public sealed class VerifyEmail(TandemDb db, TimeProvider clock, ILogger<VerifyEmail> logger)
{
    public async Task<Outcome<EmailVerificationStatus>> RunAsync(EmailVerificationRequest request, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await AccountLinks.FindUsableAsync(db, request.Token, AccountTokenPurpose.EmailVerification, now, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var link = found.Value!;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await AccountLinks.ClaimAsync(db, link.Id, now, ct))
        {
            return new Conflict("This link has already been used: each link works once.");
        }
        await db.Users.Where(u => u.Id == link.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, true), ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("E-mail address verified for account {UserId}", link.UserId);
        var email = await db.Users.Where(u => u.Id == link.UserId).Select(u => u.Email).SingleAsync(ct);
        return new EmailVerificationStatus(email ?? "", true);
    }
}

/// <summary>The signed-in person's address and whether it is verified.</summary>
public sealed class GetEmailVerification(TandemDb db)
{
    public async Task<Outcome<EmailVerificationStatus>> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var status = await db.Users.Where(u => u.Id == actor.UserId)
            .Select(u => new EmailVerificationStatus(u.Email ?? "", u.EmailConfirmed)).SingleOrDefaultAsync(ct);
        return status is null ? new NotFound("The account no longer exists.") : status;
    }
}
