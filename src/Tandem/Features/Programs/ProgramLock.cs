using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Programs;

/// <summary>
/// The program's row lock, for changes to a program that check something and then write (ADR 114): an UPDATE of the row
/// that changes nothing, in the caller's transaction. PostgreSQL holds the row lock to the commit, so a second request
/// waits and then reads what the first wrote; SQLite's write lock is the database's. The one place the statement is
/// written: Recruitment, Matching and Training take the same lock through it.
/// </summary>
public static class ProgramLock
{
    /// <returns>False when the program is gone.</returns>
    public static async Task<bool> TakeAsync(TandemDb db, Guid programId, CancellationToken ct) =>
        await db.Programs.Where(p => p.Id == programId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, p => p.Status), ct) == 1;
}
