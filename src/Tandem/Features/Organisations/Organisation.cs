using Tandem.Features.Accounts;

namespace Tandem.Features.Organisations;

public enum OrganisationKind { School, University, Company, Other }

/// <summary>Who may do what across an organisation. Program roles live on enrolments.</summary>
public enum OrganisationRole
{
    /// <summary>Belongs to the organisation; sees only the programs they are enrolled in.</summary>
    Member,
    /// <summary>Creates programs and sees every program of the organisation.</summary>
    Coordinator,
}

/// <summary>A school, a university or a company that runs mentorship programs.</summary>
public sealed class Organisation
{
    private Organisation() { }

    public Organisation(string name, OrganisationKind kind, bool includesMinors, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        Name = name;
        Kind = kind;
        IncludesMinors = includesMinors;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public OrganisationKind Kind { get; private set; }

    /// <summary>True when participants may be under 18 (guardian consent applies).</summary>
    public bool IncludesMinors { get; private set; }

    /// <summary>Under this age a guardian consents for the participant: 13 by default (COPPA), 16 where the GDPR applies (Art. 8).</summary>
    public int ConsentAge { get; private set; } = DefaultConsentAge;
    public DateTime CreatedAt { get; private set; }

    public const int DefaultConsentAge = 13;

    public void SetConsentAge(int age) => ConsentAge = age is >= 13 and <= 18 ? age : throw new ArgumentOutOfRangeException(nameof(age));
    public List<OrganisationMembership> Members { get; private set; } = [];
}

public sealed class OrganisationMembership
{
    private OrganisationMembership() { }

    public OrganisationMembership(Guid organisationId, Guid userId, OrganisationRole role, DateTime joinedAt)
    {
        OrganisationId = organisationId;
        UserId = userId;
        Role = role;
        JoinedAt = joinedAt;
    }

    public Guid OrganisationId { get; private set; }
    public Guid UserId { get; private set; }
    public TandemUser? User { get; private set; }
    public OrganisationRole Role { get; private set; }
    public DateTime JoinedAt { get; private set; }

    public void ChangeRole(OrganisationRole role) => Role = role;
}

/// <summary>
/// Told when a member is about to be removed from an organisation, inside the removal's transaction before it is saved,
/// so a feature can end what the membership gave them (Concerns: a safeguarding lead's designation) in the same commit,
/// without the organisation knowing of it. End it with a conditional bulk change (ExecuteDelete/ExecuteUpdate), which a
/// concurrent change cannot turn into a failed save; do not call SaveChanges.
/// </summary>
public interface IMembershipEndingListener
{
    Task MembershipEndingAsync(Guid organisationId, Guid userId, CancellationToken ct);
}
