using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>One program as the actor may see it, with what they may do to it.</summary>
public sealed class GetProgram(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var row = await access.Visible(actor)
            .Where(p => p.Id == programId)
            .Select(p => new
            {
                Program = p,
                OrganisationName = db.Organisations.Where(o => o.Id == p.OrganisationId).Select(o => o.Name).First(),
                Objectives = p.Objectives.OrderBy(o => o.Position).Select(o => new ObjectiveView(o.Description, o.Target)).ToList(),
                Counts = p.Enrolments.GroupBy(e => e.Role).Select(g => new { Role = g.Key, Count = g.Count() }).ToList(),
                MyRoles = p.Enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.Role).ToList(),
            })
            .AsNoTracking()
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var canManage = await access.Visible(actor).Where(p => p.Id == programId).AnyAsync(access.Manageable(actor), ct);
        var p = row.Program;
        return new ProgramDetails(
            p.Id, p.OrganisationId, row.OrganisationName, p.Name, p.Description, p.TargetAudience, p.Pairing,
            p.Guidelines, p.MeetingFormats.ToList(), p.Cadence, p.StartsOn, p.EndsOn, p.Status,
            canManage ? MentorshipProgram.AllowedNext(p.Status) : [],
            row.Objectives,
            row.Counts.ToDictionary(c => c.Role, c => c.Count),
            row.MyRoles, canManage, p.CreatedAt, p.UpdatedAt);
    }
}
