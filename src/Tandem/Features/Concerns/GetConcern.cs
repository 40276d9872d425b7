using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>One concern with its timeline and notes, for those who handle it (ConcernAccess); 404 for anyone else, the person it is about included.</summary>
public sealed class GetConcern(TandemDb db, ConcernAccess access, TimeProvider clock, Privacy.AuditLog audit)
{
    public async Task<Outcome<ConcernDetails>> RunAsync(Actor actor, Guid programId, Guid concernId, CancellationToken ct = default)
    {
        var concern = await access.Handled(actor).AsNoTracking().Include(c => c.Steps)
            .SingleOrDefaultAsync(c => c.Id == concernId && c.ProgramId == programId, ct);
        if (concern is null)
        {
            return new NotFound("No concern with this id is visible to you.");
        }
        // The reporter's read and the subject's are told apart: the subject's is never shown to them (ADR 98). Whom it is
        // about is ConcernAccess.About: the person it names, or, naming nobody, the other members of the pair (ADR 116).
        await audit.RecordAsync(actor, [concern.ReporterUserId], Privacy.AuditRecord.Concern, concern.Id, programId, "Handling a concern", ct);
        var about = await access.About().Where(a => a.ConcernId == concern.Id).Select(a => a.UserId).ToListAsync(ct);
        if (about.Count > 0)
        {
            await audit.RecordAsync(actor, about, Privacy.AuditRecord.ConcernSubject, concern.Id, programId, "Handling a concern", ct);
        }
        var program = await db.Programs.Where(p => p.Id == programId).Select(p => p.Name).SingleAsync(ct);
        var people = concern.Steps.Select(s => s.ByUserId)
            .Append(concern.ReporterUserId)
            .Concat(new[] { concern.SubjectUserId, concern.MediatorUserId }.OfType<Guid>())
            .Distinct().ToList();
        var names = await db.Users.Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        PersonOption? Person(Guid? id) => id is { } v ? new PersonOption(v, names.GetValueOrDefault(v, "(deleted account)")) : null;
        var now = clock.GetUtcNow().UtcDateTime;
        var timeline = concern.Steps.OrderBy(s => s.At).ThenBy(s => s.Id)
            .Select(s => new ConcernStepView(s.Step, s.At, names.GetValueOrDefault(s.ByUserId, "(deleted account)"), s.Note)).ToList();
        return new ConcernDetails(concern.Id, programId, program, concern.Category, concern.State, concern.Description,
            Person(concern.ReporterUserId)!, Person(concern.SubjectUserId), concern.RelationshipId, concern.ReportedAt, concern.AcknowledgeBy,
            concern.State == ConcernState.Received && concern.AcknowledgeBy <= now, Person(concern.MediatorUserId), concern.MediationAt, timeline,
            NextSteps(concern.State), concern.IsFinal ? [] : await access.MediatorsAsync(concern, ct));
    }

    public static IReadOnlyList<ConcernState> NextSteps(ConcernState state) => state switch
    {
        ConcernState.Received => [ConcernState.Acknowledged],
        ConcernState.Acknowledged => [ConcernState.MediationScheduled, ConcernState.Resolved, ConcernState.Escalated],
        ConcernState.MediationScheduled => [ConcernState.MediationScheduled, ConcernState.MediationHeld, ConcernState.Resolved, ConcernState.Escalated],
        ConcernState.MediationHeld => [ConcernState.MediationScheduled, ConcernState.Resolved, ConcernState.Escalated],
        _ => [],
    };
}
