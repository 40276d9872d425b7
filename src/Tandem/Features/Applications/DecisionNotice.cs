using Tandem.Features.Notifications;

namespace Tandem.Features.Applications;

/// <summary>What an applicant is told when a coordinator decides their application (in the app and by e-mail).</summary>
public static class DecisionNotice
{
    /// <summary>Where the notice leads: the applicant's list of applications, which shows the decision and the message.</summary>
    public const string Link = "/my/applications";

    public static NotificationMessage For(Application application, string programName, Decision decision, string? message)
    {
        var role = application.Role.ToString().ToLowerInvariant();
        var (title, body) = decision switch
        {
            Decision.Approve => ($"Your application to {programName} is approved",
                $"Good news: your application to join {programName} as a {role} is approved. You are now enrolled in the program."),
            Decision.Decline => ($"Your application to {programName} was declined",
                $"Your application to join {programName} as a {role} was declined."),
            _ => ($"Your application to {programName} is on the waiting list",
                $"Your application to join {programName} as a {role} is on the waiting list. The coordinators will tell you when there is a place."),
        };
        if (message is not null)
        {
            body += $"\n\nMessage from the coordinator:\n{message}";
        }
        return new NotificationMessage(application.UserId, NotificationKind.ProgramUpdates, title, body, Link);
    }
}
