using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>The current form of a role, or one version of it: coordinators see every question, staff neither the private nor the sensitive ones.</summary>
public sealed class GetQuestionnaire(TandemDb db, ScreeningAccess access)
{
    public async Task<Outcome<QuestionnaireView>> RunAsync(Actor actor, Guid programId, string role, int? version, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (ScreeningAccess.CheckRole(found.Value.Program, role, out var programRole) is { } wrongRole)
        {
            return wrongRole;
        }
        var versions = db.Set<Questionnaire>().Where(q => q.ProgramId == programId && q.Role == programRole);
        var questionnaire = version is { } v
            ? await versions.Where(q => q.Version == v).AsNoTracking().SingleOrDefaultAsync(ct)
            : await versions.OrderByDescending(q => q.Version).AsNoTracking().FirstOrDefaultAsync(ct);
        if (questionnaire is null)
        {
            return new NotFound(version is null ? $"The {programRole} role has no application form yet." : $"The {programRole} form has no version {version}.");
        }
        var count = await db.Set<Application>().CountAsync(a => a.QuestionnaireId == questionnaire.Id, ct);
        var questions = questionnaire.Questions();
        if (found.Value.Role != ScreeningRole.Coordinator)
        {
            questions = questions.Where(ScreeningAccess.StaffSee).ToList();
        }
        return new QuestionnaireView(questionnaire.Id, programId, programRole, questionnaire.Version, questions, count, questionnaire.CreatedAt, questionnaire.UpdatedAt);
    }
}
