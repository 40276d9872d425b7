using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// The program's nominations, newest first, for its coordinators. A staff member's statement about a minor is part of their
/// record: each read of a page is audited for the nominees on it who are minors (ADR 106).
/// </summary>
public sealed class ListNominations(TandemDb db, ProgramAccess access, IProgramApplicants applicants, AuditLog audit)
{
    public const string ReadingPurpose = "Reading the program's nominations";

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
        // The nominee's account: linked when nominated (a member), else the applicant with the nominated address.
        var linked = items.Where(n => n.NomineeUserId is not null).Select(n => n.NomineeUserId!.Value);
        var unlinked = items.Where(n => n.NomineeUserId is null).Select(n => Invitation.Normalize(n.NomineeEmail)).Distinct().ToList();
        var applying = unlinked.Count == 0 ? [] : (await applicants.AmongAsync(programId, unlinked, ct)).Select(a => a.UserId);
        await audit.RecordAsync(actor, linked.Concat(applying).Distinct().ToList(), AuditRecord.Nomination, null, programId, ReadingPurpose, ct);
        return paging.Of(items, total);
    }
}
