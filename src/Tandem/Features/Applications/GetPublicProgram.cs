using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>A program's public face (anyone, signed in or not). Not found only when the program does not exist.</summary>
public sealed class GetPublicProgram(TandemDb db)
{
    public async Task<Outcome<PublicProgramView>> RunAsync(Guid programId, CancellationToken ct = default)
    {
        var program = await db.Programs.Where(p => p.Id == programId).Include(p => p.Objectives).AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No such program.");
        }
        var organisation = await db.Organisations.Where(o => o.Id == program.OrganisationId)
            .Select(o => new { o.Name, o.IncludesMinors }).SingleAsync(ct);
        return new PublicProgramView(program.Id, program.Name, organisation.Name, program.Description, program.TargetAudience, program.Guidelines,
            program.Objectives.OrderBy(o => o.Position).Select(o => new ObjectiveLine(o.Description, o.Target)).ToList(),
            program.Status, ScreeningAccess.ApplicableRoles(program.Pairing), organisation.IncludesMinors);
    }
}
