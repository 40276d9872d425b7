using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>
/// The program's roster, for its coordinators: by role, then in the order people joined, paged from the
/// (ProgramId, Role, EnrolledAt, Id) index. Not by name: that would join and sort every enrolment's user (ADR 50).
/// The whole roster's total is the program's kept participant count plus its few staff (ADR 46), not a count of
/// every enrolment; a list of one role counts that role's range of the index.
/// </summary>
public sealed class ListEnrolments(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<Paged<EnrolmentView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, ProgramRole? role, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var enrolments = db.Enrolments.Where(e => e.ProgramId == programId);
        if (role is { } r)
        {
            enrolments = enrolments.Where(e => e.Role == r);
        }
        var total = role is null
            ? found.Value!.ParticipantCount + await db.Enrolments
                .CountAsync(e => e.ProgramId == programId && (e.Role == ProgramRole.Coordinator || e.Role == ProgramRole.Staff), ct)
            : await enrolments.CountAsync(ct);
        var items = await enrolments
            .OrderBy(e => e.Role).ThenBy(e => e.EnrolledAt).ThenBy(e => e.Id)
            .Page(paging)
            .Select(e => new EnrolmentView(e.Id, e.UserId, e.User!.DisplayName, e.User.Email ?? "", e.Role, e.EnrolledAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
