using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>What self-match needs to know about the actor as a mentee of a program.</summary>
internal static class SelfMatchMentee
{
    public const string NotConsented = "You can ask for a mentor once your consent (or your parent's or guardian's) is given.";

    public static async Task<Outcome<(Enrolment Enrolment, ProgramSelfMatchSettings Settings)>> FindAsync(TandemDb db, ProgramAccess programs, Actor actor, Guid programId, CancellationToken ct)
    {
        if (!await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var enrolment = await db.Enrolments.SingleOrDefaultAsync(e => e.ProgramId == programId && e.UserId == actor.UserId && e.Role == ProgramRole.Mentee, ct);
        if (enrolment is null)
        {
            return new Forbidden("Only the program's mentees choose a mentor.");
        }
        // A mentee the program may not match or contact yet (a guardian not yet answered, a withdrawal) neither browses
        // mentors nor asks one: the mentor would be e-mailed their name and words (ADR 48).
        if (await Applications.ConsentGate.HoldsBackAsync(db, programId, actor.UserId, ct))
        {
            return new Conflict(NotConsented);
        }
        var settings = await ProgramSelfMatchSettings.LoadAsync(db, programId, ct);
        if (!settings.SelfMatchEnabled)
        {
            return new Conflict("This program does not let mentees choose their mentor; the coordinators match you.");
        }
        if (await db.Set<RelationshipSeat>().AnyAsync(s => s.EnrolmentId == enrolment.Id, ct))
        {
            return new Conflict("You already have a mentor in this program.");
        }
        return (enrolment, settings);
    }
}
