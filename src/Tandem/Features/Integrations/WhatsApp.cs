using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Integrations;

/// <summary>
/// A program's WhatsApp Business account (ADR 69): the Cloud API phone-number id it sends from, its access token (a secret:
/// stored encrypted with the app's data-protection keys and never shown back, only that one is set), and the approved
/// message templates used for announcements and event reminders. WhatsApp lets a business start a conversation only with
/// an approved template, so a kind without a template name is not sent.
/// </summary>
public sealed class ProgramWhatsApp
{
    public const int PhoneNumberIdMax = 30;
    public const int TemplateMax = 512;
    public const int LanguageMax = 15;

    private ProgramWhatsApp() { }

    public ProgramWhatsApp(Guid programId) => ProgramId = programId;

    public Guid ProgramId { get; private set; }
    public string? PhoneNumberId { get; private set; }

    /// <summary>The access token, encrypted; null when none is set.</summary>
    public string? ProtectedToken { get; private set; }

    public string? AnnouncementTemplate { get; private set; }
    public string? ReminderTemplate { get; private set; }
    public string LanguageCode { get; private set; } = "en";
    public Guid? UpdatedByUserId { get; private set; }
    public DateTime? UpdatedAt { get; private set; }

    /// <summary>Whether messages can be sent at all: a phone-number id and a token.</summary>
    public bool Connected => PhoneNumberId is not null && ProtectedToken is not null;

    public string? TemplateFor(WhatsAppMessageKind kind) => kind == WhatsAppMessageKind.Announcement ? AnnouncementTemplate : ReminderTemplate;

    public void Change(string? phoneNumberId, string? protectedToken, string? announcementTemplate, string? reminderTemplate, string languageCode, Guid by, DateTime at)
    {
        (PhoneNumberId, ProtectedToken, AnnouncementTemplate, ReminderTemplate, LanguageCode) = (phoneNumberId, protectedToken, announcementTemplate, reminderTemplate, languageCode);
        UpdatedByUserId = by;
        UpdatedAt = at;
    }
}

/// <summary>What a WhatsApp message is for: each kind has its own approved template and parameters (docs/formats.md).</summary>
public enum WhatsAppMessageKind { Announcement, EventReminder }

/// <summary>
/// A person's own WhatsApp number, in E.164 form (+ and 8 to 15 digits). Personal data: only its owner reads or changes it,
/// it is in their data export and goes with erasure; coordinators see only how many people opted in (ADR 69).
/// </summary>
public sealed class WhatsAppNumber
{
    public const int Max = 16;

    private WhatsAppNumber() { }

    public WhatsAppNumber(Guid userId, string number, DateTime at) => (UserId, Number, UpdatedAt) = (userId, number, at);

    public Guid UserId { get; private set; }
    public string Number { get; private set; } = "";
    public DateTime UpdatedAt { get; private set; }

    public void Change(string number, DateTime at) => (Number, UpdatedAt) = (number, at);
}

/// <summary>A person's choice to get one program's announcements and event reminders on WhatsApp; deleting it opts out at once.</summary>
public sealed class WhatsAppOptIn
{
    private WhatsAppOptIn() { }

    public WhatsAppOptIn(Guid userId, Guid programId, DateTime at) => (UserId, ProgramId, OptedInAt) = (userId, programId, at);

    public Guid UserId { get; private set; }
    public Guid ProgramId { get; private set; }
    public DateTime OptedInAt { get; private set; }
}

internal sealed class ProgramWhatsAppConfiguration : IEntityTypeConfiguration<ProgramWhatsApp>
{
    public void Configure(EntityTypeBuilder<ProgramWhatsApp> whatsApp)
    {
        whatsApp.ToTable("ProgramWhatsApp");
        whatsApp.HasKey(w => w.ProgramId);
        whatsApp.Ignore(w => w.Connected);
        whatsApp.Property(w => w.PhoneNumberId).HasMaxLength(ProgramWhatsApp.PhoneNumberIdMax);
        whatsApp.Property(w => w.ProtectedToken).HasMaxLength(ProgramChannels.ProtectedMax);
        whatsApp.Property(w => w.AnnouncementTemplate).HasMaxLength(ProgramWhatsApp.TemplateMax);
        whatsApp.Property(w => w.ReminderTemplate).HasMaxLength(ProgramWhatsApp.TemplateMax);
        whatsApp.Property(w => w.LanguageCode).HasMaxLength(ProgramWhatsApp.LanguageMax).IsRequired();
        whatsApp.HasOne<MentorshipProgram>().WithOne().HasForeignKey<ProgramWhatsApp>(w => w.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WhatsAppNumberConfiguration : IEntityTypeConfiguration<WhatsAppNumber>
{
    public void Configure(EntityTypeBuilder<WhatsAppNumber> number)
    {
        number.ToTable("WhatsAppNumbers");
        number.HasKey(n => n.UserId);
        number.Property(n => n.Number).HasMaxLength(WhatsAppNumber.Max).IsRequired();
        number.HasOne<TandemUser>().WithOne().HasForeignKey<WhatsAppNumber>(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WhatsAppOptInConfiguration : IEntityTypeConfiguration<WhatsAppOptIn>
{
    public void Configure(EntityTypeBuilder<WhatsAppOptIn> optIn)
    {
        optIn.ToTable("WhatsAppOptIns");
        optIn.HasKey(o => new { o.UserId, o.ProgramId });
        // Who in a program gets its messages: read from the program's side.
        optIn.HasIndex(o => o.ProgramId);
        optIn.HasOne<TandemUser>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
        optIn.HasOne<MentorshipProgram>().WithMany().HasForeignKey(o => o.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}
