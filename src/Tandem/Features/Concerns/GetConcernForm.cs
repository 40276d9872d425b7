using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Concerns;

public sealed record ConcernFormProgram(Guid Id, string Name);

/// <summary>Someone the reporter may name: a member of one of their relationships, in that relationship's program.</summary>
public sealed record ConcernFormPerson(Guid ProgramId, Guid RelationshipId, Guid UserId, string DisplayName, string ProgramName);

public sealed record ConcernForm(IReadOnlyList<ConcernFormProgram> Programs, IReadOnlyList<ConcernFormPerson> People);

/// <summary>
/// What the report form offers the caller: the programs they take part in that retention has not anonymised (they take
/// no more concerns, ADR 116), and the people of their own relationships in those programs.
/// </summary>
public sealed class GetConcernForm(TandemDb db, IProgramRetention retention)
{
    public async Task<ConcernForm> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var theirs = await db.Enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.ProgramId).Distinct().ToListAsync(ct);
        var anonymised = await retention.AnonymisedAmongAsync(theirs, ct);
        var open = db.Programs.Where(p => theirs.Contains(p.Id) && !anonymised.Contains(p.Id));
        var programs = await open.OrderBy(p => p.Name).ThenBy(p => p.Id).Select(p => new ConcernFormProgram(p.Id, p.Name)).Take(100).ToListAsync(ct);
        var mine = db.Set<RelationshipMember>().Where(m => m.UserId == actor.UserId).Select(m => m.RelationshipId);
        // Ordered before the cut, so the list is the first 200 by program and name, not any 200.
        var people = await db.Set<RelationshipMember>().Where(m => mine.Contains(m.RelationshipId) && m.UserId != actor.UserId)
            .Join(db.Set<Relationship>(), m => m.RelationshipId, r => r.Id, (m, r) => new { m.UserId, m.RelationshipId, r.ProgramId })
            .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new { x.ProgramId, x.RelationshipId, x.UserId, u.DisplayName })
            .Join(open, x => x.ProgramId, p => p.Id, (x, p) => new { x.ProgramId, x.RelationshipId, x.UserId, x.DisplayName, ProgramName = p.Name })
            .OrderBy(x => x.ProgramName).ThenBy(x => x.DisplayName).ThenBy(x => x.RelationshipId).ThenBy(x => x.UserId)
            .Take(200).ToListAsync(ct);
        return new ConcernForm(programs, people.Select(x => new ConcernFormPerson(x.ProgramId, x.RelationshipId, x.UserId, x.DisplayName, x.ProgramName)).ToList());
    }
}
