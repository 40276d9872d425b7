using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>
/// A coordinator of an organisation creates a program in draft; they are enrolled as its coordinator. The membership is
/// read and the program written behind the organisation's row lock (ADR 119, 128), as a removal from it is: a coordinator
/// being removed at that moment waits for the removal and is refused, rather than keeping a program in an organisation
/// they have left. Inside a caller's transaction (copying a program, creating one from a template) the lock is taken in
/// it and held to its commit.
/// </summary>
public sealed class CreateProgram(TandemDb db, GetProgram getProgram, TimeProvider clock)
{
    public const string NoOrganisation = "No such organisation among yours.";

    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, CreateProgramRequest request, CancellationToken ct = default)
    {
        var organisationId = request.OrganisationId ?? Guid.Empty;
        Guid programId;
        await using (var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null)
        {
            if (!await OrganisationLock.TakeAsync(db, organisationId, ct))
            {
                return Invalid.Field(nameof(request.OrganisationId), NoOrganisation);
            }
            var membership = await db.OrganisationMemberships
                .Where(m => m.OrganisationId == organisationId && m.UserId == actor.UserId)
                .Select(m => (OrganisationRole?)m.Role)
                .SingleOrDefaultAsync(ct);
            if (!actor.IsAdministrator && membership is null)
            {
                return Invalid.Field(nameof(request.OrganisationId), NoOrganisation);
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
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
            programId = program.Id;
        }
        return await getProgram.RunAsync(actor, programId, ct);
    }
}
