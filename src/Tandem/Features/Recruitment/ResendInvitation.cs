using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// Sends an open (or expired) invitation again with a fresh link and expiry; the old link stops working. An invitation to
/// apply, or to be enrolled as a mentor, mentee or peer, is not sent again to someone who has applied since or whom the
/// consent gate holds back (ADRs 106, 119); none to a program retention anonymised, and no invitation to be enrolled as a
/// participant to a closed program (ADR 119).
/// </summary>
public sealed class ResendInvitation(TandemDb db, ProgramAccess access, IProgramApplicants applicants, IProgramRetention retention, InvitationMailer mailer,
    IOptions<RecruitmentOptions> options, TimeProvider clock)
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
        if (program is not null && await retention.AnonymisedAtAsync(program.Id, ct) is not null)
        {
            return new Conflict(RecruitmentRules.Retained);
        }
        var asParticipant = invitation.Purpose == InvitationPurpose.Enrol && RecruitmentRules.IsParticipant(invitation.Role ?? ProgramRole.Mentee);
        if (asParticipant && RecruitmentRules.ClosedProblem(program!) is { } closed)
        {
            return closed;
        }
        if ((invitation.Purpose == InvitationPurpose.Apply || asParticipant) && (await applicants.AmongAsync(program!.Id, [invitation.NormalizedEmail], ct)).Count > 0)
        {
            return new Conflict($"{invitation.Email} already applied to this program; the invitation is not sent again.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var (token, hash) = Invitation.NewToken();
        var expires = now.AddDays(options.Value.InvitationLifetimeDays);
        // One conditional update (ADR 106): an invitation accepted or revoked meanwhile is not renewed and sent again.
        var renewed = await db.Set<Invitation>().Where(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.TokenHash, hash).SetProperty(i => i.ExpiresAt, expires).SetProperty(i => i.SentAt, (DateTime?)null), ct) == 1;
        if (!renewed)
        {
            return await InvitationLookup.AfterChangeAsync(db, invitationId, false, now,
                status => $"This invitation was {status.ToString().ToLowerInvariant()}; it cannot be resent.", ct);
        }
        await db.Entry(invitation).ReloadAsync(ct);
        if (db.Entry(invitation).State == EntityState.Detached)
        {
            return new NotFound("No invitation with this id is visible to you.");
        }
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }
}
