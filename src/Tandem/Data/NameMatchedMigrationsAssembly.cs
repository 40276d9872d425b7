using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tandem.Data;

/// <summary>
/// Finds the migrations of the provider's own migrations project. Those projects cannot reference
/// this executable (it references them), so their <c>[DbContext(typeof(TandemDb))]</c> attribute
/// points at an internal stand-in type of the same full name; migrations are matched by that name.
/// See docs/decisions/0002-migration-projects.md.
/// </summary>
internal sealed class NameMatchedMigrationsAssembly : IMigrationsAssembly
{
    private readonly ICurrentDbContext _context;
    private readonly IMigrationsIdGenerator _ids;
    private readonly Lazy<IReadOnlyDictionary<string, TypeInfo>> _migrations;
    private readonly Lazy<ModelSnapshot?> _snapshot;

    public NameMatchedMigrationsAssembly(ICurrentDbContext context, IDbContextOptions options, IMigrationsIdGenerator ids)
    {
        _context = context;
        _ids = ids;
        var assemblyName = RelationalOptionsExtension.Extract(options).MigrationsAssembly
            ?? throw new InvalidOperationException("No migrations assembly is configured.");
        Assembly = System.Reflection.Assembly.Load(new AssemblyName(assemblyName));
        var contextName = context.Context.GetType().Name;

        bool ForThisContext(TypeInfo t) => t.GetCustomAttribute<DbContextAttribute>()?.ContextType.Name == contextName;

        _migrations = new(() => Assembly.DefinedTypes
            .Where(t => t.IsSubclassOf(typeof(Migration)) && !t.IsAbstract && ForThisContext(t))
            .Select(t => (Id: t.GetCustomAttribute<MigrationAttribute>()?.Id, Type: t))
            .Where(m => m.Id != null)
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToDictionary(m => m.Id!, m => m.Type));
        _snapshot = new(() => Assembly.DefinedTypes
            .Where(t => t.IsSubclassOf(typeof(ModelSnapshot)) && !t.IsAbstract && ForThisContext(t))
            .Select(t => (ModelSnapshot)Activator.CreateInstance(t.AsType())!)
            .FirstOrDefault());
    }

    public IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations.Value;
    public ModelSnapshot? ModelSnapshot => _snapshot.Value;
    public Assembly Assembly { get; }

    public string? FindMigrationId(string nameOrId) => Migrations.Keys
        .Where(_ids.IsValidId(nameOrId)
            ? id => string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase)
            : id => string.Equals(_ids.GetName(id), nameOrId, StringComparison.OrdinalIgnoreCase))
        .FirstOrDefault();

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }
}
