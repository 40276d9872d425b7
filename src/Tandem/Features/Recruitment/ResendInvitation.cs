using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>Sends an open (or expired) invitation again with a fresh link and expiry; the old link stops working.</summary>
public sealed class ResendInvitation(TandemDb db, ProgramAccess access, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    public async Task<Outcome<InvitationView>> RunAsync(Actor actor, Guid invitationId, CancellationToken ct = default)
    {
        var found = await InvitationLookup.FindManageableAsync(db, access, actor, invitationId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (invitation, program) = found.Value;
        if (invitation.Purpose == InvitationPurpose.Apply && RecruitmentRules.NotRecruitingProblem(program!) is { } notRecruiting)
        {
            return notRecruiting;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var (token, hash) = Invitation.NewToken();
        if (!invitation.Renew(hash, now, now.AddDays(options.Value.InvitationLifetimeDays)))
        {
            return new Conflict($"This invitation was {invitation.StatusAt(now).ToString().ToLowerInvariant()}; it cannot be resent.");
        }
        await db.SaveChangesAsync(ct);
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }
}
