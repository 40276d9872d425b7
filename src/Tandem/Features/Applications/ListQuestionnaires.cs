using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed record QuestionnaireSummary(Guid Id, ProgramRole Role, int Version, int QuestionCount, DateTime UpdatedAt);

/// <summary>The current version of each role's form.</summary>
public sealed class ListQuestionnaires(TandemDb db, ScreeningAccess access)
{
    public async Task<Outcome<List<QuestionnaireSummary>>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var all = await db.Set<Questionnaire>().Where(q => q.ProgramId == programId).AsNoTracking().ToListAsync(ct);
        var coordinator = found.Value.Role == ScreeningRole.Coordinator;
        return all.GroupBy(q => q.Role)
            .Select(g => g.MaxBy(q => q.Version)!)
            .OrderBy(q => q.Role)
            .Select(q => new QuestionnaireSummary(q.Id, q.Role, q.Version, q.Questions().Count(x => coordinator || ScreeningAccess.StaffSee(x)), q.UpdatedAt))
            .ToList();
    }
}
