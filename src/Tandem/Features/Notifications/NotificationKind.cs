namespace Tandem.Features.Notifications;

/// <summary>What a notification is about, in words a participant or coordinator recognises; each person chooses per kind how they hear of it.</summary>
public enum NotificationKind
{
    /// <summary>Meetings proposed, accepted, moved, declined or cancelled.</summary>
    Meetings,

    /// <summary>Before a meeting, after it (to check in), when a pair has not met for a while, and "time to schedule".</summary>
    Reminders,

    /// <summary>A coordinator's message to a pair or group.</summary>
    Messages,

    /// <summary>Matches published, mentor requests and their answers, rankings to fill in, a relationship starting, pausing or ending.</summary>
    Matches,

    /// <summary>A program's announcements.</summary>
    Announcements,

    /// <summary>Surveys to answer and answers in the suggestion box.</summary>
    Surveys,

    /// <summary>Application decisions and, for coordinators, a matching draft that is ready.</summary>
    ProgramUpdates,

    /// <summary>Concerns and safeguarding reports: always e-mailed at once, never switched off or delayed.</summary>
    Safeguarding,

    /// <summary>Consent withdrawn, a privacy notice that changed, an erasure request: always e-mailed at once (deadlines the law sets).</summary>
    Privacy,

    /// <summary>A program's events: a reminder the day before one you are going to, a place from the waitlist, a cancellation.</summary>
    Events,

    /// <summary>Discussion channels: someone mentioned you or replied to your post; for coordinators, a post was reported.</summary>
    Discussions,
}

/// <summary>How a person hears of one kind of notification. The in-app notification is always kept.</summary>
public enum NotificationChoice
{
    /// <summary>In the app only.</summary>
    InApp,

    /// <summary>In the app and by e-mail at once (everyone's default).</summary>
    Email,

    /// <summary>In the app at once, and in one e-mail a day listing the day's notifications.</summary>
    DailyDigest,
}

/// <summary>The kinds as people see them, and the rule that safeguarding and privacy notices are always e-mailed at once.</summary>
public static class NotificationKinds
{
    /// <summary>Without a stored choice, a kind is e-mailed at once (as every notification was before choices existed).</summary>
    public const NotificationChoice Default = NotificationChoice.Email;

    public static IReadOnlyList<NotificationKind> All { get; } = Enum.GetValues<NotificationKind>();

    /// <summary>Kinds nobody can switch off or delay: someone may be at risk, or the law sets a deadline.</summary>
    public static bool IsFixed(NotificationKind kind) => kind is NotificationKind.Safeguarding or NotificationKind.Privacy;

    public static IReadOnlyList<NotificationKind> Changeable { get; } = All.Where(k => !IsFixed(k)).ToList();

    /// <summary>The kind as it is named on the page and in the digest.</summary>
    public static string Label(NotificationKind kind) => kind switch
    {
        NotificationKind.Meetings => "Meetings",
        NotificationKind.Reminders => "Reminders",
        NotificationKind.Messages => "Messages from coordinators",
        NotificationKind.Matches => "Matches and mentor requests",
        NotificationKind.Announcements => "Announcements",
        NotificationKind.Surveys => "Surveys and the suggestion box",
        NotificationKind.ProgramUpdates => "Applications and program updates",
        NotificationKind.Safeguarding => "Safeguarding and concerns",
        NotificationKind.Privacy => "Privacy and consent",
        NotificationKind.Events => "Events",
        NotificationKind.Discussions => "Discussions",
        _ => kind.ToString(),
    };

    public static string Hint(NotificationKind kind) => kind switch
    {
        NotificationKind.Meetings => "A meeting proposed, accepted, moved, declined or cancelled.",
        NotificationKind.Reminders => "Before and after meetings, and when it is time to meet again.",
        NotificationKind.Messages => "What a coordinator writes to your pair or group.",
        NotificationKind.Matches => "New matches, mentor requests and answers, rankings, a relationship pausing or ending.",
        NotificationKind.Announcements => "News your programs post.",
        NotificationKind.Surveys => "Surveys to answer, answers to suggestions.",
        NotificationKind.ProgramUpdates => "Decisions on applications; for coordinators, matching drafts that are ready.",
        NotificationKind.Safeguarding => "Always e-mailed at once: someone may need help quickly.",
        NotificationKind.Privacy => "Always e-mailed at once: consent and privacy requests have deadlines.",
        NotificationKind.Events => "Workshops and socials you said you are going to: a reminder the day before, a place from the waitlist, a cancellation.",
        NotificationKind.Discussions => "Someone mentioned you or replied to your post in a discussion channel; for coordinators, a reported post.",
        _ => "",
    };

    public static string Describe(NotificationChoice choice) => choice switch
    {
        NotificationChoice.InApp => "In the app only",
        NotificationChoice.Email => "E-mail at once",
        _ => "Daily digest e-mail",
    };
}
