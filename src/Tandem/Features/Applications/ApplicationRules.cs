using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Features.Applications;

internal static class ApplicationRules
{
    public const string UnverifiedEmail =
        "Confirm your e-mail address before you submit: open the link we e-mailed you. Your draft can be saved meanwhile, and you can ask for the link again.";

    public static Task<Questionnaire?> CurrentFormAsync(TandemDb db, Guid programId, ProgramRole role, CancellationToken ct) =>
        db.Set<Questionnaire>().Where(q => q.ProgramId == programId && q.Role == role)
            .OrderByDescending(q => q.Version).AsNoTracking().FirstOrDefaultAsync(ct);
}
