using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Tandem.Infrastructure.Problems;

/// <summary>
/// Why the database refused a save. A use case catches <see cref="DbUpdateException"/> only for the cause it
/// expects (STYLE 16): <c>catch (DbUpdateException e) when (e.IsUniqueViolation())</c>; anything else (a foreign key,
/// a NOT NULL, a lost connection) is a bug or an outage and surfaces as one.
/// </summary>
public static class DbUpdateExceptionExtensions
{
    // SQLite's extended result codes: SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY (plain 19 is any constraint).
    private const int SqliteUniqueConstraint = 2067;
    private const int SqlitePrimaryKeyConstraint = 1555;
    // SQLITE_CONSTRAINT_FOREIGNKEY.
    private const int SqliteForeignKeyConstraint = 787;

    /// <summary>A unique index or primary key refused the row (another request inserted the same key first), on SQLite or PostgreSQL.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteUniqueConstraint or SqlitePrimaryKeyConstraint,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>
    /// A foreign key refused the row: what it names was deleted by another request since it was read (a module deleted
    /// while someone answered its quiz, a resource deleted while it was attached). Caught only where that race is expected.
    /// </summary>
    public static bool IsForeignKeyViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == SqliteForeignKeyConstraint,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.ForeignKeyViolation,
        _ => false,
    };

    /// <summary>
    /// A concurrency token no longer matched (another request changed the row since it was read), so this save
    /// would have overwritten that change.
    /// </summary>
    public static bool IsLostUpdate(this DbUpdateException exception) => exception is DbUpdateConcurrencyException;
}
