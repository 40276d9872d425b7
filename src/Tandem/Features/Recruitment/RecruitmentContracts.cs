using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed record InvitationView(
    Guid Id, Guid? ProgramId, string Email, string FirstName, string LastName, ProgramRole? Role, InvitationSource Source,
    InvitationStatus Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? SentAt, int SendCount, DateTime? AcceptedAt, DateTime? RevokedAt,
    InvitationPurpose Purpose, Guid OrganisationId, OrganisationRole? OrganisationRole)
{
    public static InvitationView From(Invitation i, DateTime now) => new(
        i.Id, i.ProgramId, i.Email, i.FirstName, i.LastName, i.Role, i.Source, i.StatusAt(now),
        i.CreatedAt, i.ExpiresAt, i.SentAt, i.SendCount, i.AcceptedAt, i.RevokedAt, i.Purpose, i.OrganisationId, i.OrganisationRole);
}

/// <summary>
/// What accepting did. <paramref name="NextPath"/> is where the invitee goes now: the application form for an
/// invitation to apply (also <paramref name="ApplyPath"/>), the program for an enrolment, the organisations page
/// for a membership.
/// </summary>
public sealed record InvitationAcceptance(
    Guid InvitationId, Guid? ProgramId, string? ProgramName, ProgramRole? Role, string? ApplyPath,
    InvitationPurpose Purpose, Guid OrganisationId, string OrganisationName, OrganisationRole? OrganisationRole, string NextPath);

/// <summary>
/// An information session: an event of kind InformationSession (ADR 70). <paramref name="SignedUp"/> counts those going;
/// past the capacity people are waitlisted (<paramref name="IsWaitlisted"/>). Capacity and places left are null for a
/// session set up on the events page without a limit.
/// </summary>
public sealed record InformationSessionView(
    Guid Id, Guid ProgramId, string Title, DateTime StartsAt, string TimeZoneId, DateTime StartsAtLocal, int DurationMinutes,
    string? Place, string? OnlineLink, bool Online, int? Capacity, int SignedUp, int? PlacesLeft, bool IsSignedUp, int Waitlisted, bool IsWaitlisted);

/// <summary>One problem in a roster file. Row 1 is the header; data starts at row 2 (as a spreadsheet numbers them).</summary>
public sealed record RosterError(int Row, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"row {Row}: {Message}" : $"row {Row}, {Column}: {Message}";
}

public sealed record RosterRow(int Row, string Email, string FirstName, string LastName, ProgramRole Role, string? TimeZoneId, string? Group);

/// <summary>What a roster upload would do. <paramref name="Encoding"/> is how the file's bytes were read (utf-8, utf-16le, utf-16be, windows-1252).</summary>
public sealed record RosterPreview(int RowCount, IReadOnlyList<RosterRow> Rows, IReadOnlyList<RosterError> Errors, string? Encoding = null)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>The roster has errors: nothing was written. 422 with every error, row by row.</summary>
public sealed record RosterInvalid(IReadOnlyList<RosterError> Errors)
    : Failure("The roster has errors; nothing was imported.", $"{Errors.Count} problem(s) found. Fix them and upload the file again.");

public sealed record NominationView(
    Guid Id, Guid ProgramId, string NomineeEmail, Guid? NomineeUserId, ProgramRole Role, string Statement,
    Guid NominatedByUserId, string NominatedBy, DateTime CreatedAt, bool Invited);

public sealed record RecruitmentChannelView(Guid Id, Guid ProgramId, string Name, string Code, string Path, long Views, long Starts, long Submissions, DateTime CreatedAt);
