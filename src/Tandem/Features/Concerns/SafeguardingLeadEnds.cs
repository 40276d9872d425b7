using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;

namespace Tandem.Features.Concerns;

/// <summary>
/// A safeguarding lead's designation ends with what it rests on (ADR 98): removed from the organisation, the lead's row
/// goes in the same save as the membership; a disabled account's designations go inside the disabling's transaction, so
/// a report is never addressed to someone who cannot read it (the organisation's coordinators are told to designate one).
/// </summary>
public sealed class SafeguardingLeadEnds(TandemDb db) : IMembershipEndingListener, Accounts.IAccountDisabledListener
{
    public async Task MembershipEndingAsync(Guid organisationId, Guid userId, CancellationToken ct) =>
        db.RemoveRange(await db.Set<SafeguardingLead>().Where(l => l.OrganisationId == organisationId && l.UserId == userId).ToListAsync(ct));

    public async Task AccountDisabledAsync(Guid userId, CancellationToken ct) =>
        await db.Set<SafeguardingLead>().Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
}
