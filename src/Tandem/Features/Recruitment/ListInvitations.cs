using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>The program's invitations with their status, newest first, for its coordinators. A status no invitation has is a 400 (ADR 119).</summary>
public sealed class ListInvitations(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<InvitationView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, InvitationStatus? status, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (status is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field("status", UnknownStatus);
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

    /// <summary>
    /// The program's open invitations to be enrolled as staff or coordinator, newest first, a page at a time: filtered in the
    /// query, so that a long roster of invitations to apply does not push them off the staff page (ADR 119).
    /// </summary>
    public async Task<Outcome<Paged<InvitationView>>> StaffWaitingAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var invitations = db.Set<Invitation>().Where(i => i.ProgramId == programId && i.Purpose == InvitationPurpose.Enrol
            && (i.Role == ProgramRole.Staff || i.Role == ProgramRole.Coordinator) && i.RevokedAt == null && i.AcceptedAt == null && i.ExpiresAt > now);
        var total = await invitations.CountAsync(ct);
        var rows = await invitations.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Page(paging).AsNoTracking().ToListAsync(ct);
        return paging.Of(rows.Select(i => InvitationView.From(i, now)).ToList(), total);
    }

    public const string UnknownStatus = "Choose one of the statuses: NotSent, Sent, Accepted, Expired or Revoked.";
}
