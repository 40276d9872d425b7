using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Integrations;

/// <summary>An outside channel a program's announcements are posted to, through the channel's incoming webhook.</summary>
public enum ChannelKind { Slack, Teams }

/// <summary>
/// The Slack and Microsoft Teams incoming webhooks of one program. A webhook address is a secret (whoever has it posts
/// into the channel), so it is stored encrypted with the app's data-protection keys and never shown in full (ADR 55).
/// </summary>
public sealed class ProgramChannels
{
    public const int ProtectedMax = 4000;

    private ProgramChannels() { }

    public ProgramChannels(Guid programId) => ProgramId = programId;

    public Guid ProgramId { get; private set; }

    /// <summary>The Slack webhook address, encrypted; null when Slack is not connected.</summary>
    public string? SlackWebhook { get; private set; }

    /// <summary>What the coordinator sees of the Slack address (scheme, host and its last four characters).</summary>
    public string? SlackMasked { get; private set; }

    public string? TeamsWebhook { get; private set; }
    public string? TeamsMasked { get; private set; }
    public Guid? UpdatedByUserId { get; private set; }
    public DateTime? UpdatedAt { get; private set; }

    public string? ProtectedFor(ChannelKind kind) => kind == ChannelKind.Slack ? SlackWebhook : TeamsWebhook;

    public void Set(ChannelKind kind, string? protectedUrl, string? masked, Guid by, DateTime at)
    {
        if (kind == ChannelKind.Slack)
        {
            (SlackWebhook, SlackMasked) = (protectedUrl, masked);
        }
        else
        {
            (TeamsWebhook, TeamsMasked) = (protectedUrl, masked);
        }
        UpdatedByUserId = by;
        UpdatedAt = at;
    }
}

internal sealed class ProgramChannelsConfiguration : IEntityTypeConfiguration<ProgramChannels>
{
    public void Configure(EntityTypeBuilder<ProgramChannels> channels)
    {
        channels.ToTable("ProgramChannels");
        channels.HasKey(c => c.ProgramId);
        channels.Property(c => c.SlackWebhook).HasMaxLength(ProgramChannels.ProtectedMax);
        channels.Property(c => c.TeamsWebhook).HasMaxLength(ProgramChannels.ProtectedMax);
        channels.Property(c => c.SlackMasked).HasMaxLength(WebhookAddress.Max);
        channels.Property(c => c.TeamsMasked).HasMaxLength(WebhookAddress.Max);
        channels.HasOne<MentorshipProgram>().WithOne().HasForeignKey<ProgramChannels>(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}
