using Microsoft.EntityFrameworkCore;

namespace Tandem.Migrations.Sqlite
{
    /// <summary>
    /// Stand-in named like the real context: the generated migrations say
    /// <c>[DbContext(typeof(TandemDb))]</c>, and this project cannot reference the app that holds the
    /// real one (the app references it). The app matches migrations by the context's name; see
    /// docs/decisions/0002-migration-projects.md. Never instantiated.
    /// </summary>
    internal sealed class TandemDb : DbContext;
}

namespace Tandem.Data
{
    /// <summary>Keeps the generated <c>using Tandem.Data;</c> compiling in this assembly.</summary>
    internal static class MigrationsNamespaceAnchor;
}
