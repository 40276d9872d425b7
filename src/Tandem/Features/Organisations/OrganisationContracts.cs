
namespace Tandem.Features.Organisations;

public sealed record OrganisationView(Guid Id, string Name, OrganisationKind Kind, bool IncludesMinors, int MemberCount, OrganisationRole? MyRole);

public sealed record MemberView(Guid UserId, string DisplayName, string Email, OrganisationRole Role, DateTime JoinedAt);
