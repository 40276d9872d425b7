using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Events;

/// <summary>Who reads a program's events: its name, the audiences they are in, whether they manage it, and their roles in it.</summary>
public sealed record EventReader(Guid ProgramId, string ProgramName, IReadOnlyList<ProgramRole> Roles, bool CanManage)
{
    /// <summary>Coordinators and staff read every event of the program; participants those of their audience.</summary>
    public bool ReadsAll => CanManage || Roles.Any(Enrolment.IsStaffRole);

    public EventAudience[] Audiences => ReadsAll ? Enum.GetValues<EventAudience>() : ProgramEvent.AudiencesFor(Roles.ToList());

    /// <summary>
    /// Signed in but not enrolled, reading an information session of a recruiting program (ADR 70): they see and answer
    /// that event only, as they signed up for Recruitment's sessions before.
    /// </summary>
    public bool IsApplicant { get; init; }

    /// <summary>Anyone enrolled in the program who is in the event's audience (staff in every audience) answers it; an applicant answers the information session.</summary>
    public bool MayAnswer(ProgramEvent evt) => (IsApplicant && evt.Kind == EventKind.InformationSession) || Roles.Count > 0 && (Roles.Any(Enrolment.IsStaffRole) || ProgramEvent.RolesOf(evt.Audience).Any(Roles.Contains));
}

/// <summary>
/// The events a person may see, as query filters: the program must be visible to them (ProgramAccess), and a participant
/// sees only the events of their audience. Anything else is simply not found (404), whatever its id.
/// </summary>
public sealed class EventAccess(TandemDb db, ProgramAccess programs)
{
    public const string NoEvent = "No event with this id is visible to you.";

    /// <summary>Null when the program is not visible to the actor.</summary>
    public async Task<EventReader?> ReaderAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var program = await programs.Visible(actor).Where(p => p.Id == programId)
            .Select(p => new { p.Name, Roles = p.Enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.Role).ToList() })
            .SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return null;
        }
        var canManage = await programs.Visible(actor).Where(p => p.Id == programId).Where(programs.Manageable(actor)).AnyAsync(ct);
        return new EventReader(programId, program.Name, program.Roles, canManage);
    }

    /// <summary>The event (tracked) and its reader, or 404 when either its program or (for a participant) its audience is not theirs.</summary>
    public async Task<Outcome<(ProgramEvent Event, EventReader Reader)>> FindAsync(Actor actor, Guid eventId, CancellationToken ct = default)
    {
        var evt = await db.Set<ProgramEvent>().SingleOrDefaultAsync(e => e.Id == eventId, ct);
        if (evt is null)
        {
            return new NotFound(NoEvent);
        }
        var reader = await ReaderAsync(actor, evt.ProgramId, ct);
        // The named host reads the event (and takes its attendance) whatever its audience: a mentor hosting the mentees' event.
        if (reader is null || (!reader.Audiences.Contains(evt.Audience) && evt.HostUserId != actor.UserId))
        {
            // People not yet enrolled see and answer a recruiting program's information sessions, and nothing else (ADR 70).
            if (evt.Kind == EventKind.InformationSession && (reader is null || reader.Roles.Count == 0)
                && await db.Programs.Where(p => p.Id == evt.ProgramId && p.Status == ProgramStatus.Recruiting).Select(p => p.Name).SingleOrDefaultAsync(ct) is { } name)
            {
                return (evt, new EventReader(evt.ProgramId, name, [], false) { IsApplicant = true });
            }
            return new NotFound(NoEvent);
        }
        return (evt, reader);
    }

    /// <summary>Whether the actor takes the event's attendance: its program's coordinators, or its named host.</summary>
    public static bool Hosts(Actor actor, ProgramEvent evt, EventReader reader) => reader.CanManage || (evt.HostUserId is { } host && host == actor.UserId);
}
