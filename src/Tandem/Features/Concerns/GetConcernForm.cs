using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Concerns;

public sealed record ConcernFormProgram(Guid Id, string Name);

/// <summary>Someone the reporter may name: a member of one of their relationships, in that relationship's program.</summary>
public sealed record ConcernFormPerson(Guid ProgramId, Guid RelationshipId, Guid UserId, string DisplayName, string ProgramName);

public sealed record ConcernForm(IReadOnlyList<ConcernFormProgram> Programs, IReadOnlyList<ConcernFormPerson> People);

/// <summary>What the report form offers the caller: the programs they take part in, and the people of their own relationships.</summary>
public sealed class GetConcernForm(TandemDb db)
{
    public async Task<ConcernForm> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var programs = await db.Programs.Where(p => p.Enrolments.Any(e => e.UserId == actor.UserId))
            .OrderBy(p => p.Name).Select(p => new ConcernFormProgram(p.Id, p.Name)).Take(100).ToListAsync(ct);
        var mine = db.Set<RelationshipMember>().Where(m => m.UserId == actor.UserId).Select(m => m.RelationshipId);
        var people = await db.Set<RelationshipMember>().Where(m => mine.Contains(m.RelationshipId) && m.UserId != actor.UserId)
            .Join(db.Set<Relationship>(), m => m.RelationshipId, r => r.Id, (m, r) => new { m.UserId, m.RelationshipId, r.ProgramId })
            .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new { x.ProgramId, x.RelationshipId, x.UserId, u.DisplayName })
            .Join(db.Programs, x => x.ProgramId, p => p.Id, (x, p) => new ConcernFormPerson(x.ProgramId, x.RelationshipId, x.UserId, x.DisplayName, p.Name))
            .Take(200).ToListAsync(ct);
        return new ConcernForm(programs, people.OrderBy(p => p.ProgramName).ThenBy(p => p.DisplayName).ToList());
    }
}
