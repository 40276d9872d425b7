using Microsoft.EntityFrameworkCore;

namespace Tandem.Infrastructure.Problems;

/// <summary>
/// Saving a row there is one of per program, organisation or person (settings, a calendar feed), which the change adds
/// when it is missing. Two first saves at once (a double click) both add it; the second one's insert meets the unique
/// index. Rather than a 500 or a "try again", the second forgets its unsaved changes, runs the change once more (now
/// finding the first one's row) and saves over it, as if it had come a moment later.
/// </summary>
public static class FirstSave
{
    /// <summary>
    /// Runs <paramref name="change"/> (read the row, add it if missing, change it; returns what the caller answers with)
    /// and saves; on a unique violation, once, clears the change tracker and runs it again. The change must not depend on
    /// anything tracked before it: the retry forgets that too.
    /// </summary>
    public static async Task<T> SaveOverFirstAsync<T>(this DbContext db, Func<Task<T>> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await change();
            try
            {
                await db.SaveChangesAsync(ct);
                return result;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt == 1)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
