using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

internal static class ApplicationRules
{
    public const string UnverifiedEmail =
        "Confirm your e-mail address before you submit: open the link we e-mailed you. Your draft can be saved meanwhile, and you can ask for the link again.";

    /// <summary>The 409 when answers were typed on a form version that is no longer the current one (ADR 104).</summary>
    public const string FormChanged =
        "The form changed while you were filling it in; check your answers. Nothing was saved: what you typed is kept on the new form where it still fits.";

    /// <summary>The 409 when the privacy notices shown are no longer the current ones at the first submission (ADR 104).</summary>
    public const string NoticesChanged =
        "The privacy notices changed while you were filling in the form; read the new versions below, then submit again. Nothing was saved.";

    public static Task<Questionnaire?> CurrentFormAsync(TandemDb db, Guid programId, ProgramRole role, CancellationToken ct) =>
        db.Set<Questionnaire>().Where(q => q.ProgramId == programId && q.Role == role)
            .OrderByDescending(q => q.Version).AsNoTracking().FirstOrDefaultAsync(ct);

    /// <summary>The 409 an applicant gets when changing or withdrawing an application that is no longer undecided.</summary>
    public static Conflict? DecidedProblem(Application application) => application.Status switch
    {
        ApplicationStatus.Draft or ApplicationStatus.Submitted => null,
        ApplicationStatus.Withdrawn => new Conflict($"You withdrew this application on {application.UpdatedAt:d MMM yyyy}; it can no longer be changed."),
        var status => new Conflict($"Your application was {DecidedWord(status)} on {application.DecidedAt ?? application.UpdatedAt:d MMM yyyy}; "
            + "it can no longer be changed or withdrawn. Contact the program's coordinators if something has changed."),
    };

    public static string DecidedWord(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Approved => "approved",
        ApplicationStatus.Declined => "declined",
        ApplicationStatus.Waitlisted => "put on the waiting list",
        _ => status.ToString().ToLowerInvariant(),
    };
}
