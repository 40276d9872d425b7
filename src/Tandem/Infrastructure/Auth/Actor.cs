using System.Security.Claims;

namespace Tandem.Infrastructure.Auth;

/// <summary>Who is asking: passed explicitly to every use case, from an HTTP request, a page or the CLI.</summary>
public sealed record Actor(Guid UserId, bool IsAdministrator)
{
    public const string AdministratorRole = "Administrator";

    public static Actor From(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!Guid.TryParse(id, out var userId))
        {
            throw new InvalidOperationException("The request is not authenticated.");
        }
        return new Actor(userId, principal.IsInRole(AdministratorRole));
    }
}
