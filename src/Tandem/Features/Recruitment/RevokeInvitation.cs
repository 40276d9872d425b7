using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>Withdraws an invitation that has not been accepted; its link stops working.</summary>
public sealed class RevokeInvitation(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<InvitationView>> RunAsync(Actor actor, Guid invitationId, CancellationToken ct = default)
    {
        var found = await InvitationLookup.FindManageableAsync(db, access, actor, invitationId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // One conditional update (ADR 106): an acceptance that crossed the revoke wins, and the coordinator is told so,
        // rather than the invitation ending up both accepted and revoked.
        var revoked = await db.Set<Invitation>().Where(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), ct) == 1;
        return await InvitationLookup.AfterChangeAsync(db, invitationId, revoked, now,
            status => $"This invitation was already {status.ToString().ToLowerInvariant()}.", ct);
    }
}
