using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Accounts;

public enum AccountTokenPurpose
{
    PasswordReset = 1,
    EmailVerification = 2,
}

/// <summary>
/// A link sent by e-mail to the account's address: only the SHA-256 of its random token is stored, so reading the
/// database does not give anyone a working link. It works once (<see cref="UsedAt"/>, set by a conditional update)
/// and until <see cref="ExpiresAt"/>. ADR 28.
/// </summary>
public sealed class AccountToken
{
    private AccountToken() { }

    private AccountToken(Guid userId, AccountTokenPurpose purpose, string tokenHash, DateTime createdAt, DateTime expiresAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Purpose = purpose;
        TokenHash = tokenHash;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public AccountTokenPurpose Purpose { get; private set; }

    /// <summary>Upper-case hex SHA-256 of the token in the link.</summary>
    public string TokenHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? UsedAt { get; private set; }

    /// <summary>A new token (32 random bytes, URL-safe) and the row that stores only its hash.</summary>
    public static (string Token, AccountToken Row) Issue(Guid userId, AccountTokenPurpose purpose, DateTime now, TimeSpan lifetime)
    {
        var token = LinkToken.New();
        return (token, new AccountToken(userId, purpose, Hash(token), now, now + lifetime));
    }

    public static string Hash(string token) => LinkToken.Hash(token);
}

/// <summary>How long e-mailed account links work (section "Accounts"; docs/operations.md).</summary>
public sealed class AccountLinkOptions
{
    /// <summary>How long a password-reset link works.</summary>
    [TimeSpanRange("00:05:00", "1.00:00:00")]
    public TimeSpan PasswordResetLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an e-mail verification link works.</summary>
    [TimeSpanRange("01:00:00", "30.00:00:00")]
    public TimeSpan VerificationLinkLifetime { get; set; } = TimeSpan.FromDays(7);
}

internal sealed class AccountTokenConfiguration : IEntityTypeConfiguration<AccountToken>
{
    public void Configure(EntityTypeBuilder<AccountToken> token)
    {
        token.ToTable("AccountTokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.TokenHash).HasMaxLength(64).IsRequired();
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.HasIndex(t => new { t.UserId, t.Purpose });
        token.HasOne<TandemUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
