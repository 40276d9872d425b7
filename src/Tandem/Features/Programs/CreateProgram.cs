using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>
/// A coordinator of an organisation creates a program in draft; they are enrolled as its coordinator.
/// </summary>
public sealed class CreateProgram(TandemDb db, GetProgram getProgram, TimeProvider clock)
{
    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, CreateProgramRequest request, CancellationToken ct = default)
    {
        var organisationId = request.OrganisationId ?? Guid.Empty;
        var membership = await db.OrganisationMemberships
            .Where(m => m.OrganisationId == organisationId && m.UserId == actor.UserId)
            .Select(m => (OrganisationRole?)m.Role)
            .SingleOrDefaultAsync(ct);
        var organisationExists = actor.IsAdministrator
            ? await db.Organisations.AnyAsync(o => o.Id == organisationId, ct)
            : membership is not null;
        if (!organisationExists)
        {
            return Invalid.Field(nameof(request.OrganisationId), "No such organisation among yours.");
        }
        if (!actor.IsAdministrator && membership != OrganisationRole.Coordinator)
        {
            return new Forbidden("Only a coordinator of the organisation can create programs.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var program = new MentorshipProgram(organisationId, now);
        program.Describe(request.ToDesign(), now);
        db.Programs.Add(program);
        db.Enrolments.Add(new Enrolment(program.Id, actor.UserId, ProgramRole.Coordinator, now));
        await db.SaveChangesAsync(ct);
        return await getProgram.RunAsync(actor, program.Id, ct);
    }
}
