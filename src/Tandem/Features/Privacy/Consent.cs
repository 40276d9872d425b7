using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Features.Privacy;

/// <summary>What a consent is to: taking part in the program, or one kind of optional processing.</summary>
public enum ConsentPurpose { Program, Demographics, Photos, OutsideChannels }

/// <summary>
/// Where a consent stands. AwaitingGuardian: a minor under the organisation's consent age applied and their guardian has
/// been asked. RenewalNeeded: a notice changed materially since it was given.
/// </summary>
public enum ConsentState { AwaitingGuardian, Given, Refused, Withdrawn, RenewalNeeded }

/// <summary>Who answered: the participant, their guardian (through the e-mailed link), or the school as the parent's agent.</summary>
public enum ConsentGiver { Participant, Guardian, School }

/// <summary>
/// One person's consent to one purpose in one program, as it stands now; every change is also written to
/// <see cref="ConsentEvent"/> with what was shown (the notice versions), when and by whom (ADR 48).
/// The guardian's single-use link is kept as a SHA-256 hash only.
/// </summary>
public sealed class Consent
{
    private Consent() { }

    public Consent(Guid userId, Guid programId, Guid organisationId, ConsentPurpose purpose, DateTime at)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        ProgramId = programId;
        OrganisationId = organisationId;
        Purpose = purpose;
        State = ConsentState.AwaitingGuardian;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public ConsentPurpose Purpose { get; private set; }
    public ConsentState State { get; private set; }
    public ConsentGiver? Giver { get; private set; }

    /// <summary>The account that recorded it: the participant, or the coordinator acting for the school; null for a guardian.</summary>
    public Guid? RecordedByUserId { get; private set; }

    /// <summary>The name the guardian signed with (personal: exported and erased).</summary>
    public string? GuardianName { get; private set; }

    /// <summary>The address the guardian's link went to (personal: exported and erased).</summary>
    public string? GuardianEmail { get; private set; }
    public int? OrganisationNoticeVersion { get; private set; }
    public int? ProgramNoticeVersion { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public string? TokenHash { get; private set; }
    public DateTime? TokenExpiresAt { get; private set; }

    /// <summary>Bumped by every change: two answers racing (a guardian's double click) cannot both win.</summary>
    public int Revision { get; private set; }

    public bool IsGiven => State == ConsentState.Given;

    public ConsentEvent Record(ConsentState state, ConsentGiver giver, Guid? recordedBy, string? guardianName, int? organisationNotice, int? programNotice, DateTime at)
    {
        State = state;
        Giver = giver;
        RecordedByUserId = recordedBy;
        GuardianName = giver == ConsentGiver.Guardian ? guardianName : null;
        OrganisationNoticeVersion = organisationNotice;
        ProgramNoticeVersion = programNotice;
        UpdatedAt = at;
        Revision++;
        return new ConsentEvent(this, at);
    }

    /// <summary>Asks the guardian (again): a new single-use link replaces any earlier one.</summary>
    public ConsentEvent AskGuardian(string email, string tokenHash, DateTime expiresAt, DateTime at, ConsentState state = ConsentState.AwaitingGuardian)
    {
        State = state;
        GuardianEmail = email;
        TokenHash = tokenHash;
        TokenExpiresAt = expiresAt;
        UpdatedAt = at;
        Revision++;
        return new ConsentEvent(this, at);
    }

    /// <summary>Issues a link for a later withdrawal without changing the state (after the guardian answered).</summary>
    public void IssueLink(string tokenHash, DateTime expiresAt)
    {
        TokenHash = tokenHash;
        TokenExpiresAt = expiresAt;
    }

    /// <summary>A material change of a notice: what was given on the old text is asked for again.</summary>
    public ConsentEvent NeedsRenewal(DateTime at)
    {
        State = ConsentState.RenewalNeeded;
        UpdatedAt = at;
        Revision++;
        return new ConsentEvent(this, at);
    }
}

/// <summary>One change of a consent, kept: the history a school shows an auditor (append-only by the app).</summary>
public sealed class ConsentEvent
{
    private ConsentEvent() { }

    public ConsentEvent(Consent consent, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ConsentId = consent.Id;
        UserId = consent.UserId;
        ProgramId = consent.ProgramId;
        Purpose = consent.Purpose;
        State = consent.State;
        Giver = consent.Giver;
        RecordedByUserId = consent.RecordedByUserId;
        GuardianName = consent.GuardianName;
        OrganisationNoticeVersion = consent.OrganisationNoticeVersion;
        ProgramNoticeVersion = consent.ProgramNoticeVersion;
        At = at;
    }

