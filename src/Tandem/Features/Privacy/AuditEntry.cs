using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Features.Privacy;

/// <summary>What kind of a person's record was read (a minor's, except <see cref="DataExport"/>, which is logged for everyone).</summary>
public enum AuditRecord
{
    Application,
    CheckIns,
    /// <summary>A concern the person reported, read by its handlers (ADR 23).</summary>
    Concern,
    Relationship,
    Messages,

    /// <summary>Everything held about the person, downloaded by someone else: a coordinator on their request (logged for adults too), or their guardian (ADR 52).</summary>
    DataExport,

    /// <summary>A guardian's view of the child: consents and who opened the record (ADR 52).</summary>
    Overview,

    /// <summary>A participant's training progress and role-play reflections, read by a coordinator (ADR 61).</summary>
    Training,

    /// <summary>A moderator's decision about a minor in a discussion channel: a post hidden or shown, a mute, a removal (ADR 66).</summary>
    Discussions,

    /// <summary>Kudos, hand-award reasons and service-hours lines of a program, read by its coordinators (ADR 63).</summary>
    Recognition,

    /// <summary>Whether a minor came to an event they answered (and their answer), read by its host or the program's coordinators (ADR 97).</summary>
    EventAttendance,

    /// <summary>
    /// A concern about the person, read by its handlers: kept for the organisation's log (ADR 40), never shown to the person,
    /// their guardian or in their downloads, and in the organisation's log only to those who handle the concern (ADR 98).
    /// </summary>
    ConcernSubject,

    /// <summary>A named survey's answers person by person (the list or its download), read by the survey's coordinators (ADR 99).</summary>
    SurveyAnswers,

    /// <summary>Staff recommendations of the person for a program (their statements), read by its coordinators (ADR 106).</summary>
    Nomination,

    /// <summary>Suggestions the person put in a program's suggestion box with their name, read by its coordinators (ADR 115).</summary>
    Suggestion,
}

/// <summary>
/// One read of a minor's record by someone else, in an append-only log: entry n carries the hash of entry n − 1, and its own
/// hash covers every field and that link, so an edited, inserted or deleted entry breaks the chain (`tandem audit verify`).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The hash the first entry links to.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private AuditEntry() { }

    public AuditEntry(long sequence, DateTime at, Guid actorUserId, Guid subjectUserId, Guid? organisationId, Guid? programId,
        AuditRecord record, Guid? recordId, string purpose, string previousHash)
    {
        Sequence = sequence;
        // Microseconds: what both databases keep, so the hash reads back the same.
        At = DateTime.SpecifyKind(new DateTime(at.Ticks - at.Ticks % 10), DateTimeKind.Utc);
        ActorUserId = actorUserId;
        SubjectUserId = subjectUserId;
        OrganisationId = organisationId;
        ProgramId = programId;
        Record = record;
        RecordId = recordId;
        Purpose = purpose;
        PreviousHash = previousHash;
        Hash = ComputeHash();
    }

    /// <summary>1, 2, 3 … without gaps (unique: two writers cannot both append entry n).</summary>
    public long Sequence { get; private set; }
    public DateTime At { get; private set; }
    public Guid ActorUserId { get; private set; }

    /// <summary>Whose record was read (a pseudonymous id: the account's, which erasure keeps while anonymising the account).</summary>
    public Guid SubjectUserId { get; private set; }
    public Guid? OrganisationId { get; private set; }
    public Guid? ProgramId { get; private set; }
    public AuditRecord Record { get; private set; }
    public Guid? RecordId { get; private set; }

    /// <summary>Why it was read, in the reader's task's words ("Reviewing an application").</summary>
    public string Purpose { get; private set; } = "";
    public string PreviousHash { get; private set; } = Genesis;
    public string Hash { get; private set; } = "";

    /// <summary>SHA-256 over every field and the previous entry's hash, in a fixed text form.</summary>
    public string ComputeHash()
    {
        var text = string.Join('|',
            Sequence.ToString(CultureInfo.InvariantCulture),
            At.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ActorUserId.ToString("D"),
            SubjectUserId.ToString("D"),
            OrganisationId?.ToString("D") ?? "",
            ProgramId?.ToString("D") ?? "",
            Record.ToString(),
            RecordId?.ToString("D") ?? "",
            Purpose,
            PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("AuditEntries");
        entry.HasKey(e => e.Sequence);
        entry.Property(e => e.Sequence).ValueGeneratedNever();
        entry.Property(e => e.Record).HasConversion<string>().HasMaxLength(20);
        entry.Property(e => e.Purpose).HasMaxLength(200).IsRequired();
        entry.Property(e => e.PreviousHash).HasMaxLength(64).IsRequired();
        entry.Property(e => e.Hash).HasMaxLength(64).IsRequired();
        // No foreign keys: the log outlives the accounts, programs and organisations it names.
        entry.HasIndex(e => new { e.SubjectUserId, e.Sequence });
        entry.HasIndex(e => new { e.OrganisationId, e.Sequence });
    }
}
