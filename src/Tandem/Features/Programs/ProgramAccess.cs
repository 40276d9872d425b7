using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

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

    /// <summary>
    /// The program when the user (not an administrator) manages it, compiled once (issue 17, ADR 82): every coordinator's
    /// page and list begins here. The filter is <see cref="Visible"/> and <see cref="Manageable"/> together, written out
    /// for the compiled query (which cannot call them): a coordinator enrolment in it (which is also one that sees it), or
    /// a coordinator of its organisation. <c>AccessFilterTests</c> holds the two to the same answers.
    /// </summary>
    private static readonly Func<TandemDb, Guid, Guid, CancellationToken, Task<MentorshipProgram?>> ManagedBy =
        EF.CompileAsyncQuery((TandemDb db, Guid programId, Guid userId, CancellationToken ct) => db.Programs
            .Where(p => p.Id == programId
                && (p.Enrolments.Any(e => e.UserId == userId && e.Role == ProgramRole.Coordinator)
                    || db.OrganisationMemberships.Any(m => m.UserId == userId && m.OrganisationId == p.OrganisationId && m.Role == OrganisationRole.Coordinator)))
            .FirstOrDefault());

    private static readonly Func<TandemDb, Guid, Guid, CancellationToken, Task<MentorshipProgram?>> ManagedByUntracked =
        EF.CompileAsyncQuery((TandemDb db, Guid programId, Guid userId, CancellationToken ct) => db.Programs.AsNoTracking()
            .Where(p => p.Id == programId
                && (p.Enrolments.Any(e => e.UserId == userId && e.Role == ProgramRole.Coordinator)
                    || db.OrganisationMemberships.Any(m => m.UserId == userId && m.OrganisationId == p.OrganisationId && m.Role == OrganisationRole.Coordinator)))
            .FirstOrDefault());

    /// <summary>Whether the user manages any program (see <see cref="ManagedBy"/>), with their name and zone: the participant's home asks it on every visit.</summary>
    internal static readonly Func<TandemDb, Guid, CancellationToken, Task<UserAndManages?>> UserAndManagesQuery =
        EF.CompileAsyncQuery((TandemDb db, Guid userId, CancellationToken ct) => db.Users.Where(u => u.Id == userId)
            .Select(u => new UserAndManages(u.DisplayName, u.TimeZoneId, db.Programs.Any(p =>
                p.Enrolments.Any(e => e.UserId == userId && e.Role == ProgramRole.Coordinator)
                || db.OrganisationMemberships.Any(m => m.UserId == userId && m.OrganisationId == p.OrganisationId && m.Role == OrganisationRole.Coordinator))))
            .FirstOrDefault());

    internal sealed record UserAndManages(string DisplayName, string TimeZoneId, bool Manages);

    public const string OnlyCoordinatorsChange = "You can see this program but only its coordinators can change it.";

    /// <summary>
    /// The program when the actor manages it; 404 when they cannot see it, 403 (with <paramref name="forbidden"/>)
    /// when they can but do not manage it. Every feature's coordinator-only use case starts here.
    /// </summary>
    public async Task<Outcome<MentorshipProgram>> FindManagedAsync(Actor actor, Guid programId, CancellationToken ct,
        string forbidden = OnlyCoordinatorsChange, bool withObjectives = false, bool tracked = true)
    {
        var visible = Visible(actor).Where(p => p.Id == programId);
        MentorshipProgram? program;
        if (withObjectives || actor.IsAdministrator)
        {
            var managed = visible.Where(Manageable(actor));
            if (withObjectives)
            {
                managed = managed.Include(p => p.Objectives);
            }
            program = await (tracked ? managed : managed.AsNoTracking()).SingleOrDefaultAsync(ct);
        }
        else
        {
            program = await (tracked ? ManagedBy : ManagedByUntracked)(db, programId, actor.UserId, ct);
        }
        if (program is not null)
        {
            return program;
        }
        return await visible.AnyAsync(ct)
            ? new Forbidden(forbidden)
            : new NotFound("No program with this id is visible to you.");
    }
}
