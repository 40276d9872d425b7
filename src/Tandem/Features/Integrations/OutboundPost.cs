using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Integrations;

/// <summary>
/// Where an outbound post goes: a program's Slack or Teams channel, one of an organisation's signed webhooks, or one
/// opted-in person's WhatsApp through the program's WhatsApp Business account (ADR 69).
/// </summary>
public enum OutboundTarget { Slack, Teams, Webhook, WhatsApp }

/// <summary>
/// One HTTP post leaving Tandem, in the outbox (ADR 55, ADR 58) as the e-mail outbox keeps e-mails (ADR 10): the JSON body
/// is committed before the first attempt, a sender claims the row with a conditional update and a lease so two nodes never
/// post it twice, and a failure or a non-2xx answer is retried with backoff until it is given up. Where it goes is not
/// copied here: a channel's address is read from <see cref="ProgramChannels"/>, a webhook's address and secret from
/// <see cref="OrganisationWebhook"/>, at each attempt, so a channel disconnected or a webhook disabled meanwhile gets
/// nothing more, and a rotated secret signs the next attempt.
/// </summary>
public sealed class OutboundPost
{
    public const int ReferenceKindMax = 50;
    public const int ClaimMax = 150;
    public const int ErrorMax = 1000;

    private OutboundPost() { }

    /// <summary>A post to a program's channel, claimed by its caller, who attempts it at once.</summary>
    public static OutboundPost ToChannel(Guid programId, ChannelKind channel, string referenceKind, Guid referenceId, string payload, DateTime createdAt, string claimedBy, DateTime claimedUntil) =>
        new(channel == ChannelKind.Slack ? OutboundTarget.Slack : OutboundTarget.Teams, programId, programId, null, referenceKind, referenceId, payload, createdAt)
        {
            ClaimedBy = claimedBy,
            ClaimedUntil = claimedUntil,
            Attempts = 1,
        };

    /// <summary>A delivery of an event to a webhook, due now and left for the outbox worker (its caller saves it with their change).</summary>
    public static OutboundPost ToWebhook(Guid webhookId, Guid programId, string eventType, Guid eventId, string payload, DateTime createdAt) =>
        new(OutboundTarget.Webhook, webhookId, programId, webhookId, eventType, eventId, payload, createdAt);

    /// <summary>
    /// A WhatsApp template message to one person (the target is their user id), due now and left for the outbox worker. The
    /// body holds no number: it is read, with the opt-in, at each attempt.
    /// </summary>
    public static OutboundPost ToWhatsApp(Guid programId, Guid userId, string referenceKind, Guid referenceId, string payload, DateTime createdAt) =>
        new(OutboundTarget.WhatsApp, userId, programId, null, referenceKind, referenceId, payload, createdAt);

    private OutboundPost(OutboundTarget target, Guid targetId, Guid programId, Guid? webhookId, string referenceKind, Guid referenceId, string payload, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        Target = target;
        TargetId = targetId;
        ProgramId = programId;
        WebhookId = webhookId;
        ReferenceKind = referenceKind;
        ReferenceId = referenceId;
        Payload = payload;
        CreatedAt = createdAt;
        NextAttemptAt = createdAt;
    }

    public Guid Id { get; private set; }
    public OutboundTarget Target { get; private set; }

    /// <summary>The program (a channel post), the webhook (a delivery) or the person (WhatsApp): with the reference, one post per thing and target.</summary>
    public Guid TargetId { get; private set; }

    public Guid ProgramId { get; private set; }

    /// <summary>The organisation webhook a delivery goes to; null for channel posts.</summary>
    public Guid? WebhookId { get; private set; }

    /// <summary>What is posted: "announcement" and its id for a channel, the event's type and id for a webhook.</summary>
    public string ReferenceKind { get; private set; } = "";
    public Guid ReferenceId { get; private set; }

    /// <summary>The JSON body, exactly as it is posted (and, for a webhook, signed).</summary>
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

    public ChannelKind Channel => Target == OutboundTarget.Teams ? ChannelKind.Teams : ChannelKind.Slack;

    internal static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}

internal sealed class OutboundPostConfiguration : IEntityTypeConfiguration<OutboundPost>
{
    public void Configure(EntityTypeBuilder<OutboundPost> post)
    {
        post.ToTable("OutboundPosts");
        post.HasKey(p => p.Id);
        post.Ignore(p => p.Channel);
        post.Property(p => p.Target).HasConversion<string>().HasMaxLength(20);
        post.Property(p => p.ReferenceKind).HasMaxLength(OutboundPost.ReferenceKindMax).IsRequired();
        post.Property(p => p.Payload).IsRequired();
        post.Property(p => p.ClaimedBy).HasMaxLength(OutboundPost.ClaimMax);
        post.Property(p => p.LastError).HasMaxLength(OutboundPost.ErrorMax);
        post.HasOne<MentorshipProgram>().WithMany().HasForeignKey(p => p.ProgramId).OnDelete(DeleteBehavior.Cascade);
        post.HasOne<OrganisationWebhook>().WithMany().HasForeignKey(p => p.WebhookId).OnDelete(DeleteBehavior.Cascade);
        // A thing is posted to a target once, whatever retries or second calls happen.
        post.HasIndex(p => new { p.ReferenceKind, p.ReferenceId, p.Target, p.TargetId }).IsUnique();
        // The worker's scan: unsent, not given up, due.
        post.HasIndex(p => new { p.SentAt, p.GaveUpAt, p.NextAttemptAt });
        post.HasIndex(p => p.ClaimedBy);
        post.HasIndex(p => p.ProgramId);
        // A webhook's deliveries, newest first, for its page.
        post.HasIndex(p => new { p.WebhookId, p.CreatedAt });
    }
}
