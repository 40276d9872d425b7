using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Concerns;

/// <summary>Which concerns' audit entries a reader may see (ADR 98): those they handle, in the organisation's log; those they reported, in their own.</summary>
public sealed class ConcernAuditScope(TandemDb db, ConcernAccess access) : Privacy.IConcernAuditScope
{
    public IQueryable<Guid> HandledBy(Actor actor) => access.Handled(actor).Select(c => c.Id);

    public IQueryable<Guid> ReportedBy(Guid userId) => db.Set<Concern>().Where(c => c.ReporterUserId == userId).Select(c => c.Id);
}
