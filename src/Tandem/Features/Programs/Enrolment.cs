using Tandem.Features.Accounts;

namespace Tandem.Features.Programs;

/// <summary>A role someone holds in one program. One person can mentor here and be mentored elsewhere.</summary>
public enum ProgramRole { Coordinator, Staff, Mentor, Mentee, Peer }

public sealed class Enrolment
{
    private Enrolment() { }

    public Enrolment(Guid programId, Guid userId, ProgramRole role, DateTime enrolledAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        UserId = userId;
        Role = role;
        EnrolledAt = enrolledAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid UserId { get; private set; }
    public TandemUser? User { get; private set; }
    public ProgramRole Role { get; private set; }
    public DateTime EnrolledAt { get; private set; }
}
