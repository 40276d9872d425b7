using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>Coordinators only: 404 when the program is not visible, 403 when visible but not managed (the check is ProgramAccess's).</summary>
public sealed class MatchingAccess(ProgramAccess programs)
{
    public Task<Outcome<MentorshipProgram>> FindAsync(Actor actor, Guid programId, CancellationToken ct) =>
        programs.FindManagedAsync(actor, programId, ct, forbidden: "Only the program's coordinators can do this.", tracked: false);
}
