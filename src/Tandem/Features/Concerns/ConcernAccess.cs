using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>
/// Who handles a concern, as a query filter (ADR 23): never the person it is about; a safeguarding concern only the
/// organisation's designated safeguarding leads; any other concern the program's managers (its coordinators, the
/// organisation's coordinators, administrators). Anyone else finds nothing (404).
/// </summary>
public sealed class ConcernAccess(TandemDb db, ProgramAccess programs)
{
    public IQueryable<Concern> Handled(Actor actor)
    {
        var managed = programs.Visible(actor).Where(programs.Manageable(actor)).Select(p => p.Id);
        var leads = db.Set<SafeguardingLead>().Where(l => l.UserId == actor.UserId).Select(l => l.OrganisationId);
        return db.Set<Concern>().Where(c => c.SubjectUserId != actor.UserId
            && (c.Category == ConcernCategory.Safeguarding ? leads.Contains(c.OrganisationId) : managed.Contains(c.ProgramId)));
    }

    /// <summary>Whether the actor handles some concerns of this program (manages it, or leads safeguarding in its organisation).</summary>
    public async Task<Outcome<MentorshipProgram>> FindProgramAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId, ct);
        if (program is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var manages = await programs.Visible(actor).Where(p => p.Id == programId).Where(programs.Manageable(actor)).AnyAsync(ct);
        var leads = await IsLeadAsync(actor, program.OrganisationId, ct);
        if (manages || leads)
        {
            return program;
        }
        return await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct)
            ? new Forbidden("Only the program's coordinators and the organisation's safeguarding leads read its concerns.")
            : new NotFound("No program with this id is visible to you.");
    }

    public Task<bool> IsLeadAsync(Actor actor, Guid organisationId, CancellationToken ct) =>
        db.Set<SafeguardingLead>().AnyAsync(l => l.UserId == actor.UserId && l.OrganisationId == organisationId, ct);

    /// <summary>The concern, tracked, when the actor handles it; 404 otherwise (it may not exist, as far as they know).</summary>
    public async Task<Outcome<Concern>> FindHandledAsync(Actor actor, Guid programId, Guid concernId, CancellationToken ct)
    {
        var concern = await Handled(actor).Include(c => c.Steps).SingleOrDefaultAsync(c => c.Id == concernId && c.ProgramId == programId, ct);
        return concern is null ? new NotFound("No concern with this id is visible to you.") : concern;
    }

    /// <summary>
    /// The people who handle a concern: for safeguarding the organisation's leads; otherwise the program's coordinators
    /// and the organisation's coordinators. Never the person it is about.
    /// </summary>
    public async Task<List<Guid>> HandlersAsync(Guid programId, Guid organisationId, bool safeguarding, Guid? subjectUserId, CancellationToken ct)
    {
        List<Guid> ids;
        if (safeguarding)
        {
            ids = await db.Set<SafeguardingLead>().Where(l => l.OrganisationId == organisationId).Select(l => l.UserId).ToListAsync(ct);
        }
        else
        {
            var own = await db.Enrolments.Where(e => e.ProgramId == programId && e.Role == ProgramRole.Coordinator).Select(e => e.UserId).ToListAsync(ct);
            var organisation = await db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && m.Role == OrganisationRole.Coordinator)
                .Select(m => m.UserId).ToListAsync(ct);
            ids = own.Concat(organisation).ToList();
        }
        return ids.Where(id => id != subjectUserId).Distinct().ToList();
    }

    /// <summary>Who may be the neutral third party of a mediation: the program's coordinators and staff, and the organisation's coordinators.</summary>
    public async Task<List<PersonOption>> MediatorsAsync(Concern concern, CancellationToken ct)
    {
        var enrolled = db.Enrolments.Where(e => e.ProgramId == concern.ProgramId && (e.Role == ProgramRole.Coordinator || e.Role == ProgramRole.Staff)).Select(e => e.UserId);
        var coordinators = db.OrganisationMemberships.Where(m => m.OrganisationId == concern.OrganisationId && m.Role == OrganisationRole.Coordinator).Select(m => m.UserId);
        return await db.Users
            .Where(u => (enrolled.Contains(u.Id) || coordinators.Contains(u.Id)) && u.Id != concern.ReporterUserId && u.Id != concern.SubjectUserId)
            .OrderBy(u => u.DisplayName).Select(u => new PersonOption(u.Id, u.DisplayName)).ToListAsync(ct);
    }
}

/// <summary>Whom a program's serious concerns were about, for features that must leave those people out without saying why.</summary>
public static class ConcernSubjects
{
    /// <summary>
    /// The people a safeguarding concern, or an escalated one, in the program was about: named as its subject, or the
    /// other members of the pair it was raised about (its reporter excepted).
    /// </summary>
    public static IQueryable<Guid> OfSeriousConcerns(TandemDb db, Guid programId)
    {
        var serious = db.Set<Concern>().Where(c => c.ProgramId == programId
            && (c.Category == ConcernCategory.Safeguarding || c.State == ConcernState.Escalated));
        var named = serious.Where(c => c.SubjectUserId != null).Select(c => c.SubjectUserId!.Value);
        var inThePair = serious.Where(c => c.SubjectUserId == null && c.RelationshipId != null)
            .SelectMany(c => db.Set<Relationships.RelationshipMember>().Where(m => m.RelationshipId == c.RelationshipId && m.UserId != c.ReporterUserId)
                .Select(m => m.UserId));
        return named.Union(inThePair);
    }
}

