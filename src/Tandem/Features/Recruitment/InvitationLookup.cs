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
        var invitation = await db.Set<Invitation>().SingleAsync(i => i.Id == invitationId, ct);
        return (invitation, program);
    }
}
