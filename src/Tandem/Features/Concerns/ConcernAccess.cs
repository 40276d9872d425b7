using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>
/// Who handles a concern, as a query filter (ADR 23, ADR 98): never the people it is about (<see cref="About"/>); a
/// safeguarding concern only the organisation's designated safeguarding leads who are still its members; any other
/// concern the program's managers (its coordinators, the organisation's coordinators, administrators), and, when none
/// of its coordinators may handle it (all of them are what it is about, or disabled), the organisation's leads. Anyone
/// else finds nothing (404). Who is told (<see cref="HandlersAsync"/>) and who reads follow the same rules.
/// </summary>
public sealed class ConcernAccess(TandemDb db, ProgramAccess programs)
{
    /// <summary>
    /// Every (concern, person it is about): the person it names, or, when it names nobody but one of the reporter's
    /// relationships, the other members of that relationship. The one rule that keeps a concern from the people it is
    /// about, as handlers, readers and mediators.
    /// </summary>
    public IQueryable<ConcernPerson> About()
    {
        var named = db.Set<Concern>().Where(c => c.SubjectUserId != null)
            .Select(c => new ConcernPerson { ConcernId = c.Id, UserId = c.SubjectUserId!.Value });
        var inThePair = db.Set<Concern>().Where(c => c.SubjectUserId == null && c.RelationshipId != null)
            .Join(db.Set<Relationships.RelationshipMember>(), c => c.RelationshipId!.Value, m => m.RelationshipId, (c, m) => new { c.Id, c.ReporterUserId, m.UserId })
            .Where(x => x.UserId != x.ReporterUserId)
            .Select(x => new ConcernPerson { ConcernId = x.Id, UserId = x.UserId });
        return named.Concat(inThePair);
    }

    /// <summary>Designated safeguarding leads who are still members of the organisation and whose accounts are not disabled.</summary>
    public IQueryable<SafeguardingLead> CurrentLeads() => db.Set<SafeguardingLead>()
        .Where(l => db.OrganisationMemberships.Any(m => m.OrganisationId == l.OrganisationId && m.UserId == l.UserId)
            && db.Users.Any(u => u.Id == l.UserId && !u.IsDisabled));

    /// <summary>
    /// Every (concern, coordinator who handles it) of the concerns that are not safeguarding: the program's and the
    /// organisation's coordinators, not disabled, not what the concern is about.
    /// </summary>
    private IQueryable<ConcernPerson> CoordinatorHandlers()
    {
        var concerns = db.Set<Concern>().Where(c => c.Category != ConcernCategory.Safeguarding);
        var own = concerns.Join(db.Enrolments.Where(e => e.Role == ProgramRole.Coordinator), c => c.ProgramId, e => e.ProgramId,
            (c, e) => new ConcernPerson { ConcernId = c.Id, UserId = e.UserId });
        var organisation = concerns.Join(db.OrganisationMemberships.Where(m => m.Role == OrganisationRole.Coordinator), c => c.OrganisationId, m => m.OrganisationId,
            (c, m) => new ConcernPerson { ConcernId = c.Id, UserId = m.UserId });
        var about = About();
        return own.Concat(organisation)
            .Where(h => db.Users.Any(u => u.Id == h.UserId && !u.IsDisabled) && !about.Any(a => a.ConcernId == h.ConcernId && a.UserId == h.UserId));
    }

    public IQueryable<Concern> Handled(Actor actor)
    {
        var managed = programs.Visible(actor).Where(programs.Manageable(actor)).Select(p => p.Id);
        var leads = CurrentLeads().Where(l => l.UserId == actor.UserId).Select(l => l.OrganisationId);
        var aboutMe = About().Where(a => a.UserId == actor.UserId).Select(a => a.ConcernId);
        var coordinated = CoordinatorHandlers().Select(h => h.ConcernId);
        return db.Set<Concern>().Where(c => !aboutMe.Contains(c.Id)
            && (c.Category == ConcernCategory.Safeguarding
                ? leads.Contains(c.OrganisationId)
                : managed.Contains(c.ProgramId) || (leads.Contains(c.OrganisationId) && !coordinated.Contains(c.Id))));
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
        CurrentLeads().AnyAsync(l => l.UserId == actor.UserId && l.OrganisationId == organisationId, ct);

    /// <summary>The concern, tracked, when the actor handles it; 404 otherwise (it may not exist, as far as they know).</summary>
    public async Task<Outcome<Concern>> FindHandledAsync(Actor actor, Guid programId, Guid concernId, CancellationToken ct)
    {
        var concern = await Handled(actor).Include(c => c.Steps).SingleOrDefaultAsync(c => c.Id == concernId && c.ProgramId == programId, ct);
        return concern is null ? new NotFound("No concern with this id is visible to you.") : concern;
    }

    /// <summary>
    /// The people told of a concern (it is saved): for safeguarding the organisation's current leads (none: the caller
    /// tells the coordinators to designate one); otherwise the coordinators who handle it, or, when there are none, the
    /// organisation's current leads, or, when there are none either, the administrators. Never anyone it is about, never a
    /// disabled account; each of them reads it (<see cref="Handled"/>).
    /// </summary>
    public async Task<List<Guid>> HandlersAsync(Concern concern, CancellationToken ct)
    {
        var about = About().Where(a => a.ConcernId == concern.Id).Select(a => a.UserId);
        var leads = CurrentLeads().Where(l => l.OrganisationId == concern.OrganisationId && !about.Contains(l.UserId)).Select(l => l.UserId);
        if (concern.IsSafeguarding)
        {
            return await leads.Distinct().ToListAsync(ct);
        }
        var coordinators = await CoordinatorHandlers().Where(h => h.ConcernId == concern.Id).Select(h => h.UserId).Distinct().ToListAsync(ct);
        if (coordinators.Count > 0)
        {
            return coordinators;
        }
        var fallback = await leads.Distinct().ToListAsync(ct);
        if (fallback.Count > 0)
        {
            return fallback;
        }
        var administrators = db.AdministratorIds();
        return await db.Users.Where(u => !u.IsDisabled && !about.Contains(u.Id) && administrators.Contains(u.Id))
            .Select(u => u.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Who may be the neutral third party of a mediation: the program's coordinators and staff, and the organisation's
    /// coordinators, with working accounts; never the reporter or anyone the concern is about.
    /// </summary>
    public async Task<List<PersonOption>> MediatorsAsync(Concern concern, CancellationToken ct)
    {
        var enrolled = db.Enrolments.Where(e => e.ProgramId == concern.ProgramId && (e.Role == ProgramRole.Coordinator || e.Role == ProgramRole.Staff)).Select(e => e.UserId);
        var coordinators = db.OrganisationMemberships.Where(m => m.OrganisationId == concern.OrganisationId && m.Role == OrganisationRole.Coordinator).Select(m => m.UserId);
        var about = About().Where(a => a.ConcernId == concern.Id).Select(a => a.UserId);
        return await db.Users
            .Where(u => (enrolled.Contains(u.Id) || coordinators.Contains(u.Id)) && !u.IsDisabled && u.Id != concern.ReporterUserId && !about.Contains(u.Id))
            .OrderBy(u => u.DisplayName).Select(u => new PersonOption(u.Id, u.DisplayName)).ToListAsync(ct);
    }
}

/// <summary>One person and one concern (see <see cref="ConcernAccess.About"/>).</summary>
public sealed class ConcernPerson
{
    public Guid ConcernId { get; init; }
    public Guid UserId { get; init; }
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

