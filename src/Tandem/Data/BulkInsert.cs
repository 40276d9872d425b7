using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Tandem.Data;

/// <summary>
/// Inserts many new rows of one entity type fast, inside the context's current transaction: on PostgreSQL with a binary
/// COPY (Npgsql's importer; column names, types and value converters from the EF model), elsewhere through EF in
/// batches without change tracking. For rows nothing else tracks (a draft's 20,000 proposals), where EF's per-row
/// INSERTs would be most of the time.
/// </summary>
public static partial class BulkInsert
{
    private const int Batch = 5_000;

    public static async Task RunAsync<T>(TandemDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (db.Database.IsNpgsql())
        {
            await CopyAsync(db, rows, ct);
            return;
        }
        var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            for (var first = 0; first < rows.Count; first += Batch)
            {
                db.ChangeTracker.Clear();
                db.Set<T>().AddRange(rows.Skip(first).Take(Batch));
                await db.SaveChangesAsync(ct);
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = tracking;
        }
    }

    private static async Task CopyAsync<T>(TandemDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Select(p => (Property: p, Name: p.GetColumnName(table)!, Type: Length().Replace(p.GetColumnType(table), ""), Converter: p.GetTypeMapping().Converter))
            .ToList();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        var copy = $"COPY {Quote(table.Name)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var (property, _, type, converter) in columns)
            {
                var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
                if (converter is not null && value is not null)
                {
                    value = converter.ConvertToProvider(value);
                }
                if (value is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    await importer.WriteAsync(value, type, ct);
                }
            }
        }
        await importer.CompleteAsync(ct);
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"")}\"";

    [GeneratedRegex(@"\(\d+\)$")]
    private static partial Regex Length();
}
