using Tandem.Features.Accounts;

namespace Tandem.Features.Programs;

/// <summary>A role someone holds in one program. One person can mentor here and be mentored elsewhere.</summary>
public enum ProgramRole { Coordinator, Staff, Mentor, Mentee, Peer }

public sealed class Enrolment
{
    private Enrolment() { }

    /// <summary>Mentors, mentees and peers: the people a program's participant count counts.</summary>
    public static bool IsParticipant(ProgramRole role) => role is ProgramRole.Mentor or ProgramRole.Mentee or ProgramRole.Peer;

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

    /// <summary>Whether the role is one of the people who run the program rather than take part in it.</summary>
    public static bool IsStaffRole(ProgramRole role) => role is ProgramRole.Coordinator or ProgramRole.Staff;

    /// <summary>Staff become coordinators and back; a participant's role is what they applied and were approved for, and stays.</summary>
    public void ChangeRole(ProgramRole role)
    {
        if (!IsStaffRole(Role) || !IsStaffRole(role))
        {
            throw new InvalidOperationException($"A {Role} enrolment does not become {role}.");
        }
        Role = role;
    }
}
