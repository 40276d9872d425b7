namespace Tandem.Features.Programs;

/// <summary>
/// What closing a program does, in the words its confirmation shows. Keep it true to the code: each line names a
/// rule that checks for a closed program (applications, invitations, decisions, program edits, new surveys) or
/// what reads the status (the survey sent when a program closes).
/// </summary>
public static class ProgramLifecycleText
{
    public static readonly IReadOnlyList<string> ClosingStops =
    [
        "applications: nobody can apply, and applications not yet decided can no longer be decided",
        "recruitment: no invitations, nominations, roster imports or new information sessions",
        "changes to the program's design (its Edit page)",
        "new surveys; surveys set to go out \"when the program closes\" are sent to participants",
    ];

    public const string ClosingKeeps =
        "existing relationships, their meetings, check-ins, reminders and messages, which carry on until you close them; "
        + "reports, exports and everything recorded so far stay readable.";

    public static string ReopenWithin(int days) =>
        $"If you close it by mistake, you can reopen it here within {days} days; after that it stays closed.";
}
