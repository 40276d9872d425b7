using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Tandem.Data;

/// <summary>
/// Used by `dotnet ef` only: `dotnet ef migrations add NAME --project src/Tandem.Migrations.Postgres
/// --startup-project src/Tandem -- Postgres` (see docs/operations.md).
/// </summary>
internal sealed class DesignTimeTandemDbFactory : IDesignTimeDbContextFactory<TandemDb>
{
    public TandemDb CreateDbContext(string[] args)
    {
        var provider = args.Length > 0 && Enum.TryParse<DatabaseProvider>(args[0], ignoreCase: true, out var p) ? p : DatabaseProvider.Sqlite;
        var builder = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(builder, provider, provider == DatabaseProvider.Sqlite
            ? "Data Source=design-time.db"
            : "Host=localhost;Database=tandem_design;Username=postgres");
        return new TandemDb(builder.Options);
    }
}
