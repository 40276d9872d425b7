using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>The program's invitations with their status, newest first, for its coordinators.</summary>
public sealed class ListInvitations(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<InvitationView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, InvitationStatus? status, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var invitations = db.Set<Invitation>().Where(i => i.ProgramId == programId);
        invitations = status switch
        {
            InvitationStatus.Revoked => invitations.Where(i => i.RevokedAt != null),
            InvitationStatus.Accepted => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt != null),
            InvitationStatus.Expired => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt == null && i.ExpiresAt <= now),
            InvitationStatus.Sent => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt == null && i.ExpiresAt > now && i.SentAt != null),
            InvitationStatus.NotSent => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt == null && i.ExpiresAt > now && i.SentAt == null),
            _ => invitations,
        };
        var total = await invitations.CountAsync(ct);
        var rows = await invitations.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Page(paging).AsNoTracking().ToListAsync(ct);
        return paging.Of(rows.Select(i => InvitationView.From(i, now)).ToList(), total);
    }
}
