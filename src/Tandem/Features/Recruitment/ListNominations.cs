using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>The program's nominations, newest first, for its coordinators.</summary>
public sealed class ListNominations(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<Paged<NominationView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var nominations = db.Set<Nomination>().Where(n => n.ProgramId == programId);
        var total = await nominations.CountAsync(ct);
        var items = await nominations.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Page(paging)
            .Select(n => new NominationView(n.Id, n.ProgramId, n.NomineeEmail, n.NomineeUserId, n.Role, n.Statement, n.NominatedByUserId,
                db.Users.Where(u => u.Id == n.NominatedByUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "", n.CreatedAt,
                db.Set<Invitation>().Any(i => i.ProgramId == n.ProgramId && i.Source == InvitationSource.Nomination && i.NormalizedEmail == n.NomineeEmail.ToUpper())))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
