using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Features.Applications;

/// <summary>Answers Programs' question before recruitment opens: which of the roles it recruits have no application form yet.</summary>
public sealed class RecruitmentReadiness(TandemDb db) : IRecruitmentReadiness
{
    public async Task<IReadOnlyList<string>> MissingAsync(MentorshipProgram program, CancellationToken ct)
    {
        var roles = ScreeningAccess.ApplicableRoles(program.Pairing);
        var withForm = await db.Set<Questionnaire>().Where(q => q.ProgramId == program.Id).Select(q => q.Role).Distinct().ToListAsync(ct);
        return roles.Where(r => !withForm.Contains(r))
            .Select(r => $"an application form for {r.ToString().ToLowerInvariant()}s (Applications page, “{r} form”)")
            .ToList();
    }
}
