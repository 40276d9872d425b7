using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed record SessionSignUpView(Guid UserId, string DisplayName, string Email, DateTime SignedUpAt);

/// <summary>
/// Who signed up for a session (its event's answers "going", in the order they asked), for the program's coordinators; the
/// waitlist is on the events page. A read of a minor's sign-up (name, e-mail, when) is logged as the event's attendance
/// list is, since it shows the same rows (ADR 97, 128).
/// </summary>
public sealed class ListSessionSignUps(TandemDb db, ProgramAccess access, AuditLog audit)
{
    public async Task<Outcome<Paged<SessionSignUpView>>> RunAsync(Actor actor, Guid sessionId, int page, int pageSize, CancellationToken ct = default)
    {
        var programId = await InformationSessionEvents.All(db).Where(s => s.Id == sessionId).Select(s => (Guid?)s.ProgramId).SingleOrDefaultAsync(ct);
        if (programId is null)
        {
            return new NotFound("No information session with this id.");
        }
        var found = await access.FindManagedAsync(actor, programId.Value, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure is NotFound ? new NotFound("No information session with this id.") : failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var signUps = db.Set<EventRsvp>().Where(u => u.EventId == sessionId && u.State == RsvpState.Going);
        var total = await signUps.CountAsync(ct);
        var items = await signUps.OrderBy(u => u.QueueNumber).ThenBy(u => u.Id).Page(paging)
            .Join(db.Users, u => u.UserId, x => x.Id, (u, x) => new SessionSignUpView(x.Id, x.DisplayName, x.Email ?? "", u.QueuedAt))
            .ToListAsync(ct);
        await audit.RecordAsync(actor, items.Select(i => i.UserId).ToList(), AuditRecord.EventAttendance, sessionId, programId, GetEventAttendance.ReadingPurpose, ct);
        return paging.Of(items, total);
    }
}
