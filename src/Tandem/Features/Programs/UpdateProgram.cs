using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>Edits a program's design. Closed programs are read-only.</summary>
public sealed class UpdateProgram(TandemDb db, ProgramAccess access, GetProgram getProgram, IProgramGroups groups, TimeProvider clock)
{
    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid programId, ProgramInput input, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, withObjectives: true);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        if (program.Status == ProgramStatus.Closed)
        {
            return new Conflict("A closed program can no longer be edited.");
        }
        var design = input.ToDesign();
        // Groups stay groups: a mentor-and-mentees design without group-only meetings is one-to-one, and its groups would be
        // split into pairs (ADR 13) with the group's messages, goals and channel left to one mentee.
        if (design.Pairing == PairingModel.MentorMentee && !MentoringFormat.MentorsLeadGroups(design.Pairing, design.MeetingFormats)
            && (program.Pairing != design.Pairing || program.MeetingFormats != design.MeetingFormats) && await groups.AnyAsync(programId, ct))
        {
            return new Conflict("This program has mentor groups: it stays group mentoring (Group meetings only) while they exist.");
        }
        program.Describe(design, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return await getProgram.RunAsync(actor, programId, ct);
    }
}
