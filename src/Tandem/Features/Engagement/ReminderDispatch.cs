using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Features.Engagement;

/// <summary>
/// The claim on one reminder. Its <see cref="Key"/> names the reminder (kind, subject, person, occasion) and is
/// unique, so of two nodes inserting the same claim exactly one succeeds and sends it. A claim whose sender
/// died before marking it sent is claimed again after the lease (conditional update on the old ClaimedAt).
/// </summary>
public sealed class ReminderDispatch
{
    public const int KeyMax = 200;

    private ReminderDispatch() { }

    public ReminderDispatch(string key, Guid userId, string claimedBy, DateTime claimedAt)
    {
        Id = Guid.CreateVersion7();
        Key = key;
        UserId = userId;
        ClaimedBy = claimedBy;
        ClaimedAt = claimedAt;
    }

    public Guid Id { get; private set; }
    public string Key { get; private set; } = "";
    public Guid UserId { get; private set; }
    public string ClaimedBy { get; private set; } = "";
    public DateTime ClaimedAt { get; private set; }
    public DateTime? SentAt { get; private set; }
}

internal sealed class ReminderDispatchConfiguration : IEntityTypeConfiguration<ReminderDispatch>
{
    public void Configure(EntityTypeBuilder<ReminderDispatch> dispatch)
    {
        dispatch.ToTable("ReminderDispatches");
        dispatch.HasKey(d => d.Id);
        dispatch.Property(d => d.Key).HasMaxLength(ReminderDispatch.KeyMax).IsRequired();
        dispatch.Property(d => d.ClaimedBy).HasMaxLength(100).IsRequired();
        dispatch.HasIndex(d => d.Key).IsUnique();
        dispatch.HasIndex(d => new { d.SentAt, d.ClaimedAt });
    }
}
