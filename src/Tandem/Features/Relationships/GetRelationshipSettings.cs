using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>Reads a program's relationship settings (anyone who sees the program: mentees need to know if self-match is on).</summary>
public sealed class GetRelationshipSettings(TandemDb db, ProgramAccess programs)
{
    public async Task<Outcome<RelationshipSettingsView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if (!await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var s = await ProgramSelfMatchSettings.LoadAsync(db, programId, ct);
        return new RelationshipSettingsView(programId, s.SelfMatchEnabled, s.RequestTimeoutDays, s.FitCheckAfterDays);
    }
}
