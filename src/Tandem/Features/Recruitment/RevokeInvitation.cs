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
        var (invitation, _) = found.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        if (!invitation.Revoke(now))
        {
            return new Conflict($"This invitation was already {invitation.StatusAt(now).ToString().ToLowerInvariant()}.");
        }
        await db.SaveChangesAsync(ct);
        return InvitationView.From(invitation, now);
    }
}
