using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;

namespace Tandem.Features.Concerns;

/// <summary>
/// A safeguarding lead's designation ends with what it rests on (ADR 98): removed from the organisation, the lead's row
/// goes inside the removal's transaction; a disabled account's designations go inside the disabling's transaction, so
/// a report is never addressed to someone who cannot read it (the organisation's coordinators are told to designate one).
/// Both are one conditional delete (ADR 116): a row loaded and removed through tracking would fail the removal's save
/// when the lead is withdrawn at the same moment, and the removal would be refused though the person is a member.
/// </summary>
public sealed class SafeguardingLeadEnds(TandemDb db) : IMembershipEndingListener, Accounts.IAccountDisabledListener
{
    public async Task MembershipEndingAsync(Guid organisationId, Guid userId, CancellationToken ct) =>
        await db.Set<SafeguardingLead>().Where(l => l.OrganisationId == organisationId && l.UserId == userId).ExecuteDeleteAsync(ct);

    public async Task AccountDisabledAsync(Guid userId, CancellationToken ct) =>
        await db.Set<SafeguardingLead>().Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
}
