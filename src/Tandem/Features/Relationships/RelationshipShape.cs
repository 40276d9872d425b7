using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

/// <summary>
/// Which relationships a program may have (<see cref="MentoringFormat"/>): checked by
/// <see cref="StartRelationship.StartAsync"/>, the one place every start goes through (publishing, re-matching, late
/// joiners, self-match, a coordinator's start), so a group can never be formed where the program is one-to-one.
/// </summary>
public sealed record RelationshipShape(PairingModel Pairing, bool MentorsLeadGroups, int PeerGroupSize)
{
    public bool PeersFormGroups => Pairing == PairingModel.PeerToPeer && PeerGroupSize > 2;

    /// <summary>Whether the members of a proposal round that share a group number become one relationship.</summary>
    public bool FormsGroups => MentorsLeadGroups || PeersFormGroups;

    public static async Task<RelationshipShape> LoadAsync(TandemDb db, IStudyGroupSize sizes, Guid programId, CancellationToken ct)
    {
        var program = await db.Programs.Where(p => p.Id == programId).Select(p => new { p.Pairing, p.MeetingFormats }).SingleAsync(ct);
        var groupSize = await sizes.OfProgramAsync(programId, ct) ?? 2;
        return new RelationshipShape(program.Pairing, MentoringFormat.MentorsLeadGroups(program.Pairing, program.MeetingFormats), groupSize);
    }

    /// <returns>Why a relationship of this kind and size may not start in the program, or null when it may.</returns>
    public string? Refuses(RelationshipKind kind, int members)
    {
        var pair = kind == RelationshipKind.Pair && members == 2;
        if (pair)
        {
            return null;
        }
        if (Pairing == PairingModel.MentorMentee && !MentorsLeadGroups)
        {
            return "This program is one-to-one: each mentee has their own pair with the mentor. Start one relationship per mentee "
                + "(groups are formed only in programs whose meeting formats are Group without One-to-one).";
        }
        if (Pairing == PairingModel.PeerToPeer && !PeersFormGroups)
        {
            return "This program pairs peers two by two; set a study-group size above two in the matching setup to form groups.";
        }
        return null;
    }
}

/// <summary>
/// The study-group size a program's matching setup asks for (null when it has no setup). Matching owns the setup and
/// answers this (<c>Matching/StudyGroupSize.cs</c>), so that Relationships does not read matching's tables.
/// </summary>
public interface IStudyGroupSize
{
    Task<int?> OfProgramAsync(Guid programId, CancellationToken ct);
}
