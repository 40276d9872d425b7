using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Features.Accounts;

internal sealed class TandemUserConfiguration : IEntityTypeConfiguration<TandemUser>
{
    public void Configure(EntityTypeBuilder<TandemUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(120).IsRequired();
        user.Property(u => u.TimeZoneId).HasMaxLength(64).IsRequired();
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> session)
    {
        session.ToTable("UserSessions");
        session.HasKey(s => s.Id);
        session.Property(s => s.UserAgent).HasMaxLength(256);
        session.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        session.HasIndex(s => s.UserId);
        // Retention finds sessions nobody has used for longer than a cookie lives.
        session.HasIndex(s => s.LastSeenAt);
    }
}
