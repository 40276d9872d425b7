using Tandem.Features.Programs;

namespace Tandem.Features.Recruitment;

/// <summary>
/// A staff member's or coordinator's recommendation that a student take a role in a program, with a short
/// statement. The nominee receives an invitation; the review queue shows the recommendation beside the application.
/// </summary>
public sealed class Nomination
{
    public const int StatementMaxLength = 2000;

    private Nomination() { }

    public Nomination(Guid programId, string nomineeEmail, Guid? nomineeUserId, ProgramRole role, string statement, Guid nominatedByUserId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        NomineeEmail = nomineeEmail;
        NomineeUserId = nomineeUserId;
        Role = role;
        Statement = statement;
        NominatedByUserId = nominatedByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }

    /// <summary>The nominee's e-mail address as typed (trimmed); compare case-insensitively.</summary>
    public string NomineeEmail { get; private set; } = "";

    /// <summary>Set when the nominee already had an account when nominated, or once they accept the invitation.</summary>
    public Guid? NomineeUserId { get; private set; }

    public ProgramRole Role { get; private set; }
    public string Statement { get; private set; } = "";
    public Guid NominatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public void LinkNominee(Guid userId) => NomineeUserId = userId;
}
