using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>
/// Edits a program's design. Closed programs are read-only. Read and written under the program's row lock
/// (<see cref="ProgramLock"/>, ADR 114): two saves at once are taken one after the other, the second replacing the
/// objectives the first wrote, where it used to delete the ones the first had already deleted and end in a 500.
/// </summary>
public sealed class UpdateProgram(TandemDb db, ProgramAccess access, GetProgram getProgram, IProgramGroups groups, TimeProvider clock)
{
    public const string ChangedWhileEditing = "The program changed while you edited it; reload it and make your change again.";

    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid programId, ProgramInput input, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Taken before the read, so the objectives read are the ones this save replaces; the read says whether the actor may.
        await ProgramLock.TakeAsync(db, programId, ct);
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
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            return new Conflict(ChangedWhileEditing);
        }
        return await getProgram.RunAsync(actor, programId, ct);
    }
}
