using System.Linq.Expressions;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Programs;

/// <summary>
/// Who sees and who manages a program, as query filters, so that the check is part of every query's
/// WHERE clause and an object outside the caller's reach is simply not found.
/// </summary>
public sealed class ProgramAccess(TandemDb db)
{
    /// <summary>Administrators see all; organisation coordinators see their organisation's; anyone enrolled sees theirs.</summary>
    public IQueryable<MentorshipProgram> Visible(Actor actor) => actor.IsAdministrator
        ? db.Programs
        : db.Programs.Where(p =>
            p.Enrolments.Any(e => e.UserId == actor.UserId)
            || db.OrganisationMemberships.Any(m => m.UserId == actor.UserId && m.OrganisationId == p.OrganisationId && m.Role == OrganisationRole.Coordinator));

    /// <summary>Administrators, organisation coordinators and the program's own coordinators manage it.</summary>
    public Expression<Func<MentorshipProgram, bool>> Manageable(Actor actor)
    {
        if (actor.IsAdministrator)
        {
            return p => true;
        }
        return p => p.Enrolments.Any(e => e.UserId == actor.UserId && e.Role == ProgramRole.Coordinator)
            || db.OrganisationMemberships.Any(m => m.UserId == actor.UserId && m.OrganisationId == p.OrganisationId && m.Role == OrganisationRole.Coordinator);
    }
}