    /// <summary>A consent asked for again by a set-based update (<see cref="ConsentRenewal"/>): the row <see cref="Consent.NeedsRenewal"/> would write.</summary>
    internal static ConsentEvent Renewal(Guid consentId, Guid userId, Guid programId, ConsentPurpose purpose, ConsentGiver? giver, Guid? recordedBy,
        string? guardianName, int? organisationNotice, int? programNotice, DateTime at) => new()
    {
        Id = Guid.CreateVersion7(),
        ConsentId = consentId,
        UserId = userId,
        ProgramId = programId,
        Purpose = purpose,
        State = ConsentState.RenewalNeeded,
        Giver = giver,
        RecordedByUserId = recordedBy,
        GuardianName = guardianName,
        OrganisationNoticeVersion = organisationNotice,
        ProgramNoticeVersion = programNotice,
        At = at,
    };

    public Guid Id { get; private set; }
    public Guid ConsentId { get; private set; }
    public Guid UserId { get; private set; }
    public Guid ProgramId { get; private set; }
    public ConsentPurpose Purpose { get; private set; }
    public ConsentState State { get; private set; }
    public ConsentGiver? Giver { get; private set; }
    public Guid? RecordedByUserId { get; private set; }
    public string? GuardianName { get; private set; }
    public int? OrganisationNoticeVersion { get; private set; }
    public int? ProgramNoticeVersion { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>Which text a notice is: the organisation's privacy notice, or a program's data use.</summary>
public enum NoticeKind { OrganisationPrivacy, ProgramDataUse }

/// <summary>
/// One version of a notice. A new version is a new row (the old ones stay: consents name the version they were given on);
/// a material one asks for consent again.
/// </summary>
public sealed class Notice
{
    private Notice() { }

    public Notice(Guid organisationId, Guid? programId, int version, string text, bool material, Guid publishedBy, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        ProgramId = programId;
        ScopeId = programId ?? organisationId;
        Kind = programId is null ? NoticeKind.OrganisationPrivacy : NoticeKind.ProgramDataUse;
        Version = version;
        Text = text;
        Material = material;
        PublishedByUserId = publishedBy;
        PublishedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid? ProgramId { get; private set; }

    /// <summary>The organisation's id for its privacy notice, the program's for its data use: versions count per scope.</summary>
    public Guid ScopeId { get; private set; }
    public NoticeKind Kind { get; private set; }
    public int Version { get; private set; }
    public string Text { get; private set; } = "";
    public bool Material { get; private set; }
    public Guid PublishedByUserId { get; private set; }
    public DateTime PublishedAt { get; private set; }
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> consent)
    {
        consent.ToTable("Consents");
        consent.HasKey(c => c.Id);
        consent.Property(c => c.Purpose).HasConversion<string>().HasMaxLength(20);
        consent.Property(c => c.State).HasConversion<string>().HasMaxLength(20);
        consent.Property(c => c.Giver).HasConversion<string>().HasMaxLength(20);
        consent.Property(c => c.GuardianName).HasMaxLength(120);
        consent.Property(c => c.GuardianEmail).HasMaxLength(256);
        consent.Property(c => c.TokenHash).HasMaxLength(64);
        consent.Property(c => c.Revision).IsConcurrencyToken();
        consent.HasIndex(c => new { c.ProgramId, c.UserId, c.Purpose }).IsUnique();
        consent.HasIndex(c => c.UserId);
        consent.HasIndex(c => c.TokenHash).IsUnique();
    }
}

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> e)
    {
        e.ToTable("ConsentEvents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Purpose).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Giver).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.GuardianName).HasMaxLength(120);
        e.HasIndex(x => new { x.ConsentId, x.At });
        e.HasIndex(x => x.UserId);
    }
}

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> notice)
    {
        notice.ToTable("Notices");
        notice.HasKey(n => n.Id);
        notice.Property(n => n.Kind).HasConversion<string>().HasMaxLength(30);
        notice.Property(n => n.Text).HasMaxLength(Notices.MaxLength).IsRequired();
        notice.HasIndex(n => new { n.ScopeId, n.Version }).IsUnique();
        notice.HasIndex(n => n.OrganisationId);
    }
}
