using Tandem.Data;

namespace Tandem.Features.Matching;

/// <summary>Writes a draft's rows (proposals, people left over, certificate) in batches without change tracking, inside the caller's transaction.</summary>
public static class DraftRows
{
    private const int Batch = 5_000;

    public static async Task InsertAsync(TandemDb db, IReadOnlyList<MatchProposal> proposals, IReadOnlyList<UnmatchedEntry> unmatched, MatchDraftCertificate? certificate, CancellationToken ct)
    {
        var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await InBatchesAsync(db, proposals, ct);
            await InBatchesAsync(db, unmatched, ct);
            if (certificate is not null)
            {
                db.Add(certificate);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = tracking;
        }
    }

    private static async Task InBatchesAsync<T>(TandemDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        for (var first = 0; first < rows.Count; first += Batch)
        {
            db.ChangeTracker.Clear();
            db.Set<T>().AddRange(rows.Skip(first).Take(Batch));
            await db.SaveChangesAsync(ct);
        }
        db.ChangeTracker.Clear();
    }
}
