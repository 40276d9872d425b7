using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

internal static class InvitationLookup
{
    /// <summary>
    /// The invitation and its program (null for an invitation to join an organisation) when the actor manages them:
    /// the program's coordinators for program invitations, the organisation's coordinators (and administrators) for
    /// organisation ones; 404 for everyone else who cannot see it.
    /// </summary>
    public static async Task<Outcome<(Invitation, MentorshipProgram?)>> FindManageableAsync(TandemDb db, ProgramAccess access, Actor actor, Guid invitationId, CancellationToken ct)
    {
        var target = await db.Set<Invitation>().Where(i => i.Id == invitationId).Select(i => new { i.ProgramId, i.OrganisationId }).SingleOrDefaultAsync(ct);
        if (target is null)
        {
            return new NotFound("No invitation with this id is visible to you.");
        }
        MentorshipProgram? program = null;
        if (target.ProgramId is { } programId)
        {
            var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
            if (found.Failure is { } failure)
            {
                return failure is NotFound ? new NotFound("No invitation with this id is visible to you.") : failure;
            }
            program = found.Value!;
        }
        else if (await OrganisationAccess.CheckManagerAsync(db, actor, target.OrganisationId, ct) is { } refused)
        {
            return refused is NotFound ? new NotFound("No invitation with this id is visible to you.") : refused;
        }
        // Deleted since the first read (its organisation or program removed): as if never found (ADR 94).
        var invitation = await db.Set<Invitation>().SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        return invitation is null ? new NotFound("No invitation with this id is visible to you.") : (invitation, program);
    }

    /// <summary>
    /// The answer to a conditional update of an invitation (revoke, resend): its view as it is now when the update changed
    /// it; otherwise 409 with <paramref name="refusal"/> of its status (accepted or revoked meanwhile), or 404 when it is
    /// gone (ADR 94).
    /// </summary>
    public static async Task<Outcome<InvitationView>> AfterChangeAsync(TandemDb db, Guid invitationId, bool changed, DateTime now,
        Func<InvitationStatus, string> refusal, CancellationToken ct)
    {
        var current = await db.Set<Invitation>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        if (current is null)
        {
            return new NotFound("No invitation with this id is visible to you.");
        }
        return changed ? InvitationView.From(current, now) : new Conflict(refusal(current.StatusAt(now)));
    }
}
