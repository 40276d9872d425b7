namespace Tandem.Features.Programs;

/// <summary>
/// Whether a mentor's mentees form one group or separate pairs. The members of one relationship read each other's
/// names, match reasons, meetings and check-ins, and Tandem holds minors' data, so a mentor leads a group only where
/// the coordinator chose group mentoring: a mentor–mentee program whose formats include Group and not One-to-one.
/// Everywhere else a mentor approved for capacity N has N separate pairs (ADR 13). Peer programs form study groups
/// only when their matching setup's group size is above two.
/// </summary>
public static class MentoringFormat
{
    public static bool MentorsLeadGroups(PairingModel pairing, MeetingFormats formats) =>
        pairing == PairingModel.MentorMentee && formats.HasFlag(MeetingFormats.Group) && !formats.HasFlag(MeetingFormats.OneToOne);

    public static bool MentorsLeadGroups(MentorshipProgram program) => MentorsLeadGroups(program.Pairing, program.MeetingFormats);

    /// <summary>What a mentor's capacity means in the program, for the approval screens.</summary>
    public static string CapacityMeaning(bool groups) => groups
        ? "This program runs group mentoring: a capacity of N means one group of the mentor and N mentees, who see each other's names, meetings and check-ins."
        : "This program is one-to-one: a capacity of N means N separate pairs; the mentees never see each other or each other's meetings and check-ins.";
}
