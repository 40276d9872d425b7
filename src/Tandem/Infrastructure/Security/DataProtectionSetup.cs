using Microsoft.AspNetCore.DataProtection;
using Tandem.Data;

namespace Tandem.Infrastructure.Security;

/// <summary>
/// The keys that encrypt the auth and antiforgery cookies live in the database (table
/// DataProtectionKeys), so every app node reads the same key ring: a cookie issued by one node is
/// valid on the next, and a restart or a new container does not sign everyone out.
/// </summary>
public static class DataProtectionSetup
{
    /// <summary>Fixed, so that nodes installed in different folders still share keys (the default is the content root path).</summary>
    public const string ApplicationName = "Tandem";

    public static IServiceCollection AddTandemDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<TandemDb>();
        return services;
    }
}
