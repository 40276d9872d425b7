using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Integrations;

/// <summary>
/// One post to a program's Slack or Teams channel, in the outbox as the e-mail outbox keeps e-mails (ADR 10, ADR 55): the
/// JSON body is committed before the first attempt, a sender claims the row with a conditional update and a lease so two
/// nodes never post it twice, and a failure or a non-2xx answer is retried with backoff until it is given up. The webhook
/// address is not copied here: it is read from <see cref="ProgramChannels"/> at each attempt, so a channel disconnected
/// meanwhile gets nothing more.
/// </summary>
public sealed class ChannelPost
{
    public const int ReferenceKindMax = 50;
    public const int ClaimMax = 150;
    public const int ErrorMax = 1000;

    private ChannelPost() { }

    public ChannelPost(Guid programId, ChannelKind channel, string referenceKind, Guid referenceId, string payload, DateTime createdAt, string claimedBy, DateTime claimedUntil)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Channel = channel;
        ReferenceKind = referenceKind;
        ReferenceId = referenceId;
        Payload = payload;
        CreatedAt = createdAt;
        NextAttemptAt = createdAt;
        ClaimedBy = claimedBy;
        ClaimedUntil = claimedUntil;
        Attempts = 1;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public ChannelKind Channel { get; private set; }

    /// <summary>What is posted (e.g. "announcement" and its id); one post per thing and channel.</summary>
    public string ReferenceKind { get; private set; } = "";
    public Guid ReferenceId { get; private set; }

    /// <summary>The JSON body, in the channel's documented format (Slack Block Kit, a Teams Adaptive Card message).</summary>
    public string Payload { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }

    /// <summary>Attempts started so far (the one in progress included).</summary>
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public string? ClaimedBy { get; private set; }
    public DateTime? ClaimedUntil { get; private set; }
    public DateTime? SentAt { get; private set; }
    public DateTime? GaveUpAt { get; private set; }
    public string? LastError { get; private set; }

    internal static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}

internal sealed class ChannelPostConfiguration : IEntityTypeConfiguration<ChannelPost>
{
    public void Configure(EntityTypeBuilder<ChannelPost> post)
    {
        post.ToTable("ChannelPosts");
        post.HasKey(p => p.Id);
        post.Property(p => p.Channel).HasConversion<string>().HasMaxLength(20);
        post.Property(p => p.ReferenceKind).HasMaxLength(ChannelPost.ReferenceKindMax).IsRequired();
        post.Property(p => p.Payload).IsRequired();
        post.Property(p => p.ClaimedBy).HasMaxLength(ChannelPost.ClaimMax);
        post.Property(p => p.LastError).HasMaxLength(ChannelPost.ErrorMax);
        post.HasOne<MentorshipProgram>().WithMany().HasForeignKey(p => p.ProgramId).OnDelete(DeleteBehavior.Cascade);
        // A thing is posted to a channel once, whatever retries or second calls happen.
        post.HasIndex(p => new { p.ReferenceKind, p.ReferenceId, p.Channel }).IsUnique();
        // The worker's scan: unsent, not given up, due.
        post.HasIndex(p => new { p.SentAt, p.GaveUpAt, p.NextAttemptAt });
        post.HasIndex(p => p.ClaimedBy);
        post.HasIndex(p => p.ProgramId);
    }
}
