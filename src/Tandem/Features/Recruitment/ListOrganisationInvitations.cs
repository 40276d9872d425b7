using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>The organisation's open and past invitations to join it, newest first, for its coordinators and administrators.</summary>
public sealed class ListOrganisationInvitations(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<Paged<InvitationView>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var invitations = db.Set<Invitation>().Where(i => i.OrganisationId == organisationId && i.Purpose == InvitationPurpose.JoinOrganisation);
        var total = await invitations.CountAsync(ct);
        var rows = await invitations.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Page(paging).AsNoTracking().ToListAsync(ct);
        return paging.Of(rows.Select(i => InvitationView.From(i, now)).ToList(), total);
    }
}
