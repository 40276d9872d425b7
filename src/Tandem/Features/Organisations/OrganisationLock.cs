using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Organisations;

/// <summary>
/// The organisation's row lock, for changes to its members and invitations to join it that check something and then write
/// (ADR 119): an UPDATE of the row that changes nothing, in the caller's transaction, as Programs' ProgramLock
/// is for a program. PostgreSQL holds the row lock to the commit, so a second request waits and then reads what the first
/// wrote (two coordinators demoting each other leave one); SQLite's write lock is the database's.
/// </summary>
public static class OrganisationLock
{
    /// <returns>False when the organisation is gone.</returns>
    public static async Task<bool> TakeAsync(TandemDb db, Guid organisationId, CancellationToken ct) =>
        await db.Organisations.Where(o => o.Id == organisationId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, o => o.Name), ct) == 1;
}
