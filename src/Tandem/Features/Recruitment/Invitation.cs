using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Security;

namespace Tandem.Features.Recruitment;

public enum InvitationStatus { NotSent, Sent, Accepted, Expired, Revoked }

/// <summary>How the invitation came about.</summary>
public enum InvitationSource { Direct, Roster, Nomination }

/// <summary>What accepting the invitation does.</summary>
public enum InvitationPurpose
{
    /// <summary>The invitee joins the organisation as a member and may apply for the role; screening decides.</summary>
    Apply,
    /// <summary>The invitee is enrolled in the program with the role (and joins the organisation as a member).</summary>
    Enrol,
    /// <summary>The invitee joins the organisation with the organisation role.</summary>
    JoinOrganisation,
}

/// <summary>
/// An invitation sent by e-mail with a single-use link: to apply for a role in a program, to be enrolled in
/// a program, or to join an organisation. It is the only way a coordinator brings in someone who is not
/// yet in their organisation: nothing is attached to any account until the invitee, signed in as the
/// invited address (or signing up with it), accepts. Only a SHA-256 hash of the token is stored: a
/// database leak does not leak usable links.
/// </summary>
public sealed class Invitation
{
    private Invitation() { }

    private Invitation(InvitationPurpose purpose, Guid organisationId, Guid? programId, string email, ProgramRole? role, OrganisationRole? organisationRole,
        InvitationSource source, Guid? invitedByUserId, string tokenHash, DateTime createdAt, DateTime expiresAt, InviteeDetails? details)
    {
        Id = Guid.CreateVersion7();
        Purpose = purpose;
        OrganisationId = organisationId;
        ProgramId = programId;
        Email = email.Trim();
        NormalizedEmail = Normalize(email);
        Role = role;
        OrganisationRole = organisationRole;
        Source = source;
        InvitedByUserId = invitedByUserId;
        TokenHash = tokenHash;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
        FirstName = details?.FirstName ?? "";
        LastName = details?.LastName ?? "";
        TimeZoneId = details?.TimeZoneId;
        Group = details?.Group;
    }

    /// <summary>An invitation to apply for a participant role in the program (direct, roster or nomination).</summary>
    public static Invitation ToApply(MentorshipProgram program, string email, ProgramRole role, InvitationSource source, Guid? invitedByUserId,
        string tokenHash, DateTime createdAt, DateTime expiresAt, InviteeDetails? details = null) =>
        new(InvitationPurpose.Apply, program.OrganisationId, program.Id, email, role, null, source, invitedByUserId, tokenHash, createdAt, expiresAt, details);

    /// <summary>An invitation to be enrolled in the program with any role (staff and coordinators included).</summary>
    public static Invitation ToEnrol(MentorshipProgram program, string email, ProgramRole role, Guid? invitedByUserId,
        string tokenHash, DateTime createdAt, DateTime expiresAt, InviteeDetails? details = null) =>
        new(InvitationPurpose.Enrol, program.OrganisationId, program.Id, email, role, null, InvitationSource.Direct, invitedByUserId, tokenHash, createdAt, expiresAt, details);

    /// <summary>An invitation to join the organisation with the role.</summary>
    public static Invitation ToJoin(Guid organisationId, string email, OrganisationRole role, Guid? invitedByUserId,
        string tokenHash, DateTime createdAt, DateTime expiresAt, InviteeDetails? details = null) =>
        new(InvitationPurpose.JoinOrganisation, organisationId, null, email, null, role, InvitationSource.Direct, invitedByUserId, tokenHash, createdAt, expiresAt, details);

    public Guid Id { get; private set; }
    public InvitationPurpose Purpose { get; private set; }
    public Guid OrganisationId { get; private set; }

    /// <summary>The program, for <see cref="InvitationPurpose.Apply"/> and <see cref="InvitationPurpose.Enrol"/>.</summary>
    public Guid? ProgramId { get; private set; }
    public string Email { get; private set; } = "";
    public string NormalizedEmail { get; private set; } = "";

    /// <summary>The program role, for <see cref="InvitationPurpose.Apply"/> and <see cref="InvitationPurpose.Enrol"/>.</summary>
    public ProgramRole? Role { get; private set; }

    /// <summary>The organisation role, for <see cref="InvitationPurpose.JoinOrganisation"/>.</summary>
    public OrganisationRole? OrganisationRole { get; private set; }
    public InvitationSource Source { get; private set; }
    public Guid? InvitedByUserId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string? TimeZoneId { get; private set; }
    public string? Group { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? SentAt { get; private set; }
    public int SendCount { get; private set; }
    public DateTime? AcceptedAt { get; private set; }
    public Guid? AcceptedByUserId { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public InvitationStatus StatusAt(DateTime now) =>
        RevokedAt is not null ? InvitationStatus.Revoked
        : AcceptedAt is not null ? InvitationStatus.Accepted
        : ExpiresAt <= now ? InvitationStatus.Expired
        : SentAt is null ? InvitationStatus.NotSent
        : InvitationStatus.Sent;

    /// <summary>Still open: neither used, revoked nor expired (sent or not).</summary>
    public bool IsOpenAt(DateTime now) => StatusAt(now) is InvitationStatus.Sent or InvitationStatus.NotSent;

    public void MarkSent(DateTime at)
    {
        SentAt = at;
        SendCount++;
    }

    // Resending (a fresh link and expiry) and revoking are conditional updates in ResendInvitation and RevokeInvitation
    // (ADR 106), so that one crossing an acceptance does not overwrite it.

    public bool Accept(Guid userId, DateTime at)
    {
        if (!IsOpenAt(at))
        {
            return false;
        }
        AcceptedAt = at;
        AcceptedByUserId = userId;
        return true;
    }

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();

    /// <summary>A new random token (256 bits, URL-safe) and the hash to store.</summary>
    public static (string Token, string Hash) NewToken()
    {
        var token = LinkToken.New();
        return (token, Hash(token));
    }

    public static string Hash(string token) => LinkToken.Hash(token);
}

/// <summary>What a roster row knows about the invitee (shown to coordinators, available to prefill the application).</summary>
public sealed record InviteeDetails(string FirstName, string LastName, string? TimeZoneId, string? Group);
